// Query parameters of /v1/listen, validated before the upgrade so that a bad request is refused
// with HTTP 400 and Deepgram's `Invalid '<name>' value of '<value>'.` text, never after it.
import { z } from 'zod';
import { OPUS_RATES, RAW_ENCODINGS, type RawEncoding } from '../audio/audio-input.js';
import { HandshakeError } from './failure-codes.js';

/**
 * Deepgram encodings Earshot refuses by name, with why. Debian's ffmpeg has only its own AMR-NB
 * decoder, which fails on real (opencore) AMR frames, and nothing encodes AMR-WB or G.729 to test
 * a decoder with; raw Speex packets carry no framing a decoder could read.
 */
const UNSUPPORTED_ENCODINGS: Record<string, string> = {
  'amr-nb': 'AMR-NB has no reliable decoder on this server',
  'amr-wb': 'AMR-WB has no reliable decoder on this server',
  g729: 'G.729 has no tested decoder on this server',
  speex: 'raw Speex packets have no framing to decode; send Speex in Ogg with no encoding',
};

export const MAX_CHANNELS = 8;
export const DEFAULT_ENDPOINTING_MS = 10;

export interface ListenOptions {
  model: string;
  language: string;
  /** Absent for containerized audio, whose format is read from its header. */
  encoding?: RawEncoding;
  sampleRate?: number;
  channels: number;
  multichannel: boolean;
  interimResults: boolean;
  /** Trailing silence that ends an utterance (`speech_final`), or false when disabled. */
  endpointingMs: number | false;
  utteranceEndMs?: number;
  vadEvents: boolean;
  /** Cased, punctuated transcripts (`punctuate` or `smart_format`). */
  punctuate: boolean;
  extra: Record<string, string>;
  /** Parameters understood but without effect on this engine: logged, not refused. */
  noEffect: string[];
}

/** Deepgram's boolean query values, in any case. */
export const booleanParam = z
  .string()
  .transform((v) => v.toLowerCase())
  .pipe(z.enum(['true', 'false', '1', '0'], { error: 'expected true or false' }))
  .transform((v) => v === 'true' || v === '1');

const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { error: 'expected a whole number' })
    .transform(Number)
    .pipe(z.number().min(min, { error: `must be at least ${min}` }).max(max, { error: `must be at most ${max}` }));

const encoding = z
  .string()
  .transform((v) => v.toLowerCase())
  .superRefine((v, ctx) => {
    if (v in UNSUPPORTED_ENCODINGS) {
      ctx.addIssue({ code: 'custom', message: `Earshot does not decode ${v}: ${UNSUPPORTED_ENCODINGS[v]}. Supported: ${RAW_ENCODINGS.join(', ')}, or a container (WAV, Ogg, WebM, MP3, FLAC, MP4) with no encoding` });
    }
  })
  .pipe(z.enum(RAW_ENCODINGS, { error: `supported: ${RAW_ENCODINGS.join(', ')}, or omit it for containers` }));

const endpointing = z.union([
  z.string().regex(/^\d+$/).transform(Number),
  booleanParam.transform((on) => (on ? DEFAULT_ENDPOINTING_MS : (false as const))),
], { error: 'expected milliseconds or false' });

const model = z.string().refine((m) => !m.toLowerCase().startsWith('flux'), {
  error: 'Flux models are served on /v2/listen, which Earshot does not offer',
});

const language = z.string().regex(/^en([-_][a-z0-9]+)*$/i, { error: 'Earshot transcribes English only (en, en-US, …)' });

const mustBeOff = (what: string) => booleanParam.refine((on) => !on, { error: `${what} is not supported by Earshot's engine` });
const unsupported = (what: string) => z.string().refine(() => false, { error: `${what} is not supported by Earshot's engine` });

const schema = z.object({
  model: model.default('general'),
  language: language.default('en'),
  encoding: encoding.optional(),
  sample_rate: int(8000, 48000).optional(),
  channels: int(1, MAX_CHANNELS).default(1),
  multichannel: booleanParam.default(false),
  interim_results: booleanParam.default(false),
  endpointing: endpointing.default(DEFAULT_ENDPOINTING_MS),
  utterance_end_ms: int(1000, 3_600_000).optional(),
  vad_events: booleanParam.default(false),
  punctuate: booleanParam.default(false),
  smart_format: booleanParam.default(false),
  diarize: mustBeOff('diarize'),
  detect_entities: mustBeOff('detect_entities'),
  redact: z.string().refine((v) => v.toLowerCase() === 'false', { error: 'redaction is not supported by Earshot\'s engine' }),
  diarize_model: unsupported('diarize_model'),
  callback: unsupported('callback'),
  search: unsupported('search'),
  replace: unsupported('replace'),
  keywords: unsupported('keywords'),
  keyterm: unsupported('keyterm'),
}).partial({ diarize: true, detect_entities: true, redact: true, diarize_model: true, callback: true, search: true, replace: true, keywords: true, keyterm: true });

/** Options that change formatting on Deepgram but that this engine does not act on. */
const NO_EFFECT = ['numerals', 'profanity_filter', 'filler_words', 'dictation', 'no_delay', 'version', 'tier', 'tag', 'mip_opt_out'];

/** `values` (the first of each query parameter) checked against `schema`, or Deepgram's 400 naming the first bad one. */
export function parseQuery<S extends z.ZodType>(schema: S, values: Record<string, string>): z.output<S> {
  const parsed = schema.safeParse(values);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const name = String(issue.path[0]);
  throw new HandshakeError('INVALID_QUERY_PARAMETER', `Invalid '${name}' value of '${values[name]}'. ${issue.message}.`);
}

/** Parses and validates the query of a /v1/listen handshake; throws HandshakeError (400). */
export function parseListenOptions(params: URLSearchParams): ListenOptions {
  const first: Record<string, string> = {};
  for (const [key, value] of params) if (!(key in first)) first[key] = value;

  const q = parseQuery(schema, first);
  if (q.encoding && q.sample_rate === undefined) {
    throw new HandshakeError('INVALID_QUERY_PARAMETER', `Missing 'sample_rate': raw encoding '${q.encoding}' needs sample_rate (8000-48000).`);
  }
  if (q.encoding === 'opus' && !OPUS_RATES.includes(q.sample_rate!)) {
    throw new HandshakeError('INVALID_QUERY_PARAMETER', `Invalid 'sample_rate' value of '${q.sample_rate}'. Opus decodes at ${OPUS_RATES.join(', ')} Hz.`);
  }

  const extra: Record<string, string> = {};
  for (const item of params.getAll('extra')) {
    const colon = item.indexOf(':');
    if (colon > 0) extra[item.slice(0, colon)] = item.slice(colon + 1);
  }

  return {
    model: q.model,
    language: q.language,
    encoding: q.encoding,
    sampleRate: q.encoding ? q.sample_rate : undefined,
    channels: q.encoding ? q.channels : 1,
    multichannel: q.multichannel,
    interimResults: q.interim_results,
    endpointingMs: q.endpointing,
    utteranceEndMs: q.utterance_end_ms,
    vadEvents: q.vad_events,
    punctuate: q.punctuate || q.smart_format,
    extra,
    noEffect: NO_EFFECT.filter((k) => params.has(k) && params.get(k)?.toLowerCase() !== 'false'),
  };
}
