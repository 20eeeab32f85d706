// Query parameters of /v1/listen, validated before the upgrade so that a bad request is refused
// with HTTP 400 and Deepgram's `Invalid '<name>' value of '<value>'.` text, never after it.
import { z } from 'zod';
import { OPUS_RATES, RAW_ENCODINGS, type RawEncoding } from '../audio/audio-input.js';
import type { TextOptions } from '../formatting/format-words.js';
import type { Replacement } from '../formatting/replacements.js';
import { REDACTIONS, type Redaction } from '../formatting/redaction.js';
import { MAX_SEARCH_CHARS, MAX_SEARCH_TERMS } from '../formatting/search.js';
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
  text: TextOptions;
  /** `keyterm` and positively boosted `keywords`: terms the decoder favours. */
  keyterms: string[];
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

export const wholeNumberParam = (min: number, max: number) =>
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
  error: 'Flux models are served on /v2/listen: connect there for turn-taking (TurnInfo messages)',
});

const language = z.string().regex(/^en([-_][a-z0-9]+)*$/i, { error: 'Earshot transcribes English only (en, en-US, …)' });

const mustBeOff = (what: string) => booleanParam.refine((on) => !on, { error: `${what} is not supported by Earshot's engine` });
const unsupported = (what: string) => z.string().refine(() => false, { error: `${what} is not supported by Earshot's engine` });

const schema = z.object({
  model: model.default('general'),
  language: language.default('en'),
  encoding: encoding.optional(),
  sample_rate: wholeNumberParam(8000, 48000).optional(),
  channels: wholeNumberParam(1, MAX_CHANNELS).default(1),
  multichannel: booleanParam.default(false),
  interim_results: booleanParam.default(false),
  endpointing: endpointing.default(DEFAULT_ENDPOINTING_MS),
  utterance_end_ms: wholeNumberParam(1000, 3_600_000).optional(),
  vad_events: booleanParam.default(false),
  punctuate: booleanParam.default(false),
  smart_format: booleanParam.default(false),
  numerals: booleanParam.default(false),
  profanity_filter: booleanParam.default(false),
  dictation: booleanParam.default(false),
  measurements: booleanParam.default(false),
  diarize: mustBeOff('diarize'),
  detect_entities: mustBeOff('detect_entities'),
  diarize_model: unsupported('diarize_model'),
  callback: unsupported('callback'),
}).partial({ diarize: true, detect_entities: true, diarize_model: true, callback: true });

/** Options that change formatting on Deepgram but that this engine does not act on. */
const NO_EFFECT = ['filler_words', 'no_delay', 'version', 'tier', 'tag', 'mip_opt_out'];

/** Deepgram's limit on find-and-replace terms per request. */
const MAX_REPLACEMENTS = 200;
const MAX_TERM_CHARS = 100;

/** Every `replace=find:replacement` (repeatable); the replacement may be empty, the term may not. */
function replacements(values: string[]): Replacement[] {
  if (values.length > MAX_REPLACEMENTS) {
    throw new HandshakeError('INVALID_QUERY_PARAMETER', `Too many 'replace' values (${values.length}): at most ${MAX_REPLACEMENTS}.`);
  }
  return values.map((value) => {
    const colon = value.indexOf(':');
    const find = (colon === -1 ? value : value.slice(0, colon)).toLowerCase().split(/\s+/).filter(Boolean);
    const replacement = colon === -1 ? '' : value.slice(colon + 1).trim();
    if (find.length === 0 || value.length > MAX_TERM_CHARS) {
      throw new HandshakeError('INVALID_QUERY_PARAMETER', `Invalid 'replace' value of '${value.slice(0, MAX_TERM_CHARS)}'. Expected find:replacement, at most ${MAX_TERM_CHARS} characters, with something to find.`);
    }
    return { find, replacement };
  });
}

/** Deepgram's limits on keyterms: 100 terms, 500 of its tokens in all (about 2,000 characters of English). */
const MAX_KEYTERMS = 100;
const MAX_KEYTERM_CHARS = 2000;

/** `keyterm=term` (repeatable) and `keywords=word:intensifier` (repeatable, older models'), as one list. */
function keyterms(terms: string[], keywords: string[]): string[] {
  const favoured = terms.map((t) => t.trim());
  for (const value of keywords) {
    const colon = value.lastIndexOf(':');
    const word = (colon === -1 ? value : value.slice(0, colon)).trim();
    const intensifier = colon === -1 ? 1 : Number(value.slice(colon + 1));
    if (word === '' || !Number.isFinite(intensifier)) {
      throw new HandshakeError('INVALID_QUERY_PARAMETER', `Invalid 'keywords' value of '${value.slice(0, 100)}'. Expected word or word:intensifier (a number).`);
    }
    if (intensifier < 0) {
      throw new HandshakeError('INVALID_QUERY_PARAMETER', `Invalid 'keywords' value of '${value.slice(0, 100)}'. Earshot favours words but cannot suppress them: use a positive intensifier, or replace=${word}: to remove the word.`);
    }
    if (intensifier > 0) favoured.push(word);
  }
  const problem = keytermProblem(favoured, 'keyterm and keywords together');
  if (problem) throw new HandshakeError('INVALID_QUERY_PARAMETER', `${problem}.`);
  return favoured;
}

/** What is wrong with a list of keyterms (at the handshake, or in a Configure message), if anything. */
export function keytermProblem(terms: readonly string[], counted = 'in all'): string | undefined {
  if (terms.some((t) => t.trim() === '')) return "Invalid 'keyterm' value of ''. Expected a word or phrase";
  const chars = terms.reduce((n, t) => n + t.length, 0);
  if (terms.length > MAX_KEYTERMS || chars > MAX_KEYTERM_CHARS) return `Too many keyterms (${terms.length} terms, ${chars} characters): at most ${MAX_KEYTERMS} terms and ${MAX_KEYTERM_CHARS} characters, ${counted}`;
  return undefined;
}

/** `redact` (repeatable, or comma-separated): Deepgram's names for the number redactions Earshot does. */
function redactions(values: string[]): Redaction[] {
  const kinds = new Set<Redaction>();
  for (const value of values.flatMap((v) => v.split(',')).map((v) => v.trim().toLowerCase())) {
    if (value === 'false' || value === '') continue;
    if (value === 'true' || value === 'numbers' || value === 'aggressive_numbers') kinds.add('numbers');
    else if ((REDACTIONS as readonly string[]).includes(value)) kinds.add(value as Redaction);
    else {
      throw new HandshakeError('INVALID_QUERY_PARAMETER', `Invalid 'redact' value of '${value.slice(0, 100)}'. Earshot redacts numbers (numbers, true, aggressive_numbers), ssn and pci; '${value.slice(0, 100)}' needs an entity model Earshot does not have.`);
    }
  }
  return [...kinds];
}

/** Every `search=term` (repeatable). */
function searchTerms(values: string[]): string[] {
  if (values.length > MAX_SEARCH_TERMS) {
    throw new HandshakeError('INVALID_QUERY_PARAMETER', `Too many 'search' values (${values.length}): at most ${MAX_SEARCH_TERMS}.`);
  }
  for (const value of values) {
    if (value.trim() === '' || value.length > MAX_SEARCH_CHARS) {
      throw new HandshakeError('INVALID_QUERY_PARAMETER', `Invalid 'search' value of '${value.slice(0, MAX_SEARCH_CHARS)}'. Expected a word or phrase of at most ${MAX_SEARCH_CHARS} characters.`);
    }
  }
  return values.map((v) => v.trim());
}

/** A raw encoding's `sample_rate`, on either endpoint: required, and one of Opus's own rates for raw Opus packets. */
export function checkRawRate(encoding: RawEncoding, sampleRate: number | undefined): void {
  if (sampleRate === undefined) {
    throw new HandshakeError('INVALID_QUERY_PARAMETER', `Missing 'sample_rate': raw encoding '${encoding}' needs sample_rate (8000-48000).`);
  }
  if (encoding === 'opus' && !OPUS_RATES.includes(sampleRate)) {
    throw new HandshakeError('INVALID_QUERY_PARAMETER', `Invalid 'sample_rate' value of '${sampleRate}'. Opus decodes at ${OPUS_RATES.join(', ')} Hz.`);
  }
}

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
  if (q.encoding) checkRawRate(q.encoding, q.sample_rate);

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
    text: {
      punctuate: q.punctuate || q.smart_format,
      numerals: q.numerals || q.smart_format,
      smartFormat: q.smart_format,
      replacements: replacements(params.getAll('replace')),
      measurements: q.measurements,
      // Deepgram acts on dictation only with punctuation on.
      dictation: q.dictation && (q.punctuate || q.smart_format),
      profanityFilter: q.profanity_filter,
      redact: redactions(params.getAll('redact')),
      search: searchTerms(params.getAll('search')),
    },
    keyterms: keyterms(params.getAll('keyterm'), params.getAll('keywords')),
    extra,
    noEffect: NO_EFFECT.filter((k) => params.has(k) && params.get(k)?.toLowerCase() !== 'false'),
  };
}
