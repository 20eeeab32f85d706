import assert from 'node:assert/strict';
import { test } from 'node:test';
import { continued, mendSeams, openEnded } from '../../src/formatting/seams.js';
import type { TimedWord } from '../../src/engines/recognizer.js';
import type { ResultWord } from '../../src/protocol/transcript-format.js';

/** One final's words, one a second from `start`. */
const final = (text: string, start: number): ResultWord[] =>
  text.split(' ').map((t, i) => ({ word: t.toLowerCase().replace(/[^a-z']/g, ''), punctuated_word: t, start: start + i, end: start + i + 0.9, confidence: 0.9 }));
const text = (words: ResultWord[]) => words.map((w) => w.punctuated_word).join(' ');

test('a clause that goes on across a seam reads as one sentence', () => {
  // The dev set's continuous LibriSpeech recording, cut at a breath (gaps as estimated there: 0.5 s).
  assert.equal(text(mendSeams([final('through those woods.', 0), final('With dark secrets.', 3.4)])), 'through those woods with dark secrets.');
  assert.equal(text(mendSeams([final('everything that passed.', 0), final('From brooks and children up.', 3.4)])), 'everything that passed from brooks and children up.');
});

test('a seam that may well end a sentence is left alone', () => {
  assert.equal(text(mendSeams([final('She was a notable housewife.', 0), final('Her work was done.', 5.4)])), 'She was a notable housewife. Her work was done.', 'no continuing word');
  assert.equal(text(mendSeams([final('He left.', 0), final('And then it rained.', 2.4)])), 'He left. And then it rained.', '"And" starts sentences');
  assert.equal(text(mendSeams([final('He left.', 0), final('With that, it rained.', 3)])), 'He left. With that, it rained.', 'a pause of a second');
  assert.equal(text(mendSeams([final('Is it?', 0), final('From here?', 2.4)])), 'Is it? From here?', 'a question ends');
});

const timed = (text: string): TimedWord[] => text.split(' ').map((t, i) => ({ text: t, start: i, end: i + 1, confidence: 0.9 }));
const live = (words: TimedWord[]) => words.map((w) => w.text).join(' ');

test('live, a final cut inside an utterance ends open and the next goes on with a common word', () => {
  assert.equal(live(openEnded(timed('through those woods.'))), 'through those woods');
  assert.equal(live(openEnded(timed('is it ready?'))), 'is it ready?', 'a question stays');
  assert.equal(live(openEnded(timed('made in the U.S.A.'))), 'made in the U.S.A.', 'an abbreviation keeps its dot');
  assert.equal(live(openEnded(timed('and so on, etc.'))), 'and so on, etc.');
  assert.equal(live(continued(timed('With dark secrets.'))), 'with dark secrets.');
  assert.equal(live(continued(timed('Rachel knew.'))), 'Rachel knew.', 'a name stays');
  assert.equal(live(continued(timed('I knew.'))), 'I knew.');
});
