// Everything `earshot serve` can be told, with its defaults. One object, read by the server and
// printed by the CLI, so a setting has one name everywhere.
import { availableParallelism, homedir } from 'node:os';
import { join } from 'node:path';
import type { EngineModel } from '../engines/recognizer-set.js';

export interface ServerConfig {
  host: string;
  port: number;
  /** Keys accepted in `Authorization: Token …` / `Bearer …` or the token/bearer subprotocols. Empty: no auth, loopback only. */
  apiKeys: string[];
  maxStreams: number;
  /** Concurrent streams one API key (or the tokens it granted) may hold; 0: no limit but maxStreams. */
  maxStreamsPerKey: number;
  /** How long one live stream may stay open, in seconds; then it is finalized and closed with 1000. 0: no limit. */
  maxStreamSeconds: number;
  /** Handshakes (live and pre-recorded) one client address may attempt per minute; 0: no limit. */
  handshakesPerMinute: number;
  /** Behind a load balancer: take the client's address from the last X-Forwarded-For entry. */
  trustProxy: boolean;
  /** NET-0001 window. */
  inactivityTimeoutMs: number;
  /** Let KeepAlive alone keep a stream open before its first audio (LiveKit-style clients). */
  keepAliveBeforeAudio: boolean;
  /** Speech models to load (Earshot names), the default first: `model=` picks among them. */
  models: EngineModel[];
  /** Decode worker threads per model. */
  decodeWorkers: number;
  /** A decode slower than this is an engine stall (NET-0000). */
  decodeTimeoutMs: number;
  /** Unfinalized audio per stream, in seconds, past which its frames are not read until the engine catches up. */
  maxBacklogSeconds: number;
  /** Bytes of a stream's frames waiting to be read by the VAD, past which its frames are not read. */
  maxQueuedBytes: number;
  /** Segment gap when a client sends endpointing=false (finals then follow this internal chunking). */
  unendpointedGapMs: number;
  /** On SIGTERM, how long open streams may run before they are finalized and closed. */
  drainGraceMs: number;
  /** Largest WebSocket message accepted (1009 beyond). */
  maxFrameBytes: number;
  /** Bytes of messages a live client may leave unread before it is disconnected (CLIENT_NOT_READING). */
  maxUnreadBytes: number;
  /** A pre-recorded upload that sends nothing for this long is answered 408 and dropped. */
  uploadIdleTimeoutMs: number;
  /** SQLite file of the request log and keys; ':memory:' keeps them in the process only. Unused with databaseUrl. */
  requestLogPath: string;
  /** PostgreSQL URL of the request log and keys, shared by replicas; unset: the SQLite file. */
  databaseUrl?: string;
  /** Request log records older than this many days are deleted. */
  requestLogDays: number;
  /**
   * Signs access tokens (POST /v1/auth/grant). Unset: a random secret per process, so tokens die
   * with it; replicas behind one load balancer need the same EARSHOT_TOKEN_SECRET.
   */
  tokenSecret?: string;
  /** Pre-recorded POST /v1/listen requests transcribing at once (429 beyond). */
  maxTranscriptions: number;
  /** Largest pre-recorded body or fetched URL (413 beyond). */
  maxUploadBytes: number;
  /** How long fetching a `{"url"}` may take. */
  fetchTimeoutMs: number;
  /** How long a pre-recorded transcription may take before 504 (or an error callback). */
  transcribeTimeoutMs: number;
  /** Let `{"url"}` and `callback` reach loopback and private addresses (off: SSRF protection). */
  allowPrivateUrls: boolean;
  /** A callback that fails is retried this many times in all, this far apart (Deepgram: 10, 30 s). */
  callbackAttempts: number;
  callbackRetryMs: number;
}

/** Where the request log lives unless told: EARSHOT_REQUEST_LOG, else the user's state folder. */
export const defaultRequestLogPath =
  process.env.EARSHOT_REQUEST_LOG ?? join(process.env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state'), 'earshot', 'requests.db');

export const defaultConfig: ServerConfig = {
  host: '127.0.0.1',
  port: 8080,
  apiKeys: [],
  maxStreams: 64,
  maxStreamsPerKey: 0,
  handshakesPerMinute: 0,
  // Deepgram sets none; an operator who needs slots back from forgotten streams sets one.
  maxStreamSeconds: 0,
  trustProxy: false,
  inactivityTimeoutMs: 10_000,
  keepAliveBeforeAudio: false,
  // Tiny by default: on 2 cores it keeps 24 live streams real time; base is 1.5x its cost (dev set, README).
  models: ['moonshine-tiny'],
  decodeWorkers: availableParallelism(),
  decodeTimeoutMs: 30_000,
  unendpointedGapMs: 800,
  // Above the engine's 20 s longest segment, so normal streams never pause.
  maxBacklogSeconds: 60,
  maxQueuedBytes: 4 * 1024 * 1024,
  drainGraceMs: 30_000,
  maxFrameBytes: 8 * 1024 * 1024,
  // Thousands of Results: only a client that has stopped reading gets there.
  maxUnreadBytes: 4 * 1024 * 1024,
  uploadIdleTimeoutMs: 10_000,
  requestLogPath: defaultRequestLogPath,
  requestLogDays: 30,
  tokenSecret: process.env.EARSHOT_TOKEN_SECRET,
  maxTranscriptions: 4,
  maxUploadBytes: 512 * 1024 * 1024,
  fetchTimeoutMs: 60_000,
  transcribeTimeoutMs: 30 * 60_000,
  allowPrivateUrls: false,
  callbackAttempts: 10,
  callbackRetryMs: 30_000,
};

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith('127.');
}
