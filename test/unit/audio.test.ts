import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AudioFormatError, AudioInput } from '../../src/audio/audio-input.js';
import { Resampler } from '../../src/audio/resampler.js';
import { PcmReader } from '../../src/audio/sample-format.js';
import { WavHeaderReader } from '../../src/audio/wav-header.js';

const tone = (hz: number, rate: number, seconds: number) =>
  Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * i) / rate));

const rms = (x: Float32Array) => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);

/** Magnitude of one frequency in `x` (a single DFT bin). */
function magnitudeAt(x: Float32Array, hz: number, rate: number): number {
  let re = 0;
  let im = 0;
  for (let i = 0; i < x.length; i++) {
    re += x[i] * Math.cos((2 * Math.PI * hz * i) / rate);
    im -= x[i] * Math.sin((2 * Math.PI * hz * i) / rate);
  }
  return (2 * Math.hypot(re, im)) / x.length;
}

async function resampleInChunks(input: Float32Array, from: number, to: number, chunk: number): Promise<Float32Array> {
  const r = await Resampler.create(from, to);
  const parts: Float32Array[] = [];
  for (let i = 0; i < input.length; i += chunk) parts.push(r.process(input.subarray(i, i + chunk)));
  parts.push(r.flush());
  r.destroy();
  return Float32Array.from(parts.flatMap((p) => Array.from(p)));
}

test('resampling is band-limited: a 10 kHz tone vanishes at 16 kHz instead of aliasing to 6 kHz', async () => {
  const out = await resampleInChunks(tone(10_000, 48_000, 1), 48_000, 16_000, 960);
  assert.equal(out.length, 16_000, 'exact output length after flush');
  assert.ok(rms(out) < 0.01, `residual rms ${rms(out)}`);
  assert.ok(magnitudeAt(out, 6_000, 16_000) < 0.005, 'no alias at 6 kHz');
});

test('resampling keeps in-band tones: 1 kHz at 8 kHz → 16 kHz, chunked like a live stream', async () => {
  const out = await resampleInChunks(tone(1_000, 8_000, 1), 8_000, 16_000, 160);
  assert.equal(out.length, 16_000);
  const middle = out.subarray(2_000, 14_000);
  assert.ok(Math.abs(magnitudeAt(middle, 1_000, 16_000) - 0.5) < 0.02);
});

test('PCM split across frames at odd byte boundaries decodes as if whole', () => {
  const samples = Int16Array.from([0, 1000, -1000, 32767, -32768, 12345, -1]);
  const bytes = Buffer.from(samples.buffer);
  const reader = new PcmReader({ sampleFormat: 's16le', sampleRate: 16000, channels: 1 });
  const pieces = [bytes.subarray(0, 3), bytes.subarray(3, 4), bytes.subarray(4, 11), bytes.subarray(11)];
  const decoded = pieces.flatMap((p) => Array.from(reader.read(p)[0]));
  assert.deepEqual(decoded, Array.from(samples, (s) => s / 32768));
});

test('interleaved stereo is split into planes', () => {
  const reader = new PcmReader({ sampleFormat: 's16le', sampleRate: 8000, channels: 2 });
  const planes = reader.read(Buffer.from(Int16Array.from([1, 2, 3, 4, 5, 6]).buffer));
  assert.deepEqual(Array.from(planes[0], (v) => v * 32768), [1, 3, 5]);
  assert.deepEqual(Array.from(planes[1], (v) => v * 32768), [2, 4, 6]);
});

function wavHeader(fields: { tag: number; channels: number; rate: number; bits: number; extraChunk?: boolean }): Buffer {
  const fmt = Buffer.alloc(24);
  fmt.write('fmt ', 0, 'latin1');
  fmt.writeUInt32LE(16, 4);
  fmt.writeUInt16LE(fields.tag, 8);
  fmt.writeUInt16LE(fields.channels, 10);
  fmt.writeUInt32LE(fields.rate, 12);
  fmt.writeUInt32LE((fields.rate * fields.channels * fields.bits) / 8, 16);
  fmt.writeUInt16LE((fields.channels * fields.bits) / 8, 20);
  fmt.writeUInt16LE(fields.bits, 22);
  const list = fields.extraChunk ? Buffer.concat([Buffer.from('LIST', 'latin1'), Buffer.from([5, 0, 0, 0]), Buffer.from('abcde\0', 'latin1')]) : Buffer.alloc(0);
  const data = Buffer.concat([Buffer.from('data', 'latin1'), Buffer.from([0xff, 0xff, 0xff, 0xff])]);
  return Buffer.concat([Buffer.from('RIFF\xff\xff\xff\xffWAVE', 'latin1'), fmt, list, data]);
}

test('WAV header arriving one byte at a time, with an odd-sized extra chunk, then data', () => {
  const header = wavHeader({ tag: 3, channels: 2, rate: 44100, bits: 32, extraChunk: true });
  const reader = new WavHeaderReader();
  const payload = Buffer.from([1, 2, 3]);
  const stream = Buffer.concat([header, payload]);
  let parsed;
  for (let i = 0; i < stream.length; i++) {
    parsed = reader.push(stream.subarray(i, i + 1));
    if (parsed.done) {
      assert.deepEqual(parsed.format, { sampleFormat: 'f32le', sampleRate: 44100, channels: 2 });
      assert.deepEqual([...parsed.data, ...stream.subarray(i + 1)], [1, 2, 3]);
      return;
    }
  }
  assert.fail('header never completed');
});

test('WAV with an unsupported codec is refused by name', () => {
  assert.throws(() => new WavHeaderReader().push(wavHeader({ tag: 0x55, channels: 1, rate: 16000, bits: 16 })), /format tag 85/);
});

test('AudioInput: raw mu-law silence (0xFF bytes) is audio, not an MP3 frame sync', async () => {
  const input = new AudioInput({ encoding: 'mulaw', sampleRate: 8000, channels: 1, multichannel: false, targetRate: 16000, maxChannels: 8 });
  const planes = await input.push(Buffer.alloc(800, 0xff));
  const tail = await input.flush();
  assert.equal(planes[0].length + tail[0].length, 1600);
  assert.equal(input.durationSeconds, 0.1);
});

test('AudioInput: no encoding and no header is DATA, and says how to fix it', async () => {
  const input = new AudioInput({ channels: 1, multichannel: false, targetRate: 16000, maxChannels: 8 });
  await assert.rejects(input.push(Buffer.from('{"type":"KeepAlive"}')), (err: Error) => err instanceof AudioFormatError && /encoding= and sample_rate=/.test(err.message));
});

test('AudioInput: a WAV with more channels than supported is refused', async () => {
  const input = new AudioInput({ channels: 1, multichannel: false, targetRate: 16000, maxChannels: 8 });
  await assert.rejects(input.push(wavHeader({ tag: 1, channels: 12, rate: 16000, bits: 16 })), /12 channels; at most 8/);
});
