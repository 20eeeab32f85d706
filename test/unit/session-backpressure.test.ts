// Issue 16, defect 3: while the server is not reading a stream (back-pressure), no inactivity timer
// runs, even for frames `ws` had buffered before the pause. The VAD here is gated by the test, so
// the pause lasts exactly as long as the test says; the clock is fake.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import type { Engine, VoiceActivityDetector } from '../../src/engines/engine.js';
import { parseListenOptions } from '../../src/protocol/listen-options.js';
import { Session } from '../../src/protocol/session.js';
import { SegmentedRecognizer } from '../../src/streaming/segmented-recognizer.js';
import { FakeClock } from '../helpers/fake-clock.js';

/** A VAD whose answers wait until `open()`; it hears no speech, so the engine is never asked. */
function gatedVad(): VoiceActivityDetector & { open(): void } {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  return {
    frameSamples: 512,
    sampleRate: 16000,
    load: async () => {},
    close: async () => {},
    open: () => release(),
    createStream: () => {
      let held = 0;
      return {
        async process(samples) {
          await gate;
          const frames = Math.floor((held + samples.length) / 512);
          held = (held + samples.length) % 512;
          return new Float32Array(frames);
        },
      };
    },
  };
}

const engine: Engine = {
  info: { uuid: 'fake', name: 'fake', version: '0', arch: 'fake' },
  sampleRate: 16000,
  maxSegmentSeconds: 20,
  load: async () => {},
  close: async () => {},
  transcribe: async () => ({ confidence: 0, words: [], tokens: [] }),
  stats: () => ({ workers: 1, busy: 0, queued: 0, costPerAudioSecond: 0, finalWaitSeconds: 0, interimWaitSeconds: 0 }),
};

const settle = () => new Promise((r) => setTimeout(r, 50));

test('frames delivered after a pause do not start an idle timer; resuming does', async () => {
  const clock = new FakeClock();
  const vad = gatedVad();
  const paused: boolean[] = [];
  const closes: Array<{ code: number; reason: string }> = [];
  const closed = () => closes[0];
  const session = new Session({
    requestId: '00000000-0000-4000-8000-000000000000',
    options: parseListenOptions(new URLSearchParams('encoding=linear16&sample_rate=16000')),
    recognizer: new SegmentedRecognizer(engine, vad),
    log: pino({ level: 'silent' }),
    policy: { inactivityTimeoutMs: 10_000, keepAliveBeforeAudio: false, unendpointedGapMs: 800, live: true, maxBacklogSeconds: 60, maxQueuedBytes: 16_000, maxDurationMs: 0, maxUnreadBytes: Infinity },
    transport: { send: () => {}, close: (code, reason) => closes.push({ code, reason }), pause: () => paused.push(true), resume: () => paused.push(false) },
    clock,
  });
  const frame = Buffer.alloc(3200);
  for (let i = 0; i < 10; i++) session.onBinary(frame);
  assert.deepEqual(paused, [true], 'the VAD holds the frames: reading stops');
  // What ws had read before the pause still arrives, then nothing for longer than the timeout.
  for (let i = 0; i < 5; i++) session.onBinary(frame);
  clock.advance(30_000);
  assert.equal(closed(), undefined, 'not closed as idle while the server was the one not reading');
  vad.open();
  await settle();
  assert.deepEqual(paused, [true, false], 'read again once the VAD caught up');
  clock.advance(9_999);
  assert.equal(closed(), undefined);
  clock.advance(1);
  await settle();
  assert.equal(closed()?.code, 1011, 'once reading again, a silent client is idle after the timeout');
  assert.match(closed()!.reason, /net0001/);
});
