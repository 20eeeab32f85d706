// The live path's fast finals, on a scripted VAD and engine: the audio itself is the script. A
// sample value v ≠ 0 is speech of the word "w<1000·v>" (the VAD hears speech in any frame that is
// not silent, the engine hears one word per run of equal samples), so every word said can be
// followed through windows, eager decodes and drafts exactly.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DecodePriority, Engine, Transcription, VadStream } from '../../src/engines/engine.js';
import type { WindowResult } from '../../src/engines/recognizer.js';
import { ChannelTranscriber } from '../../src/streaming/channel-transcriber.js';

const RATE = 16000;
const FRAME = 512;

interface Call {
  seconds: number;
  /** Audio pushed when the decode was asked for. */
  pushedSeconds: number;
  priority: DecodePriority;
  draft: readonly number[];
  tokens: number[];
}

function scriptedVad(): VadStream {
  let held = new Float32Array(0);
  return {
    async process(samples) {
      const all = new Float32Array(held.length + samples.length);
      all.set(held);
      all.set(samples, held.length);
      const frames = Math.floor(all.length / FRAME);
      held = all.slice(frames * FRAME);
      return Float32Array.from({ length: frames }, (_, f) => (all.subarray(f * FRAME, (f + 1) * FRAME).some((x) => x !== 0) ? 0.9 : 0.05));
    },
  };
}

function scriptedEngine(calls: Call[], pushedSeconds: () => number, failing?: (tokens: number[]) => boolean): Engine {
  return {
    info: { uuid: 'scripted', name: 'scripted', version: '0', arch: 'scripted' },
    sampleRate: RATE,
    maxSegmentSeconds: 20,
    load: async () => {},
    close: async () => {},
    stats: () => ({ workers: 1, busy: 0, queued: 0, costPerAudioSecond: 0, finalWaitSeconds: 0, interimWaitSeconds: 0 }),
    async transcribe(audio, { priority, draft = [] }) {
      const words: Transcription['words'] = [];
      for (let i = 0; i < audio.length; i++) {
        if (audio[i] === 0 || (i > 0 && audio[i - 1] === audio[i])) continue;
        let end = i;
        while (end < audio.length && audio[end] === audio[i]) end++;
        words.push({ text: `w${Math.round(audio[i] * 1000)}`, start: i / RATE, end: end / RATE, confidence: 1 });
      }
      const tokens = words.map((w) => Number(w.text.slice(1)));
      calls.push({ seconds: audio.length / RATE, pushedSeconds: pushedSeconds(), priority, draft, tokens });
      await Promise.resolve();
      if (priority === 'final' && failing?.(tokens)) throw new Error('scripted engine failure');
      return { confidence: 1, words, tokens };
    },
  };
}

/** Audio from [word number (0: silence), seconds] pieces. */
function script(pieces: Array<[number, number]>): Float32Array {
  const lengths = pieces.map(([, seconds]) => Math.round(seconds * RATE));
  const out = new Float32Array(lengths.reduce((a, b) => a + b, 0));
  let at = 0;
  for (const [i, [word]] of pieces.entries()) {
    out.fill(word / 1000, at, at + lengths[i]);
    at += lengths[i];
  }
  return out;
}

async function stream(audio: Float32Array, { interimResults = false, endpointingSeconds = 0.3, failing = undefined as ((tokens: number[]) => boolean) | undefined } = {}) {
  const calls: Call[] = [];
  const results: WindowResult[] = [];
  let pushed = 0;
  const transcriber = new ChannelTranscriber({
    engine: scriptedEngine(calls, () => pushed / RATE, failing),
    streamId: 's',
    vad: scriptedVad(),
    vadFrameSamples: FRAME,
    interimResults,
    endSilenceSeconds: endpointingSeconds,
    speechFinalOnEndpoint: true,
    onResult: (r) => results.push(r),
    onSpeechStarted: () => {},
    onUtteranceEnd: () => {},
    onError: (e) => assert.fail(e),
    live: true,
  });
  // 20 ms frames, each given time to reach the engine, as a live client's would.
  for (let at = 0; at < audio.length; at += 320) {
    pushed = Math.min(audio.length, at + 320);
    await transcriber.push(audio.slice(at, at + 320));
    await new Promise((r) => setImmediate(r));
  }
  await transcriber.flush(false);
  return { calls, results, finals: results.filter((r) => r.isFinal) };
}

const said = (finals: WindowResult[]) => finals.flatMap((r) => r.words.map((w) => w.text));

test('an eager final is dropped when speech resumes within the endpointing: every word once, in the one final', async () => {
  // A 256 ms pause: past the 200 ms post-roll (the eager decode starts), short of the 300 ms endpoint.
  const { calls, finals } = await stream(script([[0, 0.5], [101, 0.6], [0, 0.256], [102, 0.6], [0, 1]]));
  const eager = calls.filter((c) => c.priority === 'final' && c.tokens.join() === '101');
  assert.equal(eager.length, 1, 'the first word was decoded eagerly when the pause began');
  const spoken = finals.filter((f) => f.words.length > 0);
  assert.equal(spoken.length, 1);
  assert.deepEqual(said(spoken), ['w101', 'w102'], 'nothing of the dropped decode went out, nothing was lost');
  assert.equal(spoken[0].speechFinal, true);
});

test('an eager final that fails and is then dropped harms nothing: the stream goes on, its real final says every word', async () => {
  let failures = 0;
  const { finals } = await stream(script([[0, 0.5], [101, 0.6], [0, 0.256], [102, 0.6], [0, 1]]), {
    failing: (tokens) => tokens.join() === '101' && (failures++, true),
  });
  assert.equal(failures, 1, 'the eager decode failed');
  assert.deepEqual(said(finals), ['w101', 'w102']);
});

test('an eager final that the endpoint confirms is the final: no second decode', async () => {
  // Pauses of 2 s: each utterance is decoded alone (no left context).
  const { calls, finals } = await stream(script([[0, 0.5], [101, 0.6], [0, 2], [102, 0.6], [0, 2]]));
  const finalDecodes = calls.filter((c) => c.priority === 'final' && c.tokens.length > 0);
  assert.deepEqual(finalDecodes.map((c) => c.tokens), [[101], [102]], 'one decode per utterance');
  // Speech ends at 1.1 s; silence counts from 1.088 s (the frame before the VAD's drop), so the
  // endpoint is at 1.388 s and the post-roll is in at 1.288 s: the decode began before the endpoint.
  assert.ok(finalDecodes[0].pushedSeconds < 1.36, `decoded with ${finalDecodes[0].pushedSeconds} s of audio in, before the endpoint`);
  assert.deepEqual(finals.filter((f) => f.words.length).map((f) => [said([f]), f.speechFinal]), [[['w101'], true], [['w102'], true]]);
});

test('long speech: finals at its pauses tile the stream and carry every word exactly once, in order', async () => {
  // 12 s of speech: 0.85 s words with 150 ms pauses (a pause, not an endpoint), then silence.
  const words = Array.from({ length: 12 }, (_, i) => 201 + i);
  const { finals } = await stream(script([[0, 0.4], ...words.flatMap((w): Array<[number, number]> => [[w, 0.85], [0, 0.15]]), [0, 1]]));
  for (let i = 1; i < finals.length; i++) assert.equal(finals[i].start, finals[i - 1].end, 'windows tile');
  assert.equal(finals[0].start, 0);
  assert.deepEqual(said(finals), words.map((w) => `w${w}`));
  const windows = finals.filter((f) => f.words.length > 0);
  assert.ok(windows.length >= 3, `cut into windows (${windows.length})`);
  assert.deepEqual(windows.map((f) => f.speechFinal), [...Array(windows.length - 1).fill(false), true], 'only the last is speech_final');
  for (const f of windows) assert.ok(f.end - f.start <= 6, `no window much longer than 4 s (${(f.end - f.start).toFixed(2)} s)`);
});

test("each decode gets the last decode's tokens from the same sample as its draft: the final verifies the last interim", async () => {
  const { calls } = await stream(script([[0, 0.5], [101, 0.7], [0, 0.15], [102, 0.7], [0, 1]]), { interimResults: true });
  const interims = calls.filter((c) => c.priority === 'interim');
  assert.ok(interims.length >= 2);
  assert.deepEqual(interims[0].draft, [], 'the first decode of a segment has no draft');
  assert.deepEqual(interims[1].draft, interims[0].tokens);
  const final = calls.find((c) => c.priority === 'final' && c.tokens.join() === '101,102')!;
  assert.deepEqual(final.draft, interims.at(-1)!.tokens);
});
