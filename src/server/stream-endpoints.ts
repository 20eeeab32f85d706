// The two streaming endpoints and what each makes of its query: /v1/listen (Deepgram's Nova-style
// Results, the model a request picks) and /v2/listen (Flux's turns, on the default recognizer).
import type { Recognizer } from '../engines/recognizer.js';
import type { RecognizerSet } from '../engines/recognizer-set.js';
import type { Api } from './metrics.js';
import { FluxDialect } from '../protocol/flux/flux-dialect.js';
import { parseFluxOptions } from '../protocol/flux/flux-options.js';
import { parseListenOptions, type ListenOptions } from '../protocol/listen-options.js';
import type { DialectContext, StreamDialect } from '../protocol/stream-dialect.js';
import { recognizerForModel } from './model-choice.js';

export const LISTEN_PATH = /(^|\/)v1\/listen\/?$/;
export const FLUX_PATH = /(^|\/)v2\/listen\/?$/;

export interface StreamPlan {
  options: ListenOptions;
  recognizer: Recognizer;
  /** /v1/listen's when absent. */
  dialect?: (context: DialectContext) => StreamDialect;
}

export function isStreamPath(path: string): boolean {
  return LISTEN_PATH.test(path) || FLUX_PATH.test(path);
}

/** Which API a request on `path` (with or without its query) is for, as the metrics count it. */
export function apiOf(path: string): Api {
  return FLUX_PATH.test(path.split('?')[0]) ? 'v2' : 'v1';
}

/** Parses a streaming handshake's query for its endpoint; throws HandshakeError (400). */
export function planStream(path: string, query: URLSearchParams, recognizers: RecognizerSet): StreamPlan {
  if (FLUX_PATH.test(path)) {
    const flux = parseFluxOptions(query);
    return { options: flux.listen, recognizer: recognizers.defaultRecognizer, dialect: (context) => new FluxDialect(context, flux) };
  }
  const options = parseListenOptions(query);
  return { options, recognizer: recognizerForModel(recognizers, options.model) };
}
