// The one table of everything that can go wrong on /v1/listen. The server answers with it, the
// logs name its codes, and the CLI explains them with its `fix` text: nothing else invents errors.

export interface HandshakeFailure {
  kind: 'http';
  status: number;
  /** Deepgram's `err_code` field. */
  errCode: string;
  /** Default `err_msg` and `dg-error` text; specific failures pass their own detail. */
  message: string;
  fix: string;
}

export interface StreamFailure {
  kind: 'close';
  closeCode: number;
  /** The close-frame reason: Deepgram's sentence with its code, at most 123 bytes. */
  reason: string;
  fix: string;
}

export const failures = {
  INVALID_AUTH: {
    kind: 'http',
    status: 401,
    errCode: 'INVALID_AUTH',
    message: 'Invalid credentials.',
    fix: 'Send "Authorization: Token <key>" (or the subprotocols "token", "<key>") with a key the server was started with (--api-key or EARSHOT_API_KEYS).',
  },
  INVALID_QUERY_PARAMETER: {
    kind: 'http',
    status: 400,
    errCode: 'INVALID_QUERY_PARAMETER',
    message: 'Invalid query parameter.',
    fix: 'Correct the named query parameter; `earshot serve --help` and the README list the values Earshot supports.',
  },
  NOT_FOUND: {
    kind: 'http',
    status: 404,
    errCode: 'NOT_FOUND',
    message: 'No such endpoint.',
    fix: 'Live transcription is at /v1/listen (a WebSocket upgrade).',
  },
  METHOD_NOT_ALLOWED: {
    kind: 'http',
    status: 405,
    errCode: 'METHOD_NOT_ALLOWED',
    message: 'Method not allowed.',
    fix: 'Open /v1/listen with a WebSocket upgrade (GET); pre-recorded POST is not offered yet.',
  },
  UPGRADE_REQUIRED: {
    kind: 'http',
    status: 426,
    errCode: 'UPGRADE_REQUIRED',
    message: 'Live transcription on /v1/listen needs a WebSocket upgrade.',
    fix: 'Connect with a WebSocket client (ws://host:port/v1/listen).',
  },
  TOO_MANY_REQUESTS: {
    kind: 'http',
    status: 429,
    errCode: 'TOO_MANY_REQUESTS',
    message: 'Too many requests. Please try again later',
    fix: 'The server is at its concurrent stream limit (--max-streams); retry later or raise the limit.',
  },
  SERVER_DRAINING: {
    kind: 'http',
    status: 503,
    errCode: 'SERVICE_UNAVAILABLE',
    message: 'The server is shutting down and accepts no new streams.',
    fix: 'Retry: another replica, or this one after its restart, will take the stream.',
  },
  'DATA-0000': {
    kind: 'close',
    closeCode: 1008,
    reason: 'DATA-0000',
    fix: 'Send valid audio: raw audio needs encoding= and sample_rate=; containers (WAV) are detected from their header. Write the bytes to a file and play it back to check them.',
  },
  'NET-0000': {
    kind: 'close',
    closeCode: 1011,
    reason: 'Deepgram did not provide a response message within the timeout window. See https://dpgr.am/net0000',
    fix: 'The speech engine failed or stalled (the server log has the error under this request id). Retry the request.',
  },
  'NET-0001': {
    kind: 'close',
    closeCode: 1011,
    reason: 'Deepgram did not receive audio data or a text message within the timeout window. See https://dpgr.am/net0001',
    fix: 'Send audio within 10 s of opening (KeepAlive alone does not count before the first audio), then audio or KeepAlive at least every 10 s; end with {"type":"CloseStream"}.',
  },
} as const satisfies Record<string, HandshakeFailure | StreamFailure>;

export type FailureCode = keyof typeof failures;
export type HandshakeFailureCode = { [K in FailureCode]: (typeof failures)[K] extends HandshakeFailure ? K : never }[FailureCode];
export type StreamFailureCode = { [K in FailureCode]: (typeof failures)[K] extends StreamFailure ? K : never }[FailureCode];

/** A refused handshake: which row of the table, and the specific text for `err_msg` / `dg-error`. */
export class HandshakeError extends Error {
  constructor(
    readonly code: HandshakeFailureCode,
    message: string = failures[code].message,
  ) {
    super(message);
    this.name = 'HandshakeError';
  }
  get status(): number {
    return failures[this.code].status;
  }
}

/** A stream ended by the server for cause: the table row plus a detail for the logs. */
export class StreamError extends Error {
  constructor(
    readonly code: StreamFailureCode,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
    this.name = 'StreamError';
  }
}

const MAX_REASON_BYTES = 123;

/**
 * The close-frame reason for a stream failure. DATA-0000 carries a detail a person can act on
 * (Deepgram's own text only names the code), cut to the 123 bytes RFC 6455 allows.
 */
export function closeReason(code: StreamFailureCode, detail?: string): string {
  const base = failures[code].reason;
  if (code !== 'DATA-0000' || !detail) return base;
  const reason = `${base}: ${detail}`;
  if (Buffer.byteLength(reason) <= MAX_REASON_BYTES) return reason;
  const ellipsis = '…';
  const kept = Buffer.from(reason).subarray(0, MAX_REASON_BYTES - Buffer.byteLength(ellipsis));
  // A multi-byte character cut in half decodes to U+FFFD: drop it.
  return kept.toString('utf8').replace(/\uFFFD$/, '') + ellipsis;
}
