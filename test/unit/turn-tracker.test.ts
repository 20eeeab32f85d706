// The TurnTracker as a pure state machine (src/turns/turn-tracker.ts), and the end-of-turn
// confidence it uses (end-of-turn.ts): exact events for scripted windows on the audio clock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TimedWord, WindowResult } from '../../src/engines/recognizer.js';
import { endOfTurnConfidence, turnEnding } from '../../src/turns/end-of-turn.js';
import { TurnTracker, type TurnEvent, type TurnThresholds } from '../../src/turns/turn-tracker.js';

const words = (text: string, start: number, end: number): TimedWord[] => {
  const list = text.split(' ');
  const step = (end - start) / list.length;
  return list.map((w, i) => ({ text: w, start: start + i * step, end: start + (i + 1) * step, confidence: 0.9 }));
};
const final = (text: string, start: number, end: number, windowEnd = end + 0.1): WindowResult => ({ start, end: windowEnd, isFinal: true, speechFinal: true, fromFinalize: false, confidence: 0.9, words: words(text, start, end) });
const interim = (text: string, start: number, end: number): WindowResult => ({ ...final(text, start, end, end), isFinal: false, speechFinal: false });

const said = (e: TurnEvent) => e.segments.flat().map((w) => w.text).join(' ');

function tracker(thresholds: Partial<TurnThresholds> = {}) {
  const seen: TurnEvent[] = [];
  const t = new TurnTracker({ eotThreshold: 0.7, eotTimeoutMs: 5000, ...thresholds }, (e) => seen.push(e));
  const log = () => seen.map((e) => `${e.turnIndex} ${e.event}${e.trigger ? `:${e.trigger}` : ''}`);
  return { t, seen, log };
}

test('how a turn ends sets the pace: a sentence soon, a fragment or a number later, an open phrase last', () => {
  assert.equal(turnEnding(words('I would like a table.', 0, 1)), 'finished');
  assert.equal(turnEnding(words('Is that right?', 0, 1)), 'finished');
  assert.equal(turnEnding(words('Lived.', 0, 1)), 'unfinished', 'a one-word "sentence" is a cut at a pause');
  assert.equal(turnEnding(words('My number is six five five.', 0, 1)), 'unfinished');
  assert.equal(turnEnding(words('I would like a table', 0, 1)), 'unfinished');
  assert.equal(turnEnding(words('I want to go to.', 0, 1)), 'open');
  assert.equal(turnEnding(words('a table for two, um', 0, 1)), 'open');
  assert.equal(turnEnding(words('a table for two,', 0, 1)), 'unfinished', 'the model ends a finished sentence with a comma by chance');
  assert.equal(turnEnding([]), 'open');
  // The silence each needs at the default 0.7, and the 0.5 an eager end often uses.
  const needed = (ending: 'finished' | 'unfinished' | 'open', threshold: number) => {
    let s = 0;
    while (endOfTurnConfidence(s, ending) < threshold) s += 0.01;
    return Math.round(s * 100) / 100;
  };
  assert.deepEqual([needed('finished', 0.7), needed('unfinished', 0.7), needed('open', 0.7)], [0.5, 0.65, 1.2]);
  assert.deepEqual([needed('finished', 0.5), needed('finished', 0.8), needed('finished', 0.9)], [0.15, 0.94, 2.04]);
  assert.equal(endOfTurnConfidence(0, 'finished'), 0);
});

test('a turn: StartOfTurn on its first words, Updates, EndOfTurn once the silence after the final is long enough', () => {
  const { t, seen, log } = tracker();
  t.speechStarted(0.2);
  t.heard(0.5);
  t.result(interim('I would', 0.2, 0.5));
  t.result(interim('I would like a', 0.2, 0.9));
  t.heard(1.3);
  t.result(final('I would like a table.', 0.2, 1.2));
  t.heard(1.6);
  // An Update for the new words, and one for each 0.25 s of audio heard since the last event.
  assert.deepEqual(log(), ['0 StartOfTurn', '0 Update', '0 Update', '0 Update', '0 Update'], 'not yet: 0.4 s of silence');
  t.heard(1.71);
  assert.deepEqual(log().slice(5), ['0 EndOfTurn:model']);
  const end = seen.at(-1)!;
  assert.deepEqual([end.windowStart, end.windowEnd, said(end)], [0.2, 1.3, 'I would like a table.']);
  assert.ok(end.confidence >= 0.7 && end.confidence < 0.71);
});

test('speech the VAD hears before the final is out keeps the turn open, however long the final takes', () => {
  const { t, log } = tracker();
  t.speechStarted(0);
  t.result(interim('I would', 0, 0.5));
  t.heard(1.0);
  t.speechStarted(1.5);
  t.heard(2.0);
  // The first phrase's final arrives after the second phrase began: its silence is not silence.
  t.result(final('I would like a table.', 0, 1.0, 1.4));
  t.heard(2.5);
  assert.deepEqual(log(), ['0 StartOfTurn', '0 Update', '0 Update', '0 Update', '0 Update'], 'Updates only: the audio clock and the final, no end');
  t.result(final('For two.', 1.5, 2.4, 2.5));
  t.heard(3.2);
  assert.deepEqual(log().slice(5), ['0 Update', '0 EndOfTurn:model']);
});

test('eager: EagerEndOfTurn, TurnResumed when speech starts again, EagerEndOfTurn and EndOfTurn with the same words', () => {
  const { t, seen, log } = tracker({ eagerEotThreshold: 0.5 });
  t.speechStarted(0);
  t.result(final('I would like a table.', 0, 1.0));
  t.heard(1.2);
  assert.deepEqual(log(), ['0 StartOfTurn', '0 EagerEndOfTurn']);
  t.speechStarted(1.3);
  t.result(final('For two.', 1.3, 1.8));
  t.heard(2.6);
  assert.deepEqual(log(), ['0 StartOfTurn', '0 EagerEndOfTurn', '0 TurnResumed', '0 Update', '0 EagerEndOfTurn', '0 EndOfTurn:model']);
  assert.equal(said(seen.at(-2)!), said(seen.at(-1)!));
  t.speechStarted(3);
  t.result(final('Thanks.', 3, 3.3));
  assert.equal(seen.at(-1)!.event, 'StartOfTurn');
  assert.equal(seen.at(-1)!.turnIndex, 1, 'turn_index increments after EndOfTurn');
});

test('the timeout ends an open phrase; end() ends a turn for ForceEndTurn or the close, and nothing when none is open', () => {
  const { t, log } = tracker({ eotTimeoutMs: 800 });
  t.speechStarted(0);
  t.result(final('I want to', 0, 1.0));
  t.heard(1.7);
  assert.deepEqual(log(), ['0 StartOfTurn', '0 Update']);
  t.heard(1.8);
  assert.deepEqual(log(), ['0 StartOfTurn', '0 Update', '0 EndOfTurn:timeout']);
  t.end('close_stream');
  assert.equal(log().length, 3, 'no turn is open');
  t.speechStarted(2);
  t.result(interim('Hello', 2, 2.3));
  t.end('manual');
  assert.deepEqual(log().slice(3), ['1 StartOfTurn', '1 EndOfTurn:manual']);
});

test('a final that heard nothing opens no turn; raised thresholds judge the silence already heard', () => {
  const { t, log } = tracker();
  t.speechStarted(0);
  t.result({ ...final('x', 0, 0.5), words: [] });
  t.heard(3);
  assert.deepEqual(log(), []);
  t.speechStarted(3);
  t.setThresholds({ eotThreshold: 0.9, eotTimeoutMs: 5000 });
  t.result(final('I would like a table.', 3, 4));
  t.heard(5);
  assert.deepEqual(log(), ['0 StartOfTurn', '0 Update']);
  t.setThresholds({ eotThreshold: 0.7, eotTimeoutMs: 5000 });
  assert.deepEqual(log(), ['0 StartOfTurn', '0 Update', '0 EndOfTurn:model']);
});

test('eot_threshold 1 leaves the ends to ForceEndTurn and the timeout, however long the silence', () => {
  const { t, log } = tracker({ eotThreshold: 1, eotTimeoutMs: 60_000 });
  t.speechStarted(0);
  t.result(final('I would like a table.', 0, 1));
  t.heard(59.9);
  assert.deepEqual(log(), ['0 StartOfTurn', '0 Update']);
  t.heard(61);
  assert.deepEqual(log(), ['0 StartOfTurn', '0 Update', '0 EndOfTurn:timeout']);
});

test("a final's words are the same array on every event after it, so each is formatted once however long the turn", () => {
  const { t, seen } = tracker();
  t.speechStarted(0);
  t.result(final('I would like', 0, 0.5));
  t.speechStarted(0.6);
  t.result(interim('a table', 0.6, 0.9));
  t.result(final('a table for two.', 0.6, 1.4));
  const first = seen[0].segments[0];
  assert.deepEqual(seen.map((e) => e.segments.length), [1, 2, 2]);
  assert.ok(seen.every((e) => e.segments[0] === first));
  assert.deepEqual(seen.map(said), ['I would like', 'I would like a table', 'I would like a table for two.']);
});

test('an open turn is reported every 0.25 s of audio, words or not; between turns nothing is', () => {
  const { t, seen, log } = tracker({ eotThreshold: 0.9 });
  t.speechStarted(0);
  t.result(final('I would like a table.', 0, 1));
  // 1 s of silence in 20 ms pushes: four Updates, the same words, a rising confidence.
  for (let at = 1.02; at < 2.001; at += 0.02) t.heard(at);
  assert.deepEqual(log(), ['0 StartOfTurn', '0 Update', '0 Update', '0 Update', '0 Update']);
  const updates = seen.slice(1);
  assert.ok(updates.every((e) => said(e) === 'I would like a table.'));
  assert.ok(updates.every((e, i) => i === 0 || e.confidence > updates[i - 1].confidence));
  t.end('manual');
  for (let at = 2.02; at < 3.001; at += 0.02) t.heard(at);
  assert.deepEqual(log().slice(5), ['0 EndOfTurn:manual']);
});
