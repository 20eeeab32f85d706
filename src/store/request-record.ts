// What the request log keeps about one /v1/listen connection attempt, upgraded or refused.
// Never the key itself: `keyId` is a fingerprint of it.
import type { FailureCode, MistakeCode } from '../protocol/failure-codes.js';

export type RequestState =
  /** Upgraded and still streaming (or the server died before it closed: see `interrupted`). */
  | 'open'
  | 'closed'
  /** The handshake was answered with an HTTP error. */
  | 'refused'
  /** Found open when a server started on this log: the server that held it stopped abruptly. */
  | 'interrupted';

export interface Diagnosis {
  code: MistakeCode;
  /** Seconds after the connection opened. */
  atSeconds: number;
  /** The specifics: sizes, rates, counts. */
  detail: string;
}

export interface RequestRecord {
  requestId: string;
  state: RequestState;
  openedAt: string;
  closedAt?: string;
  client: string;
  keyId?: string;
  /** GET for a live stream (upgraded or refused), POST for a pre-recorded request; absent in records from before it was kept. */
  method?: string;
  path: string;
  query: Record<string, string>;
  /** 101 when upgraded; a pre-recorded request's answer (0 while it runs); else the refusal's status. */
  httpStatus: number;
  /** The refusal's `dg-error` text. */
  error?: string;
  failure?: FailureCode;
  closeCode?: number;
  closeReason?: string;
  bytesReceived: number;
  /** Seconds of audio decoded (per channel), as Metadata counts them. */
  audioSeconds: number;
  /** The model that transcribed it (an Earshot name, whatever `model` the client sent); absent in older records and for refusals. */
  model?: string;
  /** What the audio turned out to be, e.g. "linear16 16000 Hz, 1 channel" or "WebM/Matroska → 48000 Hz, 1 channel". */
  format?: string;
  /** Messages sent to the client, by type. */
  messagesSent: Record<string, number>;
  /** Frames received from the client, by kind ("audio", "KeepAlive", …). */
  framesReceived: Record<string, number>;
  diagnoses: Diagnosis[];
  /** Process id of the server that wrote the record; tells a crashed server's open rows apart. */
  serverPid: number;
  /** The server (host:pid) that handled the request: which replica, when several share a log. Absent in older records. */
  server?: string;
}
