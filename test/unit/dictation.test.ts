import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyDictation } from '../../src/formatting/dictation.js';
import type { TimedWord } from '../../src/engines/recognizer.js';

const words = (text: string): TimedWord[] => text.split(' ').map((t, i) => ({ text: t, start: i, end: i + 1, confidence: 0.9 }));
const dictate = (text: string) => applyDictation(words(text)).map((w) => w.text).join(' ');

test('spoken commands become marks in place of the model\'s own, and a sentence end capitalizes', () => {
  assert.equal(dictate('Dear John, comma, I will be late. Period. see you soon full stop'), 'Dear John, I will be late. See you soon.');
  assert.equal(dictate('Is it ready question mark yes exclamation point'), 'Is it ready? Yes!');
  assert.equal(dictate('three items colon eggs semicolon milk'), 'three items: eggs; milk');
});

test('after a determiner, or with no word before, the word stays a word', () => {
  assert.equal(dictate('It rained for a period of time.'), 'It rained for a period of time.');
  assert.equal(dictate('Put the comma here.'), 'Put the comma here.');
  assert.equal(dictate('Period.'), 'Period.');
});

test('the word before the mark spans the command\'s time', () => {
  const out = applyDictation(words('late full stop now'));
  assert.deepEqual(out.map((w) => [w.text, w.start, w.end]), [['late.', 0, 3], ['Now', 3, 4]]);
});
