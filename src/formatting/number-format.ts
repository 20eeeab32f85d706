// Numbers in a result's words, Deepgram's way. The model writes a number however its training text
// did, so every decode's numbers are first spelled out as said (spellNumbers: the stream's words,
// and Deepgram's default output); `numerals` / `smart_format` write them as digits again. Each step
// maps words to words, so every output word keeps a time and a confidence: a word split in several
// shares its span (merges: mergeSpans).
import type { TimedWord } from '../engines/recognizer.js';
import { DIGIT_RUN, DIGIT_WORDS, digitGroup, spokenForm } from './number-words.js';
import { capitalized, mergeSpans, SENTENCE_END, splitInto, splitWord, type WordSpan } from './word-spans.js';
import { numeralSpans } from './spoken-numbers.js';

export interface NumberOptions {
  /** Spelled-out numbers as digits (`numerals`, implied by `smart_format`). */
  numerals: boolean;
  /** Currency, percentages and phone numbers written as such (`smart_format`). */
  smartFormat: boolean;
}

const SPOKEN_DIGITS = new Set([...DIGIT_WORDS, 'oh']);

/** Every number the model wrote in digits, in the words a speaker says for it. */
export function spellNumbers(words: TimedWord[]): TimedWord[] {
  const parts = words.map((w) => splitWord(w.text));
  const inRun = digitRuns(parts);
  const out: TimedWord[] = [];
  words.forEach((word, i) => {
    const { lead, core, trail } = parts[i];
    // "three three one o one": the model's letter O among spoken digits is the digit "oh".
    const neighbours = [parts[i - 1]?.core, parts[i + 1]?.core].map((c) => c?.toLowerCase() ?? '');
    if (core.toLowerCase() === 'o' && neighbours.some((n) => SPOKEN_DIGITS.has(n))) {
      out.push({ ...word, text: `${lead}${core === 'O' ? 'Oh' : 'oh'}${trail}` });
      return;
    }
    const spoken = spokenForm(core, inRun[i]);
    if (!spoken) {
      out.push(word);
      return;
    }
    const sentenceStart = i === 0 || SENTENCE_END.test(words[i - 1].text);
    out.push(...splitInto(word, sentenceStart ? [capitalized(spoken[0]), ...spoken.slice(1)] : spoken));
  });
  return out;
}

/**
 * Which words belong to a run of digit groups long enough to be read digit by digit ("412 268 4142");
 * a full stop ends a run ("37. 10. 12." are numbers said one after another).
 */
function digitRuns(parts: Array<{ core: string; trail: string }>): boolean[] {
  const inRun = parts.map(() => false);
  for (let i = 0; i < parts.length; ) {
    let j = i;
    let digits = 0;
    while (j < parts.length && digitGroup(parts[j].core) !== undefined) {
      digits += digitGroup(parts[j].core)!.length;
      if (SENTENCE_END.test(parts[j++].trail)) break;
    }
    if (j > i + 1 && digits >= DIGIT_RUN) inRun.fill(true, i, j);
    i = Math.max(j, i + 1);
  }
  return inRun;
}

/** Spelled-out numbers written as digits, each span of words merged into one; smart_format groups phone numbers. */
function writeNumerals(words: TimedWord[], smart: boolean): TimedWord[] {
  const parts = words.map((w) => splitWord(w.text));
  const spans = numeralSpans(parts.map((p) => p.core.toLowerCase()), parts.map((p) => p.trail !== ''));
  return mergeSpans(words, parts, spans.map((s) => ({ ...s, text: smart && s.digitByDigit ? phoneNumber(s.text) : s.text })));
}

/** "6836027" → 683-6027, "4122684142" → 412-268-4142; other digit strings as they are. */
function phoneNumber(digits: string): string {
  if (digits.length === 7) return `${digits.slice(0, 3)}-${digits.slice(3)}`;
  if (digits.length === 10) return `${digits.slice(0, 3)}-${digits.slice(3, 6)}-${digits.slice(6)}`;
  return digits;
}

const NUMBER = /^\d+(\.\d+)?$/;
const MERIDIEM: Record<string, string> = { am: 'AM', pm: 'PM', 'a.m': 'AM', 'p.m': 'PM' };

/** smart_format's written forms over numerals: "$42.50", "50%", "3:45 PM". */
function smartForms(words: TimedWord[]): TimedWord[] {
  const parts = words.map((w) => splitWord(w.text));
  const core = (i: number) => parts[i]?.core.toLowerCase() ?? '';
  const spans: WordSpan[] = [];
  for (let i = 0; i < parts.length; i++) {
    if (!NUMBER.test(parts[i].core)) continue;
    const span = (length: number, text: string) => {
      spans.push({ start: i, end: i + length, text });
      i += length - 1;
    };
    if (core(i + 1) === 'dollars' || core(i + 1) === 'dollar') {
      const cents = core(i + 2) === 'and' && /^\d{1,2}$/.test(core(i + 3)) && /^cents?$/.test(core(i + 4));
      span(cents ? 5 : 2, `$${parts[i].core}${cents ? `.${core(i + 3).padStart(2, '0')}` : ''}`);
    } else if (core(i + 1) === 'percent') span(2, `${parts[i].core}%`);
    else if (/^([1-9]|1[0-2])$/.test(parts[i].core) && /^[0-5]\d$/.test(core(i + 1)) && core(i + 2) in MERIDIEM) span(3, `${parts[i].core}:${core(i + 1)} ${MERIDIEM[core(i + 2)]}`);
    else if (/^([1-9]|1[0-2])$/.test(parts[i].core) && core(i + 1) in MERIDIEM) span(2, `${parts[i].core} ${MERIDIEM[core(i + 1)]}`);
  }
  return mergeSpans(words, parts, spans);
}

/** The numbers of spoken `words` (spellNumbers') as the request asks for them. */
export function formatNumbers(words: TimedWord[], options: NumberOptions): TimedWord[] {
  if (!options.numerals && !options.smartFormat) return words;
  const digits = writeNumerals(words, options.smartFormat);
  return options.smartFormat ? smartForms(digits) : digits;
}
