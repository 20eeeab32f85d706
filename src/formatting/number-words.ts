// Written numbers → the words they are read as: Deepgram's default transcript spells numbers out,
// while the model writes whatever its training text did ("655-8740", "1967", "7th", "42-line", but
// "fourteen sixty two"). Cardinals come from number-to-words; how each written form is read aloud
// (phone numbers digit by digit, years in pairs, times, money) is ours, checked on the dev set,
// whose references spell out what was said.
import numberToWords from 'number-to-words';

/** The words of the digits, 0–9 by index. */
export const DIGIT_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
/** Runs of digit groups this long are read digit by digit: phone numbers, card and account numbers. */
export const DIGIT_RUN = 7;

/** "750" → seven hundred and fifty: the model spells numbers with "and" itself ("one hundred and forty"). */
function cardinalWords(n: number): string[] {
  const words = numberToWords.toWords(n).replace(/,/g, '').split(/[\s-]+/);
  const out: string[] = [];
  words.forEach((w, i) => {
    out.push(w);
    if (w === 'hundred' && i + 1 < words.length && !SCALES.has(words[i + 1])) out.push('and');
  });
  return out;
}
const SCALES = new Set(['thousand', 'million', 'billion', 'trillion']);

function ordinalWords(n: number): string[] {
  const cardinal = cardinalWords(n);
  const last = numberToWords.toWordsOrdinal(n).split(/[\s-]+/).at(-1)!;
  return [...cardinal.slice(0, -1), last];
}

function digitWords(digits: string): string[] {
  return [...digits].map((d) => DIGIT_WORDS[Number(d)]);
}

/** "1967" → nineteen sixty seven, "1905" → nineteen oh five, "1800" → eighteen hundred; other numbers as cardinals. */
function yearWords(n: number): string[] {
  const [high, low] = [Math.floor(n / 100), n % 100];
  if (n < 1100 || (n >= 2000 && n < 2010) || (low === 0 && high % 10 === 0)) return cardinalWords(n);
  if (low === 0) return [...cardinalWords(high), 'hundred'];
  return [...cardinalWords(high), ...(low < 10 ? ['oh', DIGIT_WORDS[low]] : cardinalWords(low))];
}

function plainNumberWords(digits: string): string[] {
  if (digits.length > 1 && digits.startsWith('0')) return digitWords(digits);
  if (digits.length >= 5 && !digits.includes(',')) return digitWords(digits);
  const n = Number(digits.replace(/,/g, ''));
  return digits.length === 4 ? yearWords(n) : cardinalWords(n);
}

/** Digits a written form holds when it is a bare group or a phone-number pattern: what a digit run is made of. */
export function digitGroup(core: string): string | undefined {
  return /^(\(?\d+\)?)([-.]\d+)*$/.test(core) ? core.replace(/\D/g, '') : undefined;
}

/**
 * The words `core` (a word without its surrounding punctuation) is read as, or undefined when it
 * writes no number. `inDigitRun`: it is part of a run of digit groups read digit by digit.
 */
export function spokenForm(core: string, inDigitRun: boolean): string[] | undefined {
  let m: RegExpMatchArray | null;
  if (inDigitRun && digitGroup(core) !== undefined) return digitWords(digitGroup(core)!);
  if ((m = core.match(/^\$(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d\d))?$/))) {
    const dollars = Number(m[1].replace(/,/g, ''));
    const cents = m[2] === undefined ? 0 : Number(m[2]);
    const words = [...cardinalWords(dollars), dollars === 1 ? 'dollar' : 'dollars'];
    return cents === 0 ? words : [...words, 'and', ...cardinalWords(cents), cents === 1 ? 'cent' : 'cents'];
  }
  if ((m = core.match(/^(\d+(?:\.\d+)?)%$/))) return [...decimalWords(m[1]), 'percent'];
  if ((m = core.match(/^(\d{1,2}):(\d\d)$/))) {
    const minutes = Number(m[2]);
    const after = minutes === 0 ? ["o'clock"] : minutes < 10 ? ['oh', DIGIT_WORDS[minutes]] : cardinalWords(minutes);
    return [...cardinalWords(Number(m[1])), ...after];
  }
  if ((m = core.match(/^(\d+)(st|nd|rd|th)$/i))) return ordinalWords(Number(m[1]));
  if (/^\d{1,3}(,\d{3})+$/.test(core) || /^\d+$/.test(core)) return plainNumberWords(core);
  if ((m = core.match(/^\d+\.\d+$/))) return decimalWords(core);
  // Digit groups joined by dashes or dots ("683-6027", "412-268", "(412)"): a number read digit by digit.
  if (digitGroup(core) !== undefined && /\D/.test(core)) return digitWords(digitGroup(core)!);
  if ((m = core.match(/^(\d+)-(\p{L}+)$/u))) return [...plainNumberWords(m[1]), m[2]];
  return undefined;
}

function decimalWords(text: string): string[] {
  const [whole, fraction] = text.split('.');
  return fraction === undefined ? plainNumberWords(whole) : [...cardinalWords(Number(whole)), 'point', ...digitWords(fraction)];
}
