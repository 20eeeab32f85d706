// Numbers as Deepgram writes them, on the forms Moonshine really emits (taken from dev-set
// transcripts: "655-8740", "412 268 4142", "January 7th, 1967.", "1800", "42-line") and on Deepgram's
// documented examples ("nine hundred" → 900, "nine hundredth" → 900th).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatNumbers, spellNumbers } from '../../src/formatting/number-format.js';
import type { TimedWord } from '../../src/engines/recognizer.js';

const DEFAULT = { numerals: false, smartFormat: false };
const NUMERALS = { numerals: true, smartFormat: false };
const SMART = { numerals: true, smartFormat: true };

/** One word a second, so a split or merge shows in the times. */
const words = (text: string): TimedWord[] => text.split(' ').map((t, i) => ({ text: t, start: i, end: i + 1, confidence: 0.9 - i / 100 }));
/** As a stream does it: the decode's numbers spelled out, then formatted as asked. */
const format = (text: string, options = DEFAULT) => formatNumbers(spellNumbers(words(text)), options).map((w) => w.text).join(' ');

test('by default the model\'s digits are spelled out as they are said', () => {
  assert.equal(format('655-8740'), 'Six five five eight seven four zero');
  assert.equal(format('call 412 268 4142'), 'call four one two two six eight four one four two');
  assert.equal(format('January 7th, 1967.'), 'January seventh, nineteen sixty seven.');
  assert.equal(format('1800 he calculated'), 'Eighteen hundred he calculated');
  assert.equal(format('in 1905 and 2005 and 2024'), 'in nineteen oh five and two thousand five and twenty twenty four');
  assert.equal(format('they only lifted 750'), 'they only lifted seven hundred and fifty');
  assert.equal(format('the 42-line Bible'), 'the forty two line Bible');
  assert.equal(format('about 1,000 copies'), 'about one thousand copies');
  assert.equal(format('zip 15136'), 'zip one five one three six');
  assert.equal(format('$42.50, 50% at 3:45 or 3:05'), 'Forty two dollars and fifty cents, fifty percent at three forty five or three oh five');
  assert.equal(format('19.25 is 17 no 18'), 'Nineteen point two five is seventeen no eighteen');
  assert.equal(format('37. 10. 12. 15.'), 'Thirty seven. Ten. Twelve. Fifteen.', 'numbers said one after another are no phone number');
  // The letter O among spoken digits is the digit "oh"; elsewhere it stays.
  assert.equal(format('three three one o one'), 'three three one oh one');
  assert.equal(format('o brave new world'), 'o brave new world');
  // Words with digits inside that are not numbers stay as written.
  assert.equal(format('an mp3 of 118k'), 'an mp3 of 118k');
});

test('a split word shares its time; the punctuation around it stays at the ends', () => {
  const out = spellNumbers([{ text: '(1967),', start: 2, end: 3.2, confidence: 0.8 }]);
  assert.deepEqual(out.map((w) => w.text), ['(Nineteen', 'sixty', 'seven),']);
  assert.deepEqual(out.map((w) => [w.start, w.end].map((t) => Math.round(t * 10) / 10)), [[2, 2.4], [2.4, 2.8], [2.8, 3.2]]);
  assert.ok(out.every((w) => w.confidence === 0.8));
});

test('numerals writes spoken numbers as digits, merged words keeping the first start, last end and least confidence', () => {
  assert.equal(format('nine hundred', NUMERALS), '900');
  assert.equal(format('nine hundredth', NUMERALS), '900th');
  assert.equal(format('forty two and one hundred and forty miles', NUMERALS), '42 and 140 miles');
  assert.equal(format('nineteen sixty seven and nineteen oh five', NUMERALS), '1967 and 1905');
  assert.equal(format('twenty twenty four', NUMERALS), '2024');
  assert.equal(format('six eight three three oh seven five', NUMERALS), '6833075');
  assert.equal(format('Seven, one, six, two.', NUMERALS), '7162.');
  assert.equal(format('the twenty first of march', NUMERALS), 'the 21st of march');
  assert.equal(format('nineteen point two five', NUMERALS), '19.25');
  assert.equal(format('two million people', NUMERALS), '2000000 people');
  // A date said in pairs is not a year: "ten twenty seven sixty two" (AN4).
  assert.equal(format('Ten, twenty seven, sixty two.', NUMERALS), '10, 27, 62.');
  // Not counts: a lone "one", a scale with no count, "oh" outside digits.
  assert.equal(format('one of those and a million thanks oh well wait a second the first time', NUMERALS), 'one of those and a million thanks oh well wait a second the first time');
  assert.equal(format('the third of june and the twenty second', NUMERALS), 'the 3rd of june and the 22nd');
  // The model's own digits come back as digits: numerals output does not depend on how the model wrote them.
  assert.equal(format('January 7th, 1967.', NUMERALS), 'January 7th, 1967.');
  const merged = formatNumbers(spellNumbers(words('about forty two people')), NUMERALS);
  assert.deepEqual(merged.map((w) => [w.text, w.start, w.end, w.confidence]), [['about', 0, 1, 0.9], ['42', 1, 3, 0.88], ['people', 3, 4, 0.87]]);
});

test('smart_format adds currency, percentages, times and phone numbers', () => {
  assert.equal(format('It costs $42.50 or 50% off at 3:45 p.m.', SMART), 'It costs $42.50 or 50% off at 3:45 PM.');
  assert.equal(format('forty two dollars and five cents', SMART), '$42.05');
  assert.equal(format('six eight three six zero two seven', SMART), '683-6027');
  assert.equal(format('412 268 4142', SMART), '412-268-4142');
  // Only numbers said digit by digit are phone numbers.
  assert.equal(format('two million people', SMART), '2000000 people');
});
