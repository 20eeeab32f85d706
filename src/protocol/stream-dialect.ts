// What one API says over a stream, and what it hears. A Session reads frames, decodes audio, feeds
// the recognizer and keeps the seed's rules (timeouts, limits, failures, nothing lost) the same on
// every endpoint; a dialect turns what the recognizer finds into that API's messages:
// /v1/listen's Results and Metadata (v1-dialect.ts), /v2/listen's turns (flux/flux-dialect.ts).
import type { Recognizer, StreamSettings, WindowResult } from '../engines/recognizer.js';
import type { ControlType } from './client-messages.js';
import type { StreamFailureCode } from './failure-codes.js';
import type { ServerMessage } from './server-messages.js';

export interface SessionLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** What the session lends its dialect. */
export interface DialectContext {
  requestId: string;
  recognizer: Recognizer;
  /** Counted, and refused once the client leaves too much unread: every message goes through here. */
  send(message: ServerMessage): void;
  /** New keyterms for every channel's stream (a Configure), for the audio after it. */
  setKeyterms(keyterms: readonly string[]): void;
  log: SessionLog;
}

/** What the stream was, when it ends in order. */
export interface StreamTotals {
  sha256: string;
  created: Date;
  durationSeconds: number;
  channels: number;
}

export interface StreamDialect {
  /** The text messages this API takes; any other is answered by `unparsable`. */
  readonly controlTypes: readonly ControlType[];
  /** How a channel's speech is to be cut and reported. */
  streamSettings(base: Pick<StreamSettings, 'streamId' | 'live'>): StreamSettings;
  /** The upgrade is done: anything the API says first. */
  opened?(): void;
  result(channel: [number, number], window: WindowResult): void;
  speechStarted(channel: [number, number], seconds: number): void;
  utteranceEnd?(channel: [number, number], lastWordEnd: number): void;
  /** The recognizer has judged the audio up to this point of the stream's clock. */
  heard?(seconds: number): void;
  /** A Configure, in order with the audio; answered exactly once. */
  configure(fields: Record<string, unknown>): void;
  /** A ForceEndTurn, once the audio before it is finalized. */
  forceEndTurn?(): void;
  /** A text frame that is not one of this API's messages: answered; a failure code if the stream must end for it. */
  unparsable(description: string, original: string): StreamFailureCode | undefined;
  /** Every final is out and the stream ends in order (CloseStream, a limit, a client-side failure). */
  finished(totals: StreamTotals): void;
  /** The stream is about to close for cause. */
  failing?(code: StreamFailureCode, description: string): void;
}
