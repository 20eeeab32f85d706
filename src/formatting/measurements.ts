// `measurements=true`: a unit said after a number is written as its abbreviation ("fifty milligrams"
// → "fifty mg", with numerals "50 mg"), as Deepgram's example has it ("milligram" → "mg"). Only after
// a number: "a foot of snow" and "the metre of a poem" stay words.
import type { TimedWord } from '../engines/recognizer.js';
import { numeralSpans } from './spoken-numbers.js';
import { mergeSpans, saidAt, splitWord, type WordSpan } from './word-spans.js';

/** Units said in several words. */
const PHRASES: Array<[string, string]> = [
  ['kilometers per hour', 'km/h'], ['kilometres per hour', 'km/h'], ['miles per hour', 'mph'],
  ['degrees celsius', '°C'], ['degrees fahrenheit', '°F'], ['square feet', 'sq ft'], ['square meters', 'm²'], ['square metres', 'm²'],
];
/** Units said in one word, singular; the plural adds "s". */
const WORDS: Array<[string, string]> = [
  ['milligram', 'mg'], ['gram', 'g'], ['kilogram', 'kg'], ['microgram', 'µg'],
  ['millimeter', 'mm'], ['millimetre', 'mm'], ['centimeter', 'cm'], ['centimetre', 'cm'], ['meter', 'm'], ['metre', 'm'],
  ['kilometer', 'km'], ['kilometre', 'km'], ['milliliter', 'mL'], ['millilitre', 'mL'], ['liter', 'L'], ['litre', 'L'],
  ['ounce', 'oz'], ['pound', 'lb'], ['yard', 'yd'], ['mile', 'mi'], ['gallon', 'gal'],
  ['kilobyte', 'KB'], ['megabyte', 'MB'], ['gigabyte', 'GB'], ['terabyte', 'TB'], ['hertz', 'Hz'], ['kilohertz', 'kHz'],
  ['megahertz', 'MHz'], ['gigahertz', 'GHz'], ['watt', 'W'], ['kilowatt', 'kW'], ['volt', 'V'], ['millisecond', 'ms'],
];
/** Every spoken form with its abbreviation, phrases first so the longest match wins. */
const UNITS: Array<[string[], string]> = [
  ...PHRASES.map(([said, short]): [string[], string] => [said.split(' '), short]),
  ...WORDS.flatMap(([unit, short]): Array<[string[], string]> => [[[unit], short], [[`${unit}s`], short]]),
  [['inch'], 'in'], [['inches'], 'in'], [['foot'], 'ft'], [['feet'], 'ft'],
];

const isNumber = (core: string) => /\d/.test(core);

export function abbreviateUnits(words: TimedWord[]): TimedWord[] {
  const parts = words.map((w) => splitWord(w.text));
  const cores = parts.map((p) => p.core.toLowerCase());
  const numberEnds = new Set(numeralSpans(cores, parts.map((p) => p.trail !== '')).map((s) => s.end));
  const spans: WordSpan[] = [];
  for (let i = 1; i < cores.length; i++) {
    if (!numberEnds.has(i) && !isNumber(cores[i - 1])) continue;
    const unit = UNITS.find(([said]) => saidAt(cores, i, said));
    if (!unit) continue;
    spans.push({ start: i, end: i + unit[0].length, text: unit[1] });
    i += unit[0].length - 1;
  }
  return mergeSpans(words, parts, spans);
}
