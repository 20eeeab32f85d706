// Query parameters of a pre-recorded POST /v1/listen. What it shares with the live endpoint
// (audio format, model, language, punctuation, multichannel, extra) is parsed and refused exactly
// as there; REST-only options are parsed here. Analysis features this engine cannot provide
// (summaries, topics, diarization, …) are accepted and named in the response's warnings, as the
// request still yields a useful transcript; live-only options are ignored, as on Deepgram.
import { z } from 'zod';
import { booleanParam, parseListenOptions, parseQuery, type ListenOptions } from '../protocol/listen-options.js';

export interface Warning {
  parameter: string;
  type: 'unsupported_feature';
  message: string;
}

export interface PrerecordedOptions {
  listen: ListenOptions;
  utterances: boolean;
  /** Silence between words that starts a new utterance. */
  uttSplitSeconds: number;
  paragraphs: boolean;
  callback?: { url: URL; method: 'POST' | 'PUT' };
  warnings: Warning[];
}

/** Features a Deepgram request may ask for that this engine does not provide, with what it lacks. */
const UNSUPPORTED: Record<string, string> = {
  diarize: 'speaker diarization',
  diarize_model: 'speaker diarization',
  detect_language: 'language detection (the engine transcribes English)',
  detect_entities: 'entity detection',
  detect_topics: 'topic detection',
  summarize: 'summaries',
  topics: 'topic detection',
  custom_topic: 'topic detection',
  custom_topic_mode: 'topic detection',
  intents: 'intent recognition',
  custom_intent: 'intent recognition',
  custom_intent_mode: 'intent recognition',
  sentiment: 'sentiment analysis',
};

/** Streaming-only options: meaningless for a whole file, so ignored as Deepgram ignores them. */
const LIVE_ONLY = ['interim_results', 'endpointing', 'vad_events', 'utterance_end_ms', 'no_delay'];

const DEFAULT_UTT_SPLIT_SECONDS = 0.8;

const rest = z.object({
  utterances: booleanParam.default(false),
  paragraphs: booleanParam.default(false),
  utt_split: z.string().regex(/^\d+(\.\d+)?$/, { error: 'expected seconds' }).transform(Number).pipe(z.number().min(0.1, { error: 'must be at least 0.1' }).max(60, { error: 'must be at most 60' })).optional(),
  callback: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional(),
  callback_method: z.enum(['POST', 'PUT', 'post', 'put'], { error: 'expected POST or PUT' }).transform((m) => m.toUpperCase() as 'POST' | 'PUT').default('POST'),
});

/** Parses and validates a pre-recorded request's query; throws HandshakeError (400). */
export function parsePrerecordedOptions(params: URLSearchParams): PrerecordedOptions {
  const shared = new URLSearchParams();
  const own: Record<string, string> = {};
  const warnings: Warning[] = [];
  for (const [name, value] of params) {
    if (name in rest.shape) own[name] ??= value;
    else if (name in UNSUPPORTED) {
      if (value.toLowerCase() !== 'false' && !warnings.some((w) => w.parameter === name)) {
        warnings.push({ parameter: name, type: 'unsupported_feature', message: `Earshot's engine does not provide ${UNSUPPORTED[name]}; '${name}' was ignored.` });
      }
    } else if (!LIVE_ONLY.includes(name)) shared.append(name, value);
  }
  const q = parseQuery(rest, own);
  // A whole file is cut at natural pauses: long segments decode best and fastest.
  shared.set('endpointing', 'false');
  return {
    listen: parseListenOptions(shared),
    utterances: q.utterances,
    uttSplitSeconds: q.utt_split ?? DEFAULT_UTT_SPLIT_SECONDS,
    // Sentences are told by their punctuation, so paragraphs need the punctuated words.
    paragraphs: q.paragraphs,
    callback: q.callback === undefined ? undefined : { url: new URL(q.callback), method: q.callback_method },
    warnings,
  };
}
