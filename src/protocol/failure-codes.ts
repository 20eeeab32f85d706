// The one table of everything that can go wrong on /v1/listen, live or pre-recorded. The server answers with it, the
// logs and the request log name its codes, and the CLI explains them with its `fix` text: nothing
// else invents errors. `failures` end a handshake or a stream; `mistakes` are what a client did
// wrong, diagnosed while the stream ran (some also caused a failure).
import { bounded } from './bounded-text.js';

export interface HandshakeFailure {
  kind: 'http';
  status: number;
  /** Deepgram's `err_code` field. */
  errCode: string;
  /** Default `err_msg` and `dg-error` text; specific failures pass their own detail. */
  message: string;
  /** For whoever writes the client. */
  fix: string;
  /** For a person at `earshot` or at the live-captions page, where what to change is a flag or a link. */
  fixFor?: Partial<Record<'cli' | 'page', string>>;
}

export interface StreamFailure {
  kind: 'close';
  closeCode: number;
  /** The close-frame reason: Deepgram's sentence with its code, at most 123 bytes. */
  reason: string;
  fix: string;
  /** The code of the Error message /v2/listen sends before the close, where Deepgram's Flux has its own name for it. */
  fluxCode?: string;
}

export const failures = {
  INVALID_AUTH: {
    kind: 'http',
    status: 401,
    errCode: 'INVALID_AUTH',
    message: 'Invalid credentials.',
    fix: 'Send "Authorization: Token <key>" (or the subprotocols "token", "<key>") with a key the server was started with (--api-keys or EARSHOT_API_KEYS). A browser should not hold a key: give it an access token (`earshot token`, or POST /v1/auth/grant from your backend), sent as the subprotocols "bearer", "<token>".',
    fixFor: {
      cli: 'Give a key the server accepts with --api-key, or set EARSHOT_API_KEY (or DEEPGRAM_API_KEY): one of its --api-keys / EARSHOT_API_KEYS, or one made with `earshot keys create`.',
      page: 'Open this page from a new link: run `earshot token --page` where the server\'s key is, and open the address it prints.',
    },
  },
  KEY_REQUIRED: {
    kind: 'http',
    status: 401,
    errCode: 'INVALID_AUTH',
    message: 'This endpoint needs an API key; an access token is not enough.',
    fix: 'Access tokens from POST /v1/auth/grant open /v1/listen only; send "Authorization: Token <key>" with an API key here.',
    fixFor: { cli: 'Give an API key (not an access token) with --api-key, or set EARSHOT_API_KEY.' },
  },
  KEY_SCOPE: {
    kind: 'http',
    status: 403,
    errCode: 'FORBIDDEN',
    message: 'This key does not have the scope this endpoint needs.',
    fix: 'Use a key with the scope named (`earshot keys create --scope listen --scope requests`); keys given with --api-keys have every scope.',
    fixFor: { cli: 'Give a key with the scope named with --api-key (make one with `earshot keys create --scope requests`); keys given to the server with --api-keys have every scope.' },
  },
  TOKEN_EXPIRED: {
    kind: 'http',
    status: 401,
    errCode: 'INVALID_AUTH',
    message: 'The access token has expired.',
    fix: 'Access tokens are short-lived and checked at the handshake only: ask POST /v1/auth/grant for a new one just before each connection.',
    fixFor: { page: 'The link\'s access token has run out: run `earshot token --page` again and open the new address (a token is checked when Start opens the stream).' },
  },
  TOKEN_INVALID: {
    kind: 'http',
    status: 401,
    errCode: 'INVALID_AUTH',
    message: 'The access token is not valid.',
    fix: 'Use the access_token exactly as POST /v1/auth/grant on this server returned it; tokens from another server, or from before a change of EARSHOT_TOKEN_SECRET, do not verify.',
    fixFor: { page: 'Run `earshot token --page` again against this server and open the new address: the link\'s token is not one this server issued (or it was cut when copied).' },
  },
  TOKEN_REVOKED: {
    kind: 'http',
    status: 401,
    errCode: 'INVALID_AUTH',
    message: 'The access token was granted by a key that is no longer valid.',
    fix: 'The key that granted this token was revoked, so its tokens are refused too: grant a new token with a live key (POST /v1/auth/grant, or `earshot token`).',
    fixFor: { page: 'Run `earshot token --page` again with a live key and open the new address: the key that made this link was revoked.' },
  },
  MALFORMED_REQUEST: {
    kind: 'http',
    status: 400,
    errCode: 'BAD_REQUEST',
    message: 'Malformed request.',
    fix: 'Send an HTTP/1.1 request whose target is a path (/v1/listen?…). A WebSocket upgrade needs GET, "Upgrade: websocket", "Connection: Upgrade", a valid Sec-WebSocket-Key and "Sec-WebSocket-Version: 13": use a WebSocket client library rather than hand-written requests.',
  },
  HEADERS_TOO_LARGE: {
    kind: 'http',
    status: 431,
    errCode: 'BAD_REQUEST',
    message: 'The request headers are too large.',
    fix: 'Send fewer or shorter headers (Node accepts 16 KB in all); pass long values, such as keyterms, in fewer query parameters.',
  },
  REQUEST_TIMEOUT: {
    kind: 'http',
    status: 408,
    errCode: 'REQUEST_TIMEOUT',
    message: 'The request was not received in time.',
    fix: 'Send the request and its body without pauses: an upload that sends nothing for --upload-idle-timeout-ms (10 s by default) is dropped. For a slow link, POST {"url": …} and let the server fetch the audio.',
  },
  INTERNAL_ERROR: {
    kind: 'http',
    status: 500,
    errCode: 'INTERNAL_SERVER_ERROR',
    message: 'The server failed; the log has the error under this request id.',
    fix: 'This is a bug in Earshot: the server log has the error under the request id. Retry, and report it with the log line.',
  },
  BAD_REQUEST: {
    kind: 'http',
    status: 400,
    errCode: 'BAD_REQUEST',
    message: 'Invalid request body.',
    fix: 'POST /v1/auth/grant takes no body or the JSON {"ttl_seconds": N} with N from 1 to 3600.',
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
  REQUEST_NOT_FOUND: {
    kind: 'http',
    status: 404,
    errCode: 'NOT_FOUND',
    message: 'No request with that id is in the request log.',
    fix: 'Check the id (the dg-request-id header of the response); records older than the retention period (--request-log-days) are deleted.',
  },
  METHOD_NOT_ALLOWED: {
    kind: 'http',
    status: 405,
    errCode: 'METHOD_NOT_ALLOWED',
    message: 'Method not allowed.',
    fix: 'Open /v1/listen with a WebSocket upgrade (GET) for live audio, or POST a file to it; POST to /v1/auth/grant.',
  },
  AUDIO_UNPROCESSABLE: {
    kind: 'http',
    status: 400,
    errCode: 'Bad Request',
    message: 'Bad Request: failed to process audio: corrupt or unsupported data.',
    fix: 'POST the audio file as the body (WAV, MP3, FLAC, Ogg, WebM, MP4/M4A, or raw audio with encoding= and sample_rate=); to transcribe a URL, send {"url": "…"} with Content-Type: application/json.',
  },
  INVALID_JSON: {
    kind: 'http',
    status: 400,
    errCode: 'Bad Request',
    message: 'Content-type was application/json, but we could not process the JSON payload.',
    fix: 'Send {"url": "https://…"} with Content-Type: application/json, or the audio itself with an audio content type.',
  },
  REMOTE_CONTENT_ERROR: {
    kind: 'http',
    status: 400,
    errCode: 'REMOTE_CONTENT_ERROR',
    message: 'The audio at the URL could not be fetched.',
    fix: 'Check that the URL answers with the audio from the server\'s network, within the size and time limits (--max-upload-bytes, --fetch-timeout-ms); private and local addresses need --allow-private-urls.',
  },
  PAYLOAD_TOO_LARGE: {
    kind: 'http',
    status: 413,
    errCode: 'PAYLOAD_TOO_LARGE',
    message: 'The audio is larger than this server accepts.',
    fix: 'Split the file (ffmpeg -f segment), compress it (Opus or MP3), or raise the limit with --max-upload-bytes.',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    kind: 'http',
    status: 415,
    errCode: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'Unsupported Content-Type.',
    fix: 'Send the audio with an audio/*, video/* or application/octet-stream Content-Type, or {"url": …} as application/json.',
  },
  TRANSCRIPTION_TIMEOUT: {
    kind: 'http',
    status: 504,
    errCode: 'GATEWAY_TIMEOUT',
    message: 'The transcription took longer than this server allows.',
    fix: 'Send shorter files, or raise --transcribe-timeout-ms; with callback= the request is answered at once and the result POSTed when done.',
  },
  ENGINE_FAILURE: {
    kind: 'http',
    status: 500,
    errCode: 'INTERNAL_SERVER_ERROR',
    message: 'The speech engine failed.',
    fix: 'The server log has the error under this request id. Retry the request.',
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
    fix: 'A limit was reached (the dg-error names it): concurrent streams (--max-streams, or --max-streams-per-key for one key), pre-recorded requests (--max-transcriptions), or handshakes from one address per minute (--handshakes-per-minute). Retry later with backoff, or raise the limit.',
  },
  STORE_UNAVAILABLE: {
    kind: 'http',
    status: 503,
    errCode: 'SERVICE_UNAVAILABLE',
    message: 'The server cannot reach its database to check the API key.',
    fix: 'Retry shortly. Operators: the server log names the database error; check that PostgreSQL (EARSHOT_DATABASE_URL) is up and reachable.',
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
    // What Flux sends when the client falls silent (livekit/agents#3579 parses it).
    fluxCode: 'INACTIVE_CLIENT',
  },
  FRAME_TOO_LARGE: {
    kind: 'close',
    closeCode: 1009,
    // The WebSocket layer closes at once, before the frame is read, and sends no reason.
    reason: '',
    fix: 'Send 20-100 ms of audio per binary frame. A frame over the server\'s limit (--max-frame-bytes, default 8M) ends the stream at once: results for the audio sent before it may not arrive.',
  },
  UNPARSABLE_CLIENT_MESSAGE: {
    kind: 'close',
    closeCode: 1008,
    reason: 'UNPARSABLE_CLIENT_MESSAGE',
    fix: 'On /v2/listen send only {"type":"CloseStream"}, {"type":"Configure",…} or {"type":"ForceEndTurn"} as text, and audio as binary frames: any other text frame ends the stream, as on Deepgram\'s Flux.',
  },
  CLIENT_NOT_READING: {
    kind: 'close',
    closeCode: 1008,
    reason: 'Earshot: the client is not reading the server\'s messages',
    fix: 'Read every message the server sends (Results, Metadata, errors) as it arrives; a client that leaves them unread past the server\'s buffer limit (--max-unread-bytes) is disconnected.',
  },
} as const satisfies Record<string, HandshakeFailure | StreamFailure>;

export interface ClientMistake {
  /** What happened, in plain words. */
  title: string;
  fix: string;
}

export const mistakes = {
  'empty-binary-frame': {
    title: 'An empty binary frame was sent; it ends the stream (it is the legacy CloseStream).',
    fix: 'Check the length of each audio chunk and never send a zero-length one; end the stream with {"type":"CloseStream"}.',
  },
  'keepalive-only': {
    title: 'The connection sent KeepAlive messages but never any audio.',
    fix: 'KeepAlive keeps a stream open between bursts of audio, not before the first: send audio (silence is fine) within 10 s of opening.',
  },
  'no-audio': {
    title: 'No audio arrived within the timeout after opening.',
    fix: 'Start sending audio as soon as the connection opens (silence is fine), or open the connection only when audio is ready.',
  },
  idle: {
    title: 'The client stopped sending audio and KeepAlive for longer than the timeout.',
    fix: 'Send audio continuously, or a {"type":"KeepAlive"} text message every few seconds while paused; end with {"type":"CloseStream"}.',
  },
  'audio-starvation': {
    title: 'Audio arrived slower than real time, so results lag behind the speaker.',
    fix: 'Send audio as it is captured, continuously (including silence); a stalled capture loop, a slow network or an encoder buffering too long starves the stream.',
  },
  'frames-too-small': {
    title: 'Audio frames are far too small; per-frame overhead dominates.',
    fix: 'Send 20-100 ms of audio per binary frame (e.g. 640-3200 bytes of 16 kHz linear16 mono).',
  },
  'frames-too-large': {
    title: 'Audio frames are far too large; results wait for each whole frame.',
    fix: 'Send 20-100 ms of audio per binary frame; large bursts add their own length to every latency.',
  },
  'container-with-raw-encoding': {
    title: 'Containerized audio was sent with a raw encoding= (and sample_rate=) declared.',
    fix: 'For WAV, Ogg, WebM, MP3, FLAC or M4A, omit encoding and sample_rate: the container describes itself. Declare them only for headerless (raw) audio.',
  },
  'sample-rate-mismatch': {
    title: 'The declared sample_rate does not match the audio.',
    fix: 'Declare the rate the audio was captured or resampled at (browsers usually capture at 48000 Hz), or resample to the declared rate before sending.',
  },
  'channels-mismatch': {
    title: 'The declared channels does not match the audio.',
    fix: 'Declare the number of interleaved channels the audio really has (channels=1 for mono).',
  },
  'closed-without-closestream': {
    title: 'The client closed the connection without sending CloseStream; audio after the last final was never transcribed.',
    fix: 'Send {"type":"CloseStream"} when done and wait for the Metadata message and the server\'s close before closing.',
  },
  'json-as-binary': {
    title: 'A control message (JSON) was sent as a binary frame.',
    fix: 'Send KeepAlive, Finalize and CloseStream as text frames; only audio goes in binary frames. A binary frame is read as audio (as Deepgram does), so the message had no effect.',
  },
  'audio-as-text': {
    title: 'Audio bytes were sent as a text frame.',
    fix: 'Send audio as binary frames (ws.send(buffer) with a Buffer/ArrayBuffer, not a string).',
  },
  'malformed-text-message': {
    title: 'A text message was not a KeepAlive, Finalize or CloseStream message.',
    fix: 'Send exactly {"type":"KeepAlive"}, {"type":"Finalize"} or {"type":"CloseStream"} as text frames.',
  },
} as const satisfies Record<string, ClientMistake>;

export type MistakeCode = keyof typeof mistakes;

export type FailureCode = keyof typeof failures;
export type HandshakeFailureCode = { [K in FailureCode]: (typeof failures)[K] extends HandshakeFailure ? K : never }[FailureCode];
export type StreamFailureCode = { [K in FailureCode]: (typeof failures)[K] extends StreamFailure ? K : never }[FailureCode];

/** Characters of a refusal's text kept: it may quote what the client sent (a query value, a path). */
const MAX_REFUSAL_CHARS = 512;

/**
 * A refused handshake: which row of the table, and the specific text for `err_msg` / `dg-error`,
 * the request log and the server log, bounded here so that each of them is.
 */
export class HandshakeError extends Error {
  constructor(
    readonly code: HandshakeFailureCode,
    message: string = failures[code].message,
  ) {
    super(bounded(message, MAX_REFUSAL_CHARS));
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
  // TextEncoder rather than Buffer: this table is also bundled into the browser page.
  const bytes = new TextEncoder().encode(reason);
  if (bytes.length <= MAX_REASON_BYTES) return reason;
  const ellipsis = '…';
  const kept = bytes.subarray(0, MAX_REASON_BYTES - new TextEncoder().encode(ellipsis).length);
  // A multi-byte character cut in half decodes to U+FFFD: drop it.
  return new TextDecoder().decode(kept).replace(/\uFFFD$/, '') + ellipsis;
}
