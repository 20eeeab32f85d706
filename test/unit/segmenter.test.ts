import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Segmenter, type Segment, type SegmenterEvent } from '../../src/streaming/segmenter.js';

const F = 512;
const config = {
  frameSamples: F,
  onsetThreshold: 0.5,
  offsetThreshold: 0.35,
  offsetLagSamples: F,
  endSilenceSamples: 10 * F,
  prerollSamples: 3 * F,
  postrollSamples: 2 * F,
  maxSegmentSamples: 100 * F,
  cutSearchSamples: 40 * F,
};

function run(probabilities: number[], segmenter = new Segmenter(config)): { events: SegmenterEvent[]; segmenter: Segmenter } {
  const events = probabilities.flatMap((p, i) => segmenter.push(i, p));
  return { events, segmenter };
}

const segments = (events: SegmenterEvent[]): Segment[] => events.flatMap((e) => (e.type === 'segment' ? [e.segment] : []));

test('speech then enough silence: one endpoint segment with pre-roll and post-roll', () => {
  const probs = [...Array(20).fill(0.1), ...Array(30).fill(0.9), ...Array(12).fill(0.05)];
  const { events } = run(probs);
  assert.deepEqual(events[0], { type: 'speech-start', at: 17 * F, onset: 20 * F });
  // Silence counts from frame 49 (one frame of VAD lag before the first silent frame, 50).
  assert.deepEqual(segments(events), [{ windowStart: 0, audioStart: 17 * F, audioEnd: 51 * F, windowEnd: 59 * F, reason: 'endpoint' }]);
});

test('a pause shorter than the endpoint does not cut; hysteresis keeps 0.4 inside speech', () => {
  // 8 silent frames plus one of lag: 9 < 10.
  const probs = [...Array(10).fill(0.9), ...Array(8).fill(0.1), ...Array(10).fill(0.4), ...Array(10).fill(0.9)];
  const { events, segmenter } = run(probs);
  assert.equal(segments(events).length, 0);
  assert.equal(segmenter.speaking, true);
});

test('continuous speech is cut at the cap, at its quietest frame, and windows still tile', () => {
  const probs = Array.from({ length: 250 }, (_, i) => (i === 80 || i === 170 ? 0.4 : 0.95));
  const { events, segmenter } = run(probs);
  const cuts = segments(events);
  assert.deepEqual(cuts.map((s) => [s.windowStart / F, s.windowEnd / F, s.reason]), [[0, 80, 'max-length'], [80, 170, 'max-length']]);
  const last = segmenter.flush(250 * F)!;
  assert.deepEqual([last.windowStart / F, last.audioStart / F, last.windowEnd / F, last.reason], [170, 170, 250, 'flush']);
  for (const s of [...cuts, last]) assert.ok(s.audioEnd - s.audioStart <= config.maxSegmentSamples);
});

test('flush in silence closes the window with no audio; flush with nothing new returns nothing', () => {
  const segmenter = new Segmenter(config);
  run(Array(10).fill(0.1), segmenter);
  assert.deepEqual(segmenter.flush(10 * F), { windowStart: 0, audioStart: 10 * F, audioEnd: 10 * F, windowEnd: 10 * F, reason: 'flush' });
  assert.equal(segmenter.flush(10 * F), undefined);
});

test('pre-roll never reaches back into the previous final window', () => {
  const probs = [...Array(10).fill(0.9), ...Array(10).fill(0.1), 0.1, 0.9, ...Array(11).fill(0.1)];
  const { events } = run(probs);
  const [first, second] = segments(events);
  assert.equal(first.windowEnd, 19 * F);
  assert.equal(second.audioStart, 19 * F, 'onset at frame 21 minus 3 frames of pre-roll is clamped to the window start');
  assert.equal(second.windowStart, 19 * F);
});
