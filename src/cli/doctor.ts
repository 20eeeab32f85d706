// `earshot doctor --server <address>`: the troubleshooting guide's checks, run against any Deepgram-compatible
// endpoint, in the order a connection goes: name → TCP → TLS → handshake → audio → KeepAlive → timeout.
// A check that fails stops the ones that need it; every failure carries the fix.
import { lookup } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { WavHeaderReader } from '../audio/wav-header.js';
import { listenUrl, openListen } from '../client/live-client.js';
import { closeFailure, explainClose, explainRefusal } from '../protocol/explain.js';
import { painter } from './terminal.js';

export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

export interface CheckResult {
  check: string;
  status: CheckStatus;
  detail: string;
  fix?: string;
  requestId?: string;
}

export interface DoctorOptions {
  url: string;
  apiKey?: string;
  /** How long to keep a stream alive with KeepAlive only, after one audio frame. */
  keepAliveSeconds: number;
  /** How long to wait, after the client goes silent, for the server's timeout close. */
  idleWaitSeconds: number;
  connectTimeoutMs: number;
}

/** The speech clip streamed by the audio check, and the words it says. */
const CLIP = new URL('../../assets/speech-check.wav', import.meta.url);
const CLIP_WORDS = 'the quick brown fox jumps over the lazy dog'.split(' ');
const CHUNK_BYTES = 3200;

interface Clip {
  pcm: Buffer;
  seconds: number;
  query: Record<string, string | number>;
}
let loadedClip: Clip | undefined;

/** The clip's samples, sent as raw linear16 (which every Deepgram-compatible endpoint takes), and its query; read once. */
function clip(): Clip {
  if (loadedClip) return loadedClip;
  const wav = new WavHeaderReader().push(readFileSync(CLIP));
  if (!wav.done) throw new Error(`${CLIP.pathname} is not a complete WAV file`);
  const { sampleRate, channels } = wav.format;
  loadedClip = { pcm: wav.data, seconds: wav.data.length / 2 / channels / sampleRate, query: { encoding: 'linear16', sample_rate: sampleRate, channels } };
  return loadedClip;
}

export async function runDoctor(options: DoctorOptions, onResult: (r: CheckResult) => void = () => {}): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const report = (r: CheckResult) => {
    results.push(r);
    onResult(r);
  };
  const checks: Array<[string, () => Promise<Omit<CheckResult, 'check'>>]> = [
    ['DNS', () => checkDns(options)],
    ['TCP', () => checkTcp(options)],
    ['TLS', () => checkTls(options)],
    ['Handshake', () => checkHandshake(options)],
    ['Transcription', () => checkTranscription(options)],
    ['KeepAlive', () => checkKeepAlive(options)],
    ['Timeout', () => checkTimeout(options)],
  ];
  let blocked: string | undefined;
  for (const [check, run] of checks) {
    if (blocked) {
      report({ check, status: 'skip', detail: `needs ${blocked}` });
      continue;
    }
    let result: Omit<CheckResult, 'check'>;
    try {
      result = await run();
    } catch (err) {
      result = { status: 'fail', detail: (err as Error).message };
    }
    report({ check, ...result });
    // The audio checks each need a working handshake; the rest of them stand alone.
    if (result.status === 'fail' && ['DNS', 'TCP', 'TLS', 'Handshake'].includes(check)) blocked = check;
  }
  return results;
}

function target(options: DoctorOptions) {
  const url = listenUrl({ url: options.url });
  const secure = url.protocol === 'wss:';
  return { url, host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || (secure ? 443 : 80)), secure };
}

async function checkDns(options: DoctorOptions) {
  const { host } = target(options);
  try {
    const addresses = await lookup(host, { all: true });
    return { status: 'pass' as const, detail: `${host} → ${addresses.map((a) => a.address).join(', ')}` };
  } catch (err) {
    return { status: 'fail' as const, detail: `${host} does not resolve (${(err as NodeJS.ErrnoException).code})`, fix: 'Check the host name in the URL, and the DNS or /etc/hosts of this machine.' };
  }
}

function checkTcp(options: DoctorOptions): Promise<Omit<CheckResult, 'check'>> {
  const { host, port } = target(options);
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port, timeout: options.connectTimeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve({ status: 'pass', detail: `${host}:${port} accepts connections (${(performance.now() - started).toFixed(0)} ms)` });
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve({ status: 'fail', detail: `no answer from ${host}:${port} within ${options.connectTimeoutMs / 1000} s`, fix: 'A firewall is dropping the connection, or the host is down. Check the port and that the server listens on an address this machine can reach.' });
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      socket.destroy();
      const refused = err.code === 'ECONNREFUSED';
      resolve({
        status: 'fail',
        detail: refused ? `${host}:${port} refused the connection: nothing listens there` : `${host}:${port}: ${err.message}`,
        fix: refused ? 'Start the server (earshot serve), or correct the port; a server started without --host listens on 127.0.0.1 only.' : 'Check the network path to the server.',
      });
    });
  });
}

function checkTls(options: DoctorOptions): Promise<Omit<CheckResult, 'check'>> {
  const { host, port, secure } = target(options);
  if (!secure) return Promise.resolve({ status: 'skip', detail: 'ws:// is not encrypted (use wss:// across networks)' });
  return new Promise((resolve) => {
    const socket = tlsConnect({ host, port, servername: host, timeout: options.connectTimeoutMs });
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      socket.destroy();
      resolve({ status: 'pass', detail: `${socket.getProtocol()}, certificate for ${cert.subject?.CN ?? host} valid until ${cert.valid_to}` });
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve({ status: 'fail', detail: `no TLS answer within ${options.connectTimeoutMs / 1000} s`, fix: 'The port may not speak TLS: try ws:// or the TLS port.' });
    });
    socket.once('error', (err) => {
      socket.destroy();
      resolve({ status: 'fail', detail: `TLS failed: ${err.message}`, fix: 'Renew or correct the server certificate (its name must match the host), or use ws:// on a plain port.' });
    });
  });
}

async function open(options: DoctorOptions) {
  return openListen({ url: options.url, apiKey: options.apiKey, query: clip().query, timeoutMs: options.connectTimeoutMs });
}

async function checkHandshake(options: DoctorOptions): Promise<Omit<CheckResult, 'check'>> {
  const h = await open(options);
  if (h.kind === 'failed') return { status: 'fail', detail: h.message, fix: 'The server accepted the TCP connection but did not complete the WebSocket upgrade: check it is a Deepgram-compatible endpoint and that proxies pass WebSocket upgrades.' };
  if (h.kind === 'refused') {
    const { what, fix } = explainRefusal(h.status, h.dgError, 'cli');
    return { status: 'fail', detail: `refused: ${what}`, fix: fix ?? 'See the dg-error text above.', requestId: h.requestId };
  }
  h.stream.send({ type: 'CloseStream' });
  const closed = await withTimeout(h.stream.closed, 10_000);
  const detail = `upgraded, dg-request-id ${h.stream.requestId ?? '(missing)'}`;
  if (!h.stream.requestId) return { status: 'warn', detail, fix: 'The server sent no dg-request-id header: support cannot trace requests.' };
  if (!closed || closed.code !== 1000) return { status: 'warn', detail: `${detail}; CloseStream was not answered with a 1000 close`, requestId: h.stream.requestId };
  return { status: 'pass', detail, requestId: h.stream.requestId };
}

async function checkTranscription(options: DoctorOptions): Promise<Omit<CheckResult, 'check'>> {
  const h = await open(options);
  if (h.kind !== 'open') return { status: 'fail', detail: 'the handshake did not succeed a second time' };
  const { stream } = h;
  const { pcm, seconds } = clip();
  for (let i = 0; i < pcm.length && stream.open; i += CHUNK_BYTES) stream.sendAudio(pcm.subarray(i, i + CHUNK_BYTES));
  stream.send({ type: 'CloseStream' });
  const closed = await withTimeout(stream.closed, 30_000);
  if (!closed) {
    stream.terminate();
    return { status: 'fail', detail: 'no close within 30 s of CloseStream', fix: 'The server should send its last Results, a Metadata message and close with 1000.', requestId: stream.requestId };
  }
  const transcript = stream.messages.filter((m) => m.type === 'Results' && m.is_final).map((m) => m.channel?.alternatives?.[0]?.transcript ?? '').join(' ').trim();
  const metadata = stream.messages.find((m) => m.type === 'Metadata');
  if (closed.code !== 1000) {
    const { what, fix } = explainClose(closed.code, closed.reason);
    return { status: 'fail', detail: `closed with ${what}`, fix, requestId: stream.requestId };
  }
  const heard = new Set(transcript.toLowerCase().replace(/[^a-z' ]/g, ' ').split(/\s+/));
  const matched = CLIP_WORDS.filter((w) => heard.has(w)).length;
  const detail = `"${transcript}" (${matched}/${CLIP_WORDS.length} words of "${CLIP_WORDS.join(' ')}")`;
  if (!metadata) return { status: 'warn', detail: `${detail}; no Metadata message before the close`, requestId: stream.requestId };
  if (Math.abs(metadata.duration - seconds) > 0.1) return { status: 'warn', detail: `${detail}; Metadata counts ${metadata.duration} s of ${seconds.toFixed(2)} s sent`, requestId: stream.requestId };
  if (matched < CLIP_WORDS.length * 0.7) return { status: 'warn', detail, fix: 'The words came back wrong: check the model and language the server uses.', requestId: stream.requestId };
  return { status: 'pass', detail, requestId: stream.requestId };
}

/** One audio frame, then only KeepAlive: the stream must stay open. */
async function checkKeepAlive(options: DoctorOptions): Promise<Omit<CheckResult, 'check'>> {
  const h = await open(options);
  if (h.kind !== 'open') return { status: 'fail', detail: 'the handshake did not succeed' };
  const { stream } = h;
  stream.sendAudio(Buffer.alloc(CHUNK_BYTES));
  const interval = setInterval(() => stream.open && stream.send({ type: 'KeepAlive' }), 1000);
  const closedEarly = await withTimeout(stream.closed, options.keepAliveSeconds * 1000);
  clearInterval(interval);
  if (closedEarly) {
    const { what, fix } = explainClose(closedEarly.code, closedEarly.reason);
    return { status: 'fail', detail: `closed during KeepAlive messages: ${what}`, fix: fix ?? 'KeepAlive should keep a stream open once audio has been sent.', requestId: stream.requestId };
  }
  stream.send({ type: 'CloseStream' });
  await withTimeout(stream.closed, 10_000);
  return { status: 'pass', detail: `open for ${options.keepAliveSeconds} s on KeepAlive alone (one each second) after one audio frame`, requestId: stream.requestId };
}

/** One audio frame, then nothing: the server should close with NET-0001, and say so. */
async function checkTimeout(options: DoctorOptions): Promise<Omit<CheckResult, 'check'>> {
  const h = await open(options);
  if (h.kind !== 'open') return { status: 'fail', detail: 'the handshake did not succeed' };
  const { stream } = h;
  stream.sendAudio(Buffer.alloc(CHUNK_BYTES));
  const started = performance.now();
  const closed = await withTimeout(stream.closed, options.idleWaitSeconds * 1000);
  if (!closed) {
    stream.terminate();
    return { status: 'warn', detail: `still open after ${options.idleWaitSeconds} s without frames`, fix: 'Deepgram closes idle streams after 10 s (NET-0001); a server that never does holds resources for dead clients.', requestId: stream.requestId };
  }
  const after = ((performance.now() - started) / 1000).toFixed(1);
  const { what, fix } = explainClose(closed.code, closed.reason);
  const metadata = stream.messages.some((m) => m.type === 'Metadata');
  const detail = `closed ${after} s after the last frame: ${what}${metadata ? ', after its Metadata' : ''}`;
  if (closed.code === 1011 && closeFailure(closed.code, closed.reason) === 'NET-0001') return { status: 'pass', detail, fix, requestId: stream.requestId };
  return { status: 'warn', detail, fix, requestId: stream.requestId };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    promise.then((v) => {
      clearTimeout(timer);
      resolve(v);
    });
  });
}

const MARK: Record<CheckStatus, [string, 'green' | 'red' | 'yellow' | 'gray']> = {
  pass: ['✔', 'green'],
  fail: ['✘', 'red'],
  warn: ['!', 'yellow'],
  skip: ['-', 'gray'],
};

export function formatCheck(r: CheckResult, stream: NodeJS.WriteStream): string {
  const paint = painter(stream);
  const [mark, colour] = MARK[r.status];
  const lines = [`${paint(colour, mark)} ${paint('bold', r.check.padEnd(13))} ${r.detail}`];
  if (r.requestId && r.status !== 'pass') lines.push(`  ${' '.repeat(14)}request id ${r.requestId}`);
  if (r.fix && r.status !== 'pass' && r.status !== 'skip') lines.push(`  ${' '.repeat(14)}${paint(colour, 'fix:')} ${r.fix}`);
  return lines.join('\n');
}
