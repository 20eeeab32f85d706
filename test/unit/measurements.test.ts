import assert from 'node:assert/strict';
import { test } from 'node:test';
import { abbreviateUnits } from '../../src/formatting/measurements.js';
import { formatNumbers } from '../../src/formatting/number-format.js';
import type { TimedWord } from '../../src/engines/recognizer.js';

const words = (text: string): TimedWord[] => text.split(' ').map((t, i) => ({ text: t, start: i, end: i + 1, confidence: 0.9 }));
const units = (text: string, numerals = false) => abbreviateUnits(formatNumbers(words(text), { numerals, smartFormat: false })).map((w) => w.text).join(' ');

test('a unit said after a number is abbreviated, spelled-out or written numbers alike', () => {
  assert.equal(units('take fifty milligrams twice'), 'take fifty mg twice');
  assert.equal(units('take fifty milligrams twice', true), 'take 50 mg twice');
  assert.equal(units('it ran at sixty miles per hour for two kilometres.', true), 'it ran at 60 mph for 2 km.');
  assert.equal(units('about 6 feet tall', true), 'about 6 ft tall');
});

test('a unit word with no number before it stays a word', () => {
  assert.equal(units('a foot of snow fell by the meter'), 'a foot of snow fell by the meter');
});
