// `redact`: numbers in the transcript masked with one "*" per digit, in place of the words that said
// them ("four four four four …" or "4444 …" → "****************"), as Deepgram masks live
// transcripts. What counts is read from the digits a span of words says (spoken-numbers.ts) or
// writes: `numbers` (also `true`, `aggressive_numbers`) masks any number of three digits or more;
// `ssn` a nine-digit number; `pci` a card number (13–19 digits) and a three- or four-digit code
// said within a few words after "CVV", "CVC" or "security code". Entity kinds that need a model of
// names, places or health terms (`pii`, `phi`, …) are refused when the request is parsed.
import type { TimedWord } from '../engines/recognizer.js';
import { numeralSpans } from './spoken-numbers.js';
import { mergeSpans, splitWord } from './word-spans.js';

export const REDACTIONS = ['numbers', 'ssn', 'pci'] as const;
export type Redaction = (typeof REDACTIONS)[number];

/** How many words after "CVV" a card's code may come. */
const CODE_WITHIN_WORDS = 4;
/** Over the words before a code, run together: the model may spell "CVV" out ("the C V V is"). */
const CODE_WORDS = /cvv|cvc|code/;

export function redactNumbers(words: TimedWord[], redactions: readonly Redaction[]): TimedWord[] {
  if (redactions.length === 0) return words;
  const parts = words.map((w) => splitWord(w.text));
  const cores = parts.map((p) => p.core.toLowerCase());
  // Every number: spelled-out spans, and words already written with digits ("4444", "683-6027").
  const numbers = numeralSpans(cores, parts.map((p) => p.trail !== '')).map((s) => ({ start: s.start, end: s.end, digits: s.text.replace(/\D/g, '').length }));
  cores.forEach((core, i) => {
    if (/\d/.test(core) && !numbers.some((n) => n.start <= i && i < n.end)) numbers.push({ start: i, end: i + 1, digits: core.replace(/\D/g, '').length });
  });
  numbers.sort((a, b) => a.start - b.start);
  const afterCodeWord = (start: number) => CODE_WORDS.test(cores.slice(Math.max(0, start - CODE_WITHIN_WORDS), start).join(''));
  const masked = numbers.filter(({ start, digits }) =>
    (redactions.includes('numbers') && digits >= 3) ||
    (redactions.includes('ssn') && digits === 9) ||
    (redactions.includes('pci') && ((digits >= 13 && digits <= 19) || ((digits === 3 || digits === 4) && afterCodeWord(start)))),
  );
  return mergeSpans(words, parts, masked.map((n) => ({ start: n.start, end: n.end, text: '*'.repeat(n.digits) })));
}
