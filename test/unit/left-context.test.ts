import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dropWords, firstNewWord } from '../../src/streaming/left-context.js';

/** Words one after another, 0.3 s each from `start`. */
const text = (t: { words: Array<{ text: string }> }) => t.words.map((w) => w.text).join(' ');
const timed = (text: string, start = 0) => text.split(' ').map((t, i) => ({ text: t, start: start + 0.3 * i, end: start + 0.3 * (i + 1), confidence: 0.9 }));

test('the words the context repeats are found by their text', () => {
  const decoded = timed('And so my fellow Americans, ask not');
  assert.equal(firstNewWord(decoded, ['And', 'so', 'my', 'fellow', 'Americans,'], 1.5), 5);
});

test('compounds written differently and small spelling changes still match', () => {
  // The earlier final said "fellow-American"; the context decode splits it in two.
  const decoded = timed('And so my fellow Americans ask not');
  assert.equal(firstNewWord(decoded, ['And', 'so', 'my', 'fellow-american.'], 1.5), 5);
});

test('a context word the earlier decode missed is kept (recovered), not dropped', () => {
  // The earlier final heard nothing for a lone "ask"; with context the engine hears it.
  const decoded = timed('Americans ask not');
  assert.equal(firstNewWord(decoded, ['Americans,'], 0.6), 1);
  assert.equal(firstNewWord(timed('ask not'), [], 0.3), 0);
});

test('a context the decode left out entirely drops nothing', () => {
  assert.equal(firstNewWord(timed('Nobody was hurt.'), ['From', 'the', 'bakery.'], 0.9), 0);
});

test('when the text is ambiguous the timing decides', () => {
  // "we go" was said; "we can go" matches it as well after "we" as after "go" (one word off either way).
  const decoded = timed('we can go now');
  assert.equal(firstNewWord(decoded, ['we', 'go'], 0.95), 3);
  assert.equal(firstNewWord(decoded, ['we', 'go'], 0.35), 1);
});

test('dropWords keeps the rest, recomputes confidence, and starts a new sentence with a capital', () => {
  const t = { confidence: 0.5, words: timed('inside by evening').map((w, i) => ({ ...w, confidence: [0.2, 0.8, 0.8][i] })) };
  const after = dropWords(t, 1, 'inside.');
  assert.equal(text(after), 'By evening');
  assert.ok(Math.abs(after.confidence - 0.8) < 1e-9);
  assert.equal(text(dropWords(t, 1, 'inside')), 'by evening');
  assert.equal(dropWords(t, 0, 'inside.'), t);
  assert.deepEqual(dropWords(t, 3), { confidence: 0, words: [] });
});
