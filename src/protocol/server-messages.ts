// The JSON messages Earshot sends on /v1/listen (and the union with /v2/listen's, flux/flux-messages.ts), shaped as Deepgram's clients parse them
// (every field the strictest client requires is always present: see deepgram-api-reference §4).

import type { EngineInfo as ModelInfo } from '../engines/engine.js';
import type { WindowResult } from '../engines/recognizer.js';
import type { TextOptions } from '../formatting/format-words.js';
import type { FluxMessage } from './flux/flux-messages.js';
import { formatChannel, seconds, type ResultChannel } from './transcript-format.js';


export interface ResultsMessage {
  type: 'Results';
  channel_index: [number, number];
  duration: number;
  start: number;
  is_final: boolean;
  speech_final: boolean;
  from_finalize: boolean;
  channel: ResultChannel;
  metadata: {
    request_id: string;
    model_info: { name: string; version: string; arch: string };
    model_uuid: string;
    extra?: Record<string, string>;
  };
}

export interface MetadataMessage {
  type: 'Metadata';
  transaction_key: 'deprecated';
  request_id: string;
  sha256: string;
  created: string;
  duration: number;
  channels: number;
  models: string[];
  model_info: Record<string, { name: string; version: string; arch: string }>;
  extra?: Record<string, string>;
}

export interface ErrorMessage {
  type: 'Error';
  variant: 'SchemaError';
  description: string;
  message: string;
}

export interface SpeechStartedMessage {
  type: 'SpeechStarted';
  channel: [number, number];
  timestamp: number;
}

export interface UtteranceEndMessage {
  type: 'UtteranceEnd';
  channel: [number, number];
  last_word_end: number;
}

/** The answer to a Configure that was applied; `keyterms`: those now in effect, when it replaced them. */
export interface ConfigureSuccessMessage {
  type: 'ConfigureSuccess';
  request_id: string;
  keyterms?: string[];
}

/** The answer to a Configure that changed nothing; `description` says why (an Earshot addition). */
export interface ConfigureFailureMessage {
  type: 'ConfigureFailure';
  request_id: string;
  description: string;
}

export type V1Message = ResultsMessage | MetadataMessage | ErrorMessage | SpeechStartedMessage | UtteranceEndMessage | ConfigureSuccessMessage | ConfigureFailureMessage;
export type ServerMessage = V1Message | FluxMessage;


function withExtra<T extends object>(msg: T, extra: Record<string, string>): T & { extra?: Record<string, string> } {
  return Object.keys(extra).length > 0 ? { ...msg, extra } : msg;
}

export interface ResultsInput {
  channel: [number, number];
  window: WindowResult;
  text: TextOptions;
}

export function resultsMessage({ channel, window: w, text }: ResultsInput, requestId: string, model: ModelInfo, extra: Record<string, string>): ResultsMessage {
  return {
    type: 'Results',
    channel_index: channel,
    duration: seconds(w.end - w.start),
    start: seconds(w.start),
    is_final: w.isFinal,
    speech_final: w.speechFinal,
    from_finalize: w.fromFinalize,
    channel: formatChannel(w, text),
    metadata: withExtra(
      { request_id: requestId, model_info: { name: model.name, version: model.version, arch: model.arch }, model_uuid: model.uuid },
      extra,
    ),
  };
}

export interface MetadataInput {
  requestId: string;
  sha256: string;
  created: Date;
  durationSeconds: number;
  channels: number;
  model: ModelInfo;
  extra: Record<string, string>;
}

export function metadataMessage(m: MetadataInput): MetadataMessage {
  return withExtra(
    {
      type: 'Metadata' as const,
      transaction_key: 'deprecated' as const,
      request_id: m.requestId,
      sha256: m.sha256,
      created: m.created.toISOString(),
      duration: seconds(m.durationSeconds),
      channels: m.channels,
      models: [m.model.uuid],
      model_info: { [m.model.uuid]: { name: m.model.name, version: m.model.version, arch: m.model.arch } },
    },
    m.extra,
  );
}

export function speechStartedMessage(channel: [number, number], timestamp: number): SpeechStartedMessage {
  return { type: 'SpeechStarted', channel, timestamp: seconds(timestamp) };
}

export function utteranceEndMessage(channel: [number, number], lastWordEnd: number): UtteranceEndMessage {
  return { type: 'UtteranceEnd', channel, last_word_end: seconds(lastWordEnd) };
}

export function schemaErrorMessage(description: string, original: string): ErrorMessage {
  return { type: 'Error', variant: 'SchemaError', description, message: original };
}
