// Plain-words explanations of what a Deepgram-compatible endpoint answered, from the one failure
// table: `requests show`, `doctor`, `stream` and the browser page all explain through here, so this
// module imports nothing from Node.
import { failures, mistakes, type FailureCode, type HandshakeFailure, type MistakeCode } from './failure-codes.js';

export interface Explanation {
  what: string;
  fix?: string;
}

const HTTP_ROWS: HandshakeFailure[] = Object.values(failures).filter((f) => f.kind === 'http');

/** Reason phrases of the statuses Deepgram and Earshot answer with (the browser has no STATUS_CODES). */
const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 402: 'Payment Required', 403: 'Forbidden', 404: 'Not Found',
  405: 'Method Not Allowed', 408: 'Request Timeout', 413: 'Payload Too Large', 415: 'Unsupported Media Type',
  426: 'Upgrade Required', 429: 'Too Many Requests', 431: 'Request Header Fields Too Large', 500: 'Internal Server Error', 502: 'Bad Gateway',
  503: 'Service Unavailable', 504: 'Gateway Timeout',
};

/** Who reads the fix: a client's developer (the default), a person at `earshot`, or at the live-captions page. */
export type Audience = 'client' | 'cli' | 'page';

/**
 * A refused handshake: its status and `dg-error` text. Several rows share a status (401 for a bad
 * key, an expired token, …): the row whose message starts the `dg-error` text wins.
 */
export function explainRefusal(status: number, dgError?: string, audience: Audience = 'client'): Explanation {
  const rows = HTTP_ROWS.filter((f) => f.status === status);
  const row = rows.find((f) => dgError?.startsWith(f.message.replace(/\.$/, ''))) ?? rows[0];
  const what = `HTTP ${status} ${STATUS_TEXT[status] ?? ''}`.trim() + (dgError ? `: ${dgError}` : '');
  if (row) return { what, fix: (audience !== 'client' && row.fixFor?.[audience]) || row.fix };
  if (status >= 500) return { what, fix: 'The server failed; retry, and report the request id if it persists.' };
  return { what };
}

/** A close frame's code and reason, as a client sees it. */
export function explainClose(code: number, reason: string): Explanation {
  const failure = closeFailure(code, reason);
  if (failure) return { what: `${code} ${failure}${reason && !reason.startsWith(failure) ? ` (${reason})` : ''}`, fix: failures[failure].fix };
  switch (code) {
    case 1000:
      // The server ends a stream with a reason only for a limit it names (e.g. --max-stream-seconds).
      return reason ? { what: `1000 closed by the server: ${reason}`, fix: 'Open a new stream to go on; every word sent before the close was transcribed.' } : { what: '1000 normal close' };
    case 1001:
      return { what: `1001 going away${reason ? `: ${reason}` : ''}`, fix: 'The server is shutting down or restarting; reconnect.' };
    case 1005:
    case 1006:
      return { what: `${code} the connection ended without a close frame`, fix: 'A network, proxy or load balancer cut the connection (check its WebSocket idle timeouts), or the server process died.' };
    case 1007:
      return { what: `1007 invalid frame payload${reason ? `: ${reason}` : ''}`, fix: 'Send audio in binary frames and JSON control messages as UTF-8 text frames.' };
    default:
      return { what: `${code}${reason ? ` ${reason}` : ''}` };
  }
}

/** Which row of the table a close frame is: Deepgram's reasons name their code, or link to it (dpgr.am/net0001). */
export function closeFailure(code: number, reason: string): FailureCode | undefined {
  const named = /(DATA|NET)-?(\d{4})/i.exec(reason);
  if (named) {
    const key = `${named[1].toUpperCase()}-${named[2]}` as FailureCode;
    if (key in failures) return key;
  }
  const row = (Object.keys(failures) as FailureCode[]).find((k) => {
    const f = failures[k];
    return f.kind === 'close' && f.closeCode === code && f.reason !== '' && reason.startsWith(f.reason);
  });
  if (row) return row;
  if (code === 1008) return 'DATA-0000';
  if (code === 1009) return 'FRAME_TOO_LARGE';
  return undefined;
}

export function explainMistake(code: MistakeCode): Explanation {
  return { what: mistakes[code].title, fix: mistakes[code].fix };
}
