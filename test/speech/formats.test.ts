// Issue 3: every audio format Deepgram clients send, decoded while it streams. One festival passage
// is encoded into each format at test time and streamed in the chunk sizes real senders use; each
// must give the words of the 16 kHz linear16 original, within 2 points of its WER.
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { connect, listenUrl, transcriptOf, type Connection } from '../helpers/client.js';
import { cached, ffmpeg, joinWithSilence, oggPackets, PASSAGE, speechWav, wavData } from '../helpers/fixtures.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { wer } from '../helpers/wer.js';

const SENTENCES = PASSAGE.slice(0, 5);
const TEXT = SENTENCES.join(' ');
const WER_MARGIN = 0.02;

let server: TestServer;
let original: string;
let baseline: number;

async function run(query: Record<string, string | number | boolean>, frames: Buffer[]): Promise<Connection> {
  const c = await connect(listenUrl(server.url, query));
  for (const [i, frame] of frames.entries()) {
    c.ws.send(frame);
    if (i % 20 === 0) await new Promise((r) => setImmediate(r));
  }
  c.send({ type: 'CloseStream' });
  const closed = await c.closed;
  assert.equal(closed.code, 1000, `closed ${closed.code} ${closed.reason}`);
  return c;
}

const chunks = (bytes: Buffer, size: number) => Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
/** 1–4 KiB pieces, deterministic, as file uploaders send. */
const fileChunks = (bytes: Buffer) => {
  const out: Buffer[] = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = 1024 + ((i * 1531) % 3072);
    out.push(bytes.subarray(at, at + size));
    at += size;
  }
  return out;
};
/** Byte pieces that each hold about 250 ms, as MediaRecorder's timeslice chunks do. */
const timeChunks = (file: string, seconds: number) => {
  const bytes = readFileSync(file);
  return chunks(bytes, Math.ceil((bytes.length / seconds) * 0.25));
};

before(async () => {
  server = await startServer();
  original = joinWithSilence(SENTENCES.map((s) => speechWav(s)), 0.7);
  const c = await run({ encoding: 'linear16', sample_rate: 16000 }, chunks(wavData(original), 640));
  baseline = wer(TEXT, transcriptOf(c.messages));
  assert.ok(baseline <= 0.1, `baseline WER ${baseline}: ${transcriptOf(c.messages)}`);
});
after(() => server.stop());

const seconds = () => wavData(original).length / 32000;
const encoded = (name: string, options: string[]) => ffmpeg(original, cached(name, original, ...options), options);

describe('containers sent with no encoding, detected from their bytes', () => {
  const cases: Array<[string, () => Buffer[]]> = [
    ['WebM/Opus in 250 ms chunks (MediaRecorder style)', () => timeChunks(encoded('a.webm', ['-c:a', 'libopus', '-b:a', '32k']), seconds())],
    ['Ogg/Opus in 1-4 KiB chunks', () => fileChunks(readFileSync(encoded('a.opus.ogg', ['-c:a', 'libopus', '-b:a', '32k'])))],
    ['Ogg/Vorbis in 1-4 KiB chunks', () => fileChunks(readFileSync(encoded('a.vorbis.ogg', ['-c:a', 'libvorbis', '-q:a', '3'])))],
    ['MP3 in 1-4 KiB chunks', () => fileChunks(readFileSync(encoded('a.mp3', ['-c:a', 'libmp3lame', '-b:a', '64k'])))],
    ['FLAC in 1-4 KiB chunks', () => fileChunks(readFileSync(encoded('a.flac', ['-c:a', 'flac'])))],
    ['MP4/M4A (AAC, faststart) in 1-4 KiB chunks', () => fileChunks(readFileSync(encoded('a.m4a', ['-c:a', 'aac', '-b:a', '64k', '-movflags', '+faststart'])))],
    ['WAV at 44.1 kHz stereo float in 1-4 KiB chunks', () => fileChunks(readFileSync(encoded('a44.wav', ['-ar', '44100', '-ac', '2', '-c:a', 'pcm_f32le'])))],
  ];
  for (const [name, frames] of cases) {
    test(name, async () => {
      const c = await run({}, frames());
      const got = transcriptOf(c.messages);
      assert.ok(wer(TEXT, got) <= baseline + WER_MARGIN, `WER ${wer(TEXT, got).toFixed(3)} vs ${baseline.toFixed(3)}: ${got}`);
      const meta = c.messages.at(-1);
      assert.equal(meta.type, 'Metadata');
      assert.ok(Math.abs(meta.duration - seconds()) < 0.1, `duration ${meta.duration} vs ${seconds()}`);
    });
  }
});

test('WebM/Opus bytes really produced by Chromium\'s MediaRecorder, sent as its 250 ms chunks', async () => {
  const fixture = new URL('../fixtures/mediarecorder-chromium', import.meta.url).pathname;
  const meta = JSON.parse(readFileSync(`${fixture}.json`, 'utf8')) as { text: string; chunkBytes: number[] };
  const bytes = readFileSync(`${fixture}.webm`);
  const frames: Buffer[] = [];
  let at = 0;
  for (const size of meta.chunkBytes) {
    frames.push(bytes.subarray(at, at + size));
    at += size;
  }
  const reference = await run({ encoding: 'linear16', sample_rate: 16000 }, chunks(wavData(speechWav(meta.text)), 640));
  const recorded = await run({}, frames);
  const got = transcriptOf(recorded.messages);
  assert.ok(wer(meta.text, got) <= wer(meta.text, transcriptOf(reference.messages)) + WER_MARGIN, `"${got}" vs linear16 "${transcriptOf(reference.messages)}"`);
  assert.ok(wer(meta.text, got) <= 0.15, got);
});

describe('compressed raw encodings', () => {
  test('encoding=opus: one raw Opus packet per frame, 48 kHz', async () => {
    const packets = oggPackets(readFileSync(encoded('p.opus.ogg', ['-c:a', 'libopus', '-b:a', '32k', '-frame_duration', '20']))).slice(2);
    const c = await run({ encoding: 'opus', sample_rate: 48000 }, packets);
    const got = transcriptOf(c.messages);
    assert.ok(wer(TEXT, got) <= baseline + WER_MARGIN, got);
  });

  test('encoding=ogg-opus and encoding=flac with their sample rates', async () => {
    for (const [query, file] of [
      [{ encoding: 'ogg-opus', sample_rate: 48000 }, encoded('r.opus.ogg', ['-c:a', 'libopus', '-b:a', '32k'])],
      [{ encoding: 'flac', sample_rate: 16000 }, encoded('r.flac', ['-c:a', 'flac'])],
    ] as const) {
      const c = await run(query, fileChunks(readFileSync(file)));
      assert.ok(wer(TEXT, transcriptOf(c.messages)) <= baseline + WER_MARGIN, transcriptOf(c.messages));
    }
  });

  test('channels beyond what the audio has is an error, not silence', async () => {
    const c = await connect(listenUrl(server.url, { encoding: 'ogg-opus', sample_rate: 48000, channels: 2 }));
    for (const frame of fileChunks(readFileSync(encoded('r.opus.ogg', ['-c:a', 'libopus', '-b:a', '32k'])))) c.ws.send(frame);
    c.send({ type: 'CloseStream' });
    const closed = await c.closed;
    assert.equal(closed.code, 1008);
    assert.match(closed.reason, /channels=2 was declared but the audio has 1/);
  });
});

describe('raw PCM encodings at the rates voice-agent frameworks and telephony send, in 20 ms frames', () => {
  const cases: Array<[Record<string, string | number>, string[]]> = [
    [{ encoding: 'linear16', sample_rate: 24000 }, ['-ar', '24000', '-f', 's16le']],
    [{ encoding: 'linear16', sample_rate: 48000 }, ['-ar', '48000', '-f', 's16le']],
    [{ encoding: 'linear32', sample_rate: 48000 }, ['-ar', '48000', '-f', 'f32le']],
  ];
  for (const [query, options] of cases) {
    test(`${query.encoding} at ${query.sample_rate} Hz`, async () => {
      const bytes = readFileSync(encoded(`raw-${query.encoding}-${query.sample_rate}.raw`, options));
      const perFrame = (Number(query.sample_rate) / 50) * (query.encoding === 'linear32' ? 4 : 2);
      const got = transcriptOf((await run(query, chunks(bytes, perFrame))).messages);
      assert.ok(wer(TEXT, got) <= baseline + WER_MARGIN, `WER ${wer(TEXT, got).toFixed(3)} vs ${baseline.toFixed(3)}: ${got}`);
    });
  }

  // The telephone band itself costs words (see streaming.test.ts); what the G.711 codecs may not add
  // is more loss than the same 8 kHz audio sent as linear16.
  test('mulaw and alaw at 8 kHz lose no more than 8 kHz linear16', async () => {
    const narrow = readFileSync(encoded('raw-linear16-8000.raw', ['-ar', '8000', '-f', 's16le']));
    const reference = wer(TEXT, transcriptOf((await run({ encoding: 'linear16', sample_rate: 8000 }, chunks(narrow, 320))).messages));
    for (const codec of ['mulaw', 'alaw']) {
      const bytes = readFileSync(encoded(`raw-${codec}-8000.raw`, ['-ar', '8000', '-f', codec]));
      const got = transcriptOf((await run({ encoding: codec, sample_rate: 8000 }, chunks(bytes, 160))).messages);
      assert.ok(wer(TEXT, got) <= reference + WER_MARGIN, `${codec}: WER ${wer(TEXT, got).toFixed(3)} vs 8 kHz linear16 ${reference.toFixed(3)}: ${got}`);
    }
  });
});

describe('sample rates and channel counts', () => {
  test('8 channels at 48 kHz: mixed to one transcript, or eight with multichannel=true', async () => {
    const text = 'Every channel carries the same short sentence.';
    const eight = ffmpeg(speechWav(text), cached('eight.wav', text), ['-ar', '48000', '-af', 'pan=7.1|c0=c0|c1=c0|c2=c0|c3=c0|c4=c0|c5=c0|c6=c0|c7=c0', '-c:a', 'pcm_s16le']);
    assert.ok(statSync(eight).size > 0);
    const mixed = await run({}, fileChunks(readFileSync(eight)));
    assert.ok(wer(text, transcriptOf(mixed.messages)) <= 0.2, transcriptOf(mixed.messages));
    assert.equal(mixed.messages.at(-1).channels, 8);
    const split = await run({ multichannel: true }, fileChunks(readFileSync(eight)));
    for (let ch = 0; ch < 8; ch++) {
      const mine = split.messages.filter((m) => m.type === 'Results' && m.channel_index[0] === ch);
      assert.ok(mine.every((m) => m.channel_index[1] === 8));
      assert.ok(wer(text, transcriptOf(mine)) <= 0.2, `channel ${ch}: ${transcriptOf(mine)}`);
    }
  });
});
