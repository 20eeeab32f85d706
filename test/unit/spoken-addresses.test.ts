import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spellAddresses, writeAddresses } from '../../src/formatting/spoken-addresses.js';
import type { TimedWord } from '../../src/engines/recognizer.js';

const words = (text: string): TimedWord[] => text.split(' ').map((t, i) => ({ text: t, start: i, end: i + 1, confidence: 0.9 - i / 100 }));
const write = (text: string) => writeAddresses(words(text)).map((w) => w.text).join(' ');

test('emails and web addresses said aloud are written as such', () => {
  assert.equal(write('write to john dot smith at example dot com today.'), 'write to john.smith@example.com today.');
  assert.equal(write('Visit earshot dot dev for more'), 'Visit earshot.dev for more');
  assert.equal(write('go to www dot example dot org'), 'go to www.example.org');
  assert.equal(write('my email is jane at mail dot co dot uk.'), 'my email is jane@mail.co.uk.', 'the longest address');
});

test('"at" and "dot" elsewhere stay words; an address keeps its words\' span', () => {
  assert.equal(write('look at the dot com boom'), 'look at the dot com boom');
  assert.equal(write('meet me at noon'), 'meet me at noon');
  const out = writeAddresses(words('mail jane at example dot com'));
  assert.deepEqual(out.map((w) => [w.text, w.start, w.end]), [['mail', 0, 1], ['jane@example.com', 1, 6]]);
});

test('an address the model wrote is taken in the words it is said in, and smart_format writes it back', () => {
  const spelled = spellAddresses(words('Mail jane.doe@mail.co.uk or see www.example.org, e.g. today.'));
  assert.equal(spelled.map((w) => w.text).join(' '), 'Mail jane dot doe at mail dot co dot uk or see www dot example dot org, e.g. today.');
  assert.equal(writeAddresses(spelled).map((w) => w.text).join(' '), 'Mail jane.doe@mail.co.uk or see www.example.org, e.g. today.');
  assert.deepEqual(spellAddresses(words('at earshot.dev')).slice(1).map((w) => [w.start, w.end]), [[1, 1 + 1 / 3], [1 + 1 / 3, 1 + 2 / 3], [1 + 2 / 3, 2]]);
});
