// Spelled-out numbers → digits (`numerals`): "nine hundred" → 900, "nine hundredth" → 900th (Deepgram's
// own examples), "forty two" → 42, "nineteen sixty seven" → 1967, "six eight three oh two seven" →
// 683027, "nineteen point two five" → 19.25. A parser over the words, as a state machine:
//
//   word:   unit | teen | tens | hundred | scale | ordinal | "and" | "point" | "oh"
//   a number phrase grows while the word can follow the one before in a cardinal ("twenty" → "seven",
//   "hundred" → "and" → "forty"); a word that cannot ("nineteen" → "sixty", "six" → "eight") starts
//   the next phrase; an ordinal ends one. Then adjacent phrases are joined as they are read:
//   single digits into one digit string, two pairs into a year ("nineteen" "sixty seven"; a year's
//   first pair is 13–20: "ten twenty seven sixty two", a date, stays three numbers).
//
// A lone "one", "first" or "second" stays a word ("one of those capable creatures", "wait a
// second"), as do "oh" outside digits and a scale with no count ("a million people").

import { DIGIT_WORDS as UNITS } from './number-words.js';

const TEENS = ['ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const SCALES: Record<string, number> = { thousand: 1e3, million: 1e6, billion: 1e9 };
const ORDINALS: Record<string, number> = {
  first: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9, tenth: 10,
  eleventh: 11, twelfth: 12, thirteenth: 13, fourteenth: 14, fifteenth: 15, sixteenth: 16, seventeenth: 17, eighteenth: 18,
  nineteenth: 19, twentieth: 20, thirtieth: 30, fortieth: 40, fiftieth: 50, sixtieth: 60, seventieth: 70, eightieth: 80,
  ninetieth: 90, hundredth: 100, thousandth: 1000, millionth: 1e6,
};

/** Number words that alone are far more often something else. */
const LONE_WORDS = new Set(['one', 'first', 'second']);

type Kind = 'unit' | 'teen' | 'tens' | 'hundred' | 'scale';

/** A number phrase found in the words: [start, end) and how it reads. */
interface Phrase {
  start: number;
  end: number;
  value: number;
  /** The kind of its last word, which decides what may follow. */
  last: Kind | 'ordinal';
  /** Its words were one unit ("six") or a pair under a hundred ("sixty seven"), nothing scaled. */
  shape: 'digit' | 'pair' | 'other';
}

export interface NumeralSpan {
  start: number;
  end: number;
  text: string;
  /** Digits said one by one (a phone or account number), which smart_format groups. */
  digitByDigit: boolean;
}

function kindOf(word: string): { kind: Kind; value: number } | undefined {
  if (UNITS.includes(word)) return { kind: 'unit', value: UNITS.indexOf(word) };
  if (TEENS.includes(word)) return { kind: 'teen', value: 10 + TEENS.indexOf(word) };
  if (TENS.indexOf(word) >= 2) return { kind: 'tens', value: 10 * TENS.indexOf(word) };
  if (word === 'hundred') return { kind: 'hundred', value: 100 };
  if (word in SCALES) return { kind: 'scale', value: SCALES[word] };
  return undefined;
}

/** Can `next` continue a phrase whose last word was `last` and whose part under a thousand is `small`? */
function follows(last: Kind, small: number, next: Kind, nextValue: number, total: number): boolean {
  switch (next) {
    case 'unit': return last === 'tens' || last === 'hundred' || last === 'scale';
    case 'teen': case 'tens': return last === 'hundred' || last === 'scale';
    case 'hundred': return (last === 'unit' || last === 'teen' || last === 'tens') && small < 100;
    case 'scale': return last !== 'scale' && (total === 0 || total > nextValue * 1000 || total % (nextValue * 1000) === 0) && small > 0;
  }
}

/** The number phrases of `words`, each as long as the grammar allows and no punctuation parts it. */
function phrases(words: string[], punctuatedAfter: boolean[]): Phrase[] {
  const found: Phrase[] = [];
  let i = 0;
  while (i < words.length) {
    if (!kindOf(words[i]) && !(words[i] in ORDINALS)) {
      i++;
      continue;
    }
    const start = i;
    let total = 0;
    let small = 0;
    let last: Phrase['last'] = 'unit';
    let count = 0;
    let scaled = false;
    for (; i < words.length; i++) {
      const word = words[i];
      const ordinal = ORDINALS[word];
      const k = kindOf(word) ?? (ordinal !== undefined ? { ...ordinalKind(ordinal), ordinal: true } : undefined);
      if (count > 0 && punctuatedAfter[i - 1]) break;
      if (word === 'and' && count > 0 && (last === 'hundred' || last === 'scale') && i + 1 < words.length && kindOf(words[i + 1])) continue;
      if (!k || (count > 0 && (last === 'ordinal' || !follows(last as Kind, small, k.kind, k.value, total)))) break;
      if (k.kind === 'hundred') small = (small || 1) * 100;
      else if (k.kind === 'scale') {
        total += (small || 1) * k.value;
        small = 0;
      } else small += k.value;
      if (k.kind === 'hundred' || k.kind === 'scale') scaled = true;
      last = 'ordinal' in k ? 'ordinal' : k.kind;
      count++;
    }
    const value = total + small;
    const shape = !scaled && value < 10 && count === 1 ? 'digit' : !scaled && value < 100 ? 'pair' : 'other';
    found.push({ start, end: i, value, last, shape });
  }
  return found;
}

/** The kind an ordinal's value has as a cardinal word ("seventh" like "seven"), for what it may follow. */
function ordinalKind(value: number): { kind: Kind; value: number } {
  if (value < 10) return { kind: 'unit', value };
  if (value < 20) return { kind: 'teen', value };
  if (value < 100) return { kind: 'tens', value };
  return value === 100 ? { kind: 'hundred', value } : { kind: 'scale', value };
}

function ordinalSuffix(n: number): string {
  if (n % 100 >= 11 && n % 100 <= 13) return 'th';
  return ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th';
}

const written = (p: Phrase) => String(p.value) + (p.last === 'ordinal' ? ordinalSuffix(p.value) : '');

/**
 * The spans of `words` (lower-case, no punctuation) that `numerals` writes as digits, and their text.
 * `punctuatedAfter[i]`: the model put punctuation after word i, which ends a cardinal ("forty, two"
 * are two numbers); digits said one by one are joined across it ("seven, one, six").
 */
export function numeralSpans(words: string[], punctuatedAfter: boolean[]): NumeralSpan[] {
  const all = phrases(words, punctuatedAfter);
  const spans: NumeralSpan[] = [];
  for (let i = 0; i < all.length; i++) {
    const p = all[i];
    // Digits said one by one (an "oh" among them is a zero): one digit string.
    if (p.shape === 'digit') {
      let [end, digits, j] = [p.end, String(p.value), i];
      for (;;) {
        const next = all[j + 1];
        if (next?.start === end && next.shape === 'digit') [digits, end, j] = [digits + next.value, next.end, j + 1];
        else if (words[end] === 'oh' || words[end] === 'o') [digits, end] = [digits + '0', end + 1];
        else break;
      }
      if (digits.length > 1) {
        spans.push({ start: p.start, end, text: digits, digitByDigit: true });
        i = j;
        continue;
      }
    }
    // A year said in pairs: "nineteen sixty seven", "nineteen oh five", "twenty twenty four". The
    // model's commas are no guide ("nineteen, sixty seven"); the first pair is: 11 and 12 open times
    // and dates far more often than years ("eleven thirty", "twelve twenty nine fifty nine").
    const next = all[i + 1];
    if (p.shape === 'pair' && p.value >= 13 && p.value <= 20 && p.last !== 'ordinal') {
      if (next && next.start === p.end && next.shape === 'pair' && next.value >= 10) {
        spans.push({ start: p.start, end: next.end, text: `${p.value}${written(next)}`, digitByDigit: false });
        i++;
        continue;
      }
      if (words[p.end] === 'oh' && next && next.start === p.end + 1 && next.shape === 'digit') {
        spans.push({ start: p.start, end: next.end, text: `${p.value}0${next.value}`, digitByDigit: false });
        i++;
        continue;
      }
    }
    // "nineteen point two five"
    if (words[p.end] === 'point' && p.last !== 'ordinal' && !punctuatedAfter[p.end - 1]) {
      let k = p.end + 1;
      let fraction = '';
      while (k < words.length && UNITS.includes(words[k])) fraction += String(UNITS.indexOf(words[k++]));
      if (fraction) {
        spans.push({ start: p.start, end: k, text: `${p.value}.${fraction}`, digitByDigit: false });
        while (i + 1 < all.length && all[i + 1].start < k) i++;
        continue;
      }
    }
    // "one of those", "the first time", "a second", "a million people": not a count said as a number.
    if ((p.end - p.start === 1 && LONE_WORDS.has(words[p.start])) || kindOf(words[p.start])?.kind === 'hundred' || kindOf(words[p.start])?.kind === 'scale') continue;
    spans.push({ start: p.start, end: p.end, text: written(p), digitByDigit: false });
  }
  return spans;
}
