// Query parameters of /v2/listen (Deepgram's Flux), validated before the upgrade as /v1/listen's are:
// a bad or unknown one is refused with HTTP 400 naming it. The audio and text parts become the
// ListenOptions every Session takes; the turn parts are the TurnTracker's thresholds.
import { z } from 'zod';
import type { TurnThresholds } from '../../turns/turn-tracker.js';
import { HandshakeError } from '../failure-codes.js';
import { booleanParam, checkRawRate, keytermProblem, parseQuery, wholeNumberParam, type ListenOptions } from '../listen-options.js';

export const FLUX_MODEL = 'flux-general-en';
const FLUX_ENCODINGS = ['linear16', 'linear32', 'mulaw', 'alaw', 'opus', 'ogg-opus'] as const;
export const DEFAULT_EOT_THRESHOLD = 0.7;
export const DEFAULT_EOT_TIMEOUT_MS = 5000;
/** Deepgram's limit on a tag. */
const MAX_TAG_CHARS = 128;

/** Deepgram's ranges. eot_threshold 1 turns the model's ends off: turns end by ForceEndTurn or the timeout. */
export const EOT_THRESHOLD = { min: 0.5, max: 1 };
export const EAGER_EOT_THRESHOLD = { min: 0.3, max: 0.9 };
export const EOT_TIMEOUT_MS = { min: 500, max: 60_000 };
const REDACTIONS = ['numbers', 'aggressive_numbers', 'false'];

export interface FluxOptions {
  /** For the Session: audio format, text options (Flux's transcripts are always cased and punctuated), keyterms. */
  listen: ListenOptions;
  thresholds: TurnThresholds;
  tags: string[];
}

const decimal = (range: { min: number; max: number }) =>
  z
    .string()
    .regex(/^\d*\.?\d+$/, { error: 'expected a number' })
    .transform(Number)
    .pipe(z.number().min(range.min, { error: `must be between ${range.min} and ${range.max}` }).max(range.max, { error: `must be between ${range.min} and ${range.max}` }));

const model = z
  .string()
  .transform((m) => m.toLowerCase())
  .superRefine((m, ctx) => {
    if (m === 'flux-general-multi') ctx.addIssue({ code: 'custom', message: `Earshot has no multilingual engine loaded; ${FLUX_MODEL} is served` });
    else if (m !== FLUX_MODEL) ctx.addIssue({ code: 'custom', message: `/v2/listen serves ${FLUX_MODEL}; other models are on /v1/listen` });
  });

const schema = z.strictObject({
  model: model.default(FLUX_MODEL),
  encoding: z
    .string()
    .transform((v) => v.toLowerCase())
    .pipe(z.enum(FLUX_ENCODINGS, { error: `supported: ${FLUX_ENCODINGS.join(', ')}, or omit it for containers (WAV, Ogg/Opus, WebM/Opus)` }))
    .optional(),
  sample_rate: wholeNumberParam(8000, 48000).optional(),
  eot_threshold: decimal(EOT_THRESHOLD).default(DEFAULT_EOT_THRESHOLD),
  eager_eot_threshold: decimal(EAGER_EOT_THRESHOLD).optional(),
  eot_timeout_ms: wholeNumberParam(EOT_TIMEOUT_MS.min, EOT_TIMEOUT_MS.max).default(DEFAULT_EOT_TIMEOUT_MS),
  keyterm: z.string(),
  numerals: booleanParam.default(false),
  profanity_filter: booleanParam.default(false),
  // Every redact and tag value is checked below, not only the first.
  redact: z.string(),
  tag: z.string(),
  mip_opt_out: booleanParam.default(false),
  language_hint: z.string().refine(() => false, { error: 'language hints need flux-general-multi, which this server does not have' }),
}).partial({ keyterm: true, redact: true, tag: true, language_hint: true });

const NAMES = Object.keys(schema.shape);

/** Parses and validates the query of a /v2/listen handshake; throws HandshakeError (400). */
export function parseFluxOptions(params: URLSearchParams): FluxOptions {
  const first: Record<string, string> = {};
  for (const [key, value] of params) if (!(key in first)) first[key] = value;
  const unknown = Object.keys(first).find((k) => !NAMES.includes(k));
  if (unknown !== undefined) {
    throw new HandshakeError('INVALID_QUERY_PARAMETER', `Unknown query parameter '${unknown.slice(0, 100)}' for /v2/listen. It takes ${NAMES.join(', ')}.`);
  }
  const q = parseQuery(schema, first);
  // Ogg/Opus carries its own rate.
  if (q.encoding && q.encoding !== 'ogg-opus') checkRawRate(q.encoding, q.sample_rate);
  if (q.eager_eot_threshold !== undefined && q.eager_eot_threshold > q.eot_threshold) {
    throw new HandshakeError('INVALID_QUERY_PARAMETER', `Invalid 'eager_eot_threshold' value of '${first.eager_eot_threshold}'. It must not be above eot_threshold (${q.eot_threshold}).`);
  }
  const keyterms = params.getAll('keyterm').map((t) => t.trim());
  const problem = keytermProblem(keyterms);
  if (problem) throw new HandshakeError('INVALID_QUERY_PARAMETER', `${problem}.`);
  const redact = params.getAll('redact');
  const badRedact = redact.find((r) => !REDACTIONS.includes(r));
  if (badRedact !== undefined) throw new HandshakeError('INVALID_QUERY_PARAMETER', `Invalid 'redact' value of '${badRedact.slice(0, 100)}'. Flux redacts numbers (numbers, aggressive_numbers).`);
  const tags = params.getAll('tag');
  const longTag = tags.find((t) => t.length > MAX_TAG_CHARS);
  if (longTag !== undefined) throw new HandshakeError('INVALID_QUERY_PARAMETER', `Invalid 'tag' value of '${longTag.slice(0, MAX_TAG_CHARS)}…'. A tag is at most ${MAX_TAG_CHARS} characters.`);
  const rawEncoding = q.encoding && q.encoding !== 'ogg-opus' ? q.encoding : undefined;
  return {
    listen: {
      model: FLUX_MODEL,
      language: 'en',
      encoding: q.encoding,
      sampleRate: rawEncoding ? q.sample_rate : undefined,
      channels: 1,
      multichannel: false,
      interimResults: true,
      endpointingMs: 0,
      vadEvents: false,
      text: {
        punctuate: true,
        numerals: q.numerals,
        smartFormat: false,
        replacements: [],
        measurements: false,
        dictation: false,
        profanityFilter: q.profanity_filter,
        redact: redact.some((r) => r !== 'false') ? ['numbers'] : [],
        search: [],
      },
      keyterms,
      extra: {},
      noEffect: params.has('mip_opt_out') ? ['mip_opt_out'] : [],
    },
    thresholds: { eotThreshold: q.eot_threshold, eagerEotThreshold: q.eager_eot_threshold, eotTimeoutMs: q.eot_timeout_ms },
    tags,
  };
}
