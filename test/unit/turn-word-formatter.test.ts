// The TurnWordFormatter (src/protocol/flux/flux-messages.ts): a turn's words formatted window by
// window, each window once, and again only when Configure changes the text options.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TimedWord } from '../../src/engines/recognizer.js';
import type { TextOptions } from '../../src/formatting/format-words.js';
import { TurnWordFormatter } from '../../src/protocol/flux/flux-messages.js';

const words = (text: string, start: number): TimedWord[] => text.split(' ').map((w, i) => ({ text: w, start: start + i * 0.3, end: start + (i + 1) * 0.3, confidence: 0.9 }));
const text = (numerals: boolean): TextOptions => ({ punctuate: true, numerals, smartFormat: false, replacements: [], measurements: false, dictation: false, profanityFilter: false, redact: [], search: [] });

test('each window is formatted on the first event that carries it; setText formats them all again', () => {
  const formatter = new TurnWordFormatter(text(true));
  const first = words('I need twenty five', 0);
  const second = words('tables for two.', 1.2);
  const before = formatter.words([first]);
  assert.deepEqual(before.map((w) => w.word), ['I', 'need', '25']);
  const after = formatter.words([first, second]);
  assert.equal(after[0], before[0], 'the first window is not formatted again');
  assert.deepEqual(after.map((w) => w.word), ['I', 'need', '25', 'tables', 'for', '2.']);
  formatter.setText(text(false));
  assert.deepEqual(formatter.words([first, second]).map((w) => w.word), ['I', 'need', 'twenty', 'five', 'tables', 'for', 'two.']);
});
