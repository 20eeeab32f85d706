// Deepgram's text options over a result's words, in the order they build on each other: numbers
// first (number-format.ts; smart_format adds spoken emails and web addresses) and the units said
// after them (`measurements`), then their redaction (in whatever form numerals left them), then
// spoken punctuation (`dictation`), then `replace`, which sees the words as the client will, then
// the profanity mask over what is left (a replacement the client chose is theirs to keep).
import type { TimedWord } from '../engines/recognizer.js';
import { applyDictation } from './dictation.js';
import { abbreviateUnits } from './measurements.js';
import { formatNumbers, type NumberOptions } from './number-format.js';
import { maskProfanity } from './profanity.js';
import { redactNumbers, type Redaction } from './redaction.js';
import { writeAddresses } from './spoken-addresses.js';
import { replaceTerms, type Replacement } from './replacements.js';

export interface TextOptions extends NumberOptions {
  /** Cased, punctuated transcripts (`punctuate` or `smart_format`). */
  punctuate: boolean;
  replacements: Replacement[];
  /** Units after numbers as abbreviations (`measurements`). */
  measurements: boolean;
  /** Spoken punctuation commands as marks (`dictation`, which needs `punctuate`). */
  dictation: boolean;
  profanityFilter: boolean;
  redact: Redaction[];
  /** `search` terms, looked for in the formatted words. */
  search: string[];
}

export function formatWords(words: TimedWord[], options: TextOptions): TimedWord[] {
  const formatted = formatNumbers(words, options);
  const numbers = options.smartFormat ? writeAddresses(formatted) : formatted;
  const redacted = redactNumbers(options.measurements ? abbreviateUnits(numbers) : numbers, options.redact);
  const replaced = replaceTerms(options.dictation ? applyDictation(redacted) : redacted, options.replacements);
  return options.profanityFilter ? maskProfanity(replaced) : replaced;
}
