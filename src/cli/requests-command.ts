// `earshot requests list|show`: the request log, read from the state store (the SQLite file beside a
// local server, or the PostgreSQL database replicas share) or from a server's GET /v1/requests endpoint, and told in plain words with the fixes.
import { openStateStore, type StoreLocation } from '../store/state-store.js';
import type { RequestLog } from '../store/request-log.js';
import type { RequestRecord } from '../store/request-record.js';
import { ExplainedError, earshotApi } from '../client/earshot-api.js';
import { explainClose, explainMistake, explainRefusal } from '../protocol/explain.js';
import { painter } from './terminal.js';

export interface RequestSource {
  list(limit: number): Promise<RequestRecord[]>;
  get(requestId: string): Promise<RequestRecord | undefined>;
}

export function storedRequests(location: StoreLocation): RequestSource {
  const read = async <T>(query: (log: RequestLog) => Promise<T>): Promise<T> => {
    const store = await openStateStore(location, { role: 'reader' }).catch((err) => {
      throw new ExplainedError(err.message);
    });
    try {
      return await query(store.requests);
    } finally {
      await store.close();
    }
  };
  return {
    list: (limit) => read((log) => log.list({ limit })),
    get: (id) => read((log) => log.get(id)),
  };
}

/** `server`: the http(s) or ws(s) base URL of an Earshot. */
export function remoteRequests(server: string, apiKey?: string): RequestSource {
  const api = earshotApi(server, apiKey);
  return {
    list: async (limit) => (await api(`/v1/requests?limit=${limit}`)).requests,
    get: (id) => api(`/v1/requests/${encodeURIComponent(id)}`, { missingOk: true }),
  };
}

const isPrerecorded = (r: RequestRecord) => r.method === 'POST';

function outcome(r: RequestRecord): string {
  if (r.state === 'refused') return `refused ${r.httpStatus}`;
  if (r.state === 'open') return isPrerecorded(r) ? 'transcribing' : 'streaming';
  if (r.state === 'interrupted') return 'interrupted (server stopped)';
  if (isPrerecorded(r)) return `answered ${r.httpStatus}${r.failure ? ` ${r.failure}` : ''}`;
  return `closed ${r.closeCode}${r.failure ? ` ${r.failure}` : ''}`;
}

export function formatList(records: RequestRecord[], stream: NodeJS.WriteStream): string {
  const paint = painter(stream);
  if (records.length === 0) return 'no requests logged yet';
  return records
    .map((r) => {
      const state = outcome(r);
      const tone = r.state === 'refused' || r.failure || r.state === 'interrupted' ? 'red' : r.state === 'open' ? 'cyan' : 'green';
      const issues = r.diagnoses.length > 0 ? paint('yellow', `  ${r.diagnoses.length} problem${r.diagnoses.length > 1 ? 's' : ''}: ${r.diagnoses.map((d) => d.code).join(', ')}`) : '';
      return `${r.openedAt}  ${r.requestId}  ${paint(tone, state.padEnd(22))} ${r.audioSeconds.toFixed(1).padStart(7)} s  ${r.client}${issues}`;
    })
    .join('\n');
}

export function formatRecord(r: RequestRecord, stream: NodeJS.WriteStream): string {
  const paint = painter(stream);
  const lines = [
    paint('bold', `Request ${r.requestId}`),
    `  opened      ${r.openedAt}${r.closedAt ? `, closed ${r.closedAt}` : ''}`,
    `  client      ${r.client}${r.keyId ? `, key ${r.keyId}` : ', no key'}`,
    `  request     ${r.method ?? 'GET'} ${r.path}${Object.keys(r.query).length ? '?' + new URLSearchParams(r.query).toString() : ''}`,
  ];
  if (r.server) lines.push(`  server      ${r.server}`);
  if (r.state === 'refused') {
    const { what, fix } = explainRefusal(r.httpStatus, r.error);
    lines.push(`  outcome     ${paint('red', `refused: ${what}`)}`);
    if (fix) lines.push(`  fix         ${fix}`);
    return lines.join('\n');
  }
  if (r.model) lines.push(`  model       ${r.model}`);
  lines.push(`  audio       ${r.bytesReceived} bytes, ${r.audioSeconds.toFixed(2)} s${r.format ? ` (${r.format})` : ''}`);
  lines.push(`  received    ${tally(r.framesReceived)}`);
  lines.push(`  sent        ${tally(r.messagesSent)}`);
  if (r.state === 'open') lines.push(`  outcome     ${paint('cyan', isPrerecorded(r) ? 'still transcribing' : 'still streaming')}`);
  else if (r.state === 'interrupted') lines.push(`  outcome     ${paint('red', 'interrupted: the server stopped abruptly (crash or kill) while this stream was open')}`);
  else if (isPrerecorded(r)) {
    const { what, fix } = r.httpStatus === 200 ? { what: '200: transcribed' } : explainRefusal(r.httpStatus, r.error);
    lines.push(`  outcome     ${paint(r.failure ? 'red' : 'green', what)}`);
    if (fix) lines.push(`  fix         ${fix}`);
  } else {
    const { what, fix } = explainClose(r.closeCode ?? 1005, r.closeReason ?? '');
    lines.push(`  outcome     ${paint(r.failure ? 'red' : 'green', r.closeCode === 1005 ? 'the client closed the connection' : what)}`);
    if (fix && r.failure) lines.push(`  fix         ${fix}`);
  }
  if (r.diagnoses.length === 0) {
    lines.push(`  problems    ${paint('green', 'none found')}`);
  } else {
    lines.push(`  problems    ${r.diagnoses.length}`);
    for (const d of r.diagnoses) {
      const { what, fix } = explainMistake(d.code);
      lines.push(`    ${paint('yellow', `[${d.code}]`)} at ${d.atSeconds.toFixed(1)} s: ${what}`, `      ${d.detail}.`, `      fix: ${fix}`);
    }
  }
  return lines.join('\n');
}

function tally(counts: Record<string, number>): string {
  const entries = Object.entries(counts);
  return entries.length === 0 ? 'nothing' : entries.map(([k, n]) => `${n} ${k}`).join(', ');
}
