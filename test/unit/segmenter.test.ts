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
  windowSamples: 1000 * F,
  pauseSamples: 3 * F,
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

test('long speech is cut in the middle of its first pause past the window; short pauses and short segments are not', () => {
  const segmenter = new Segmenter({ ...config, windowSamples: 30 * F, pauseSamples: 4 * F });
  // Speech from frame 0; a 2-frame dip at 20 (too short, lag included), a 4-frame pause at 25 (segment too young),
  // a 2-frame dip at 35 (too short), a 5-frame pause at 40 (silence from 39: one frame of lag).
  const probs = Array.from({ length: 70 }, (_, i) => ((i >= 20 && i < 22) || (i >= 25 && i < 29) || (i >= 35 && i < 37) || (i >= 40 && i < 45) ? 0.1 : 0.9));
  const { events } = run(probs, segmenter);
  // Silence 39..45 (speech resumes at 45): the cut is at frame 42, the pause's middle.
  assert.deepEqual(segments(events), [{ windowStart: 0, audioStart: 0, audioEnd: 42 * F, windowEnd: 42 * F, reason: 'pause' }]);
  assert.equal(segmenter.speaking, true, 'still in speech: no SpeechStarted again');
  assert.equal(segmenter.openSegmentStart, 42 * F);
  // The rest ends at its endpoint as usual: windows tile.
  const rest = Array.from({ length: 12 }, (_, i) => segmenter.push(70 + i, 0.05)).flat();
  assert.deepEqual(segments(rest), [{ windowStart: 42 * F, audioStart: 42 * F, audioEnd: 71 * F, windowEnd: 79 * F, reason: 'endpoint' }]);
});

test('a pause that becomes an endpoint ends the utterance as an endpoint, not as a window', () => {
  const segmenter = new Segmenter({ ...config, windowSamples: 10 * F });
  const { events } = run([...Array(40).fill(0.9), ...Array(12).fill(0.05)], segmenter);
  assert.deepEqual(segments(events).map((s) => s.reason), ['endpoint']);
});

test('during a silence, pendingEndpoint is exactly the audio the endpoint then cuts; speech resuming voids it', () => {
  const segmenter = new Segmenter(config);
  run([...Array(5).fill(0.1), ...Array(20).fill(0.9)], segmenter);
  assert.equal(segmenter.pendingEndpoint, undefined, 'no silence yet');
  // Silence starts at frame 25, counted from 24 (lag); two frames in: the segment would end at 24 + post-roll.
  const probs = [0.1, 0.1];
  probs.forEach((p, i) => segmenter.push(25 + i, p));
  assert.deepEqual(segmenter.pendingEndpoint, { audioStart: 2 * F, audioEnd: 26 * F });
  segmenter.push(27, 0.9);
  assert.equal(segmenter.pendingEndpoint, undefined, 'speech resumed');
  let cut: Segment | undefined;
  for (let i = 28; !cut && i < 60; i++) {
    const pending: { audioStart: number; audioEnd: number } | undefined = i === 28 ? undefined : segmenter.pendingEndpoint;
    const event = segmenter.push(i, 0.1).find((e) => e.type === 'segment');
    if (event?.type === 'segment') {
      cut = event.segment;
      assert.deepEqual(pending, { audioStart: cut.audioStart, audioEnd: cut.audioEnd });
    }
  }
  assert.ok(cut, 'the endpoint came');
});
