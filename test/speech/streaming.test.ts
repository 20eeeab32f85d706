// Scope items 4 and 5: real speech in, Deepgram's messages out, over a real WebSocket.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { RunningEarshot } from '../../src/server/start.js';
import { connect, finals, listenUrl, transcriptOf, type Connection } from '../helpers/client.js';
import { cached, JFK_TEXT, jfkWav, sox, speechWav, wavData } from '../helpers/fixtures.js';
import { metadataSchema, resultsSchema } from '../helpers/schema.js';
import { startServer } from '../helpers/server.js';
import { wer, words } from '../helpers/wer.js';

const CHUNK_20MS = 640;
const LINEAR16 = { encoding: 'linear16', sample_rate: 16000 };

async function transcribe(c: Connection, audio: Buffer, chunk = CHUNK_20MS): Promise<void> {
  await c.stream(audio, chunk);
  c.send({ type: 'CloseStream' });
  assert.equal((await c.closed).code, 1000);
}

describe('live streaming', () => {
  let server: RunningEarshot;
  before(async () => (server = await startServer()));
  after(() => server.stop());

  test('jfk.wav as linear16 in 20 ms frames: the right words, Deepgram-shaped Results and Metadata', async () => {
    const pcm = wavData(jfkWav());
    const c = await connect(listenUrl(server.url, { ...LINEAR16, extra: 'team:qa' }));
    await transcribe(c, pcm);
    const results = c.messages.filter((m) => m.type === 'Results');
    assert.ok(results.length > 0);
    for (const r of results) {
      resultsSchema.parse(r);
      assert.deepEqual(r.channel_index, [0, 1]);
      assert.equal(r.is_final, true, 'no interims without interim_results=true');
      assert.equal(r.metadata.request_id, c.requestId);
      assert.deepEqual(r.metadata.extra, { team: 'qa' });
      const alt = r.channel.alternatives[0];
      assert.equal(alt.transcript, alt.words.map((w: any) => w.word).join(' '), 'without punctuate, transcript is the plain words');
      assert.doesNotMatch(alt.transcript, /[A-Z.,?!]/);
    }
    const text = transcriptOf(c.messages);
    assert.ok(wer(JFK_TEXT, text) <= 0.15, `WER too high: "${text}"`);

    const meta = metadataSchema.parse(c.messages.at(-1));
    assert.equal(meta.request_id, c.requestId);
    assert.equal(meta.sha256, createHash('sha256').update(pcm).digest('hex'));
    assert.ok(Math.abs(meta.duration - 11) < 0.01, `duration ${meta.duration}`);
    assert.equal(meta.channels, 1);
    assert.deepEqual(meta.extra, { team: 'qa' });
    assert.equal(meta.models[0], results[0].metadata.model_uuid);
  });

  test('final windows tile the stream: each starts where the last ended, the last ends at the audio end', async () => {
    const c = await connect(listenUrl(server.url, LINEAR16));
    await transcribe(c, wavData(jfkWav()));
    const f = finals(c.messages);
    assert.equal(f[0].start, 0);
    for (let i = 1; i < f.length; i++) assert.ok(Math.abs(f[i].start - (f[i - 1].start + f[i - 1].duration)) < 1e-5, `gap before final ${i}`);
    const last = f.at(-1);
    assert.ok(Math.abs(last.start + last.duration - 11) < 0.01);
    for (const r of f) for (const w of r.channel.alternatives[0].words) assert.ok(w.start >= r.start - 1e-6 && w.end <= r.start + r.duration + 1e-6, 'words lie inside their window');
  });

  test('punctuate=true: cased, punctuated transcript; words stay plain; punctuated_word keeps the form', async () => {
    const c = await connect(listenUrl(server.url, { ...LINEAR16, punctuate: true }));
    await transcribe(c, wavData(jfkWav()));
    const f = finals(c.messages).filter((r) => r.channel.alternatives[0].transcript);
    const joined = f.map((r) => r.channel.alternatives[0].transcript).join(' ');
    assert.match(joined, /^And so my fellow/);
    assert.match(joined, /[.,?]/);
    assert.ok(wer(JFK_TEXT, joined) <= 0.15, joined);
    const words = f.flatMap((r) => r.channel.alternatives[0].words);
    assert.ok(words.some((w: any) => /^[A-Z]/.test(w.punctuated_word)), 'some punctuated_word is capitalised');
    assert.ok(words.some((w: any) => /[.,?]$/.test(w.punctuated_word)), 'some punctuated_word carries punctuation');
    for (const w of words) assert.equal(w.word, w.punctuated_word.toLowerCase().replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''));
  });

  test('interim_results=true: interims for the open window, then finals; speech_final only on finals', async () => {
    const c = await connect(listenUrl(server.url, { ...LINEAR16, interim_results: true }));
    await c.stream(wavData(jfkWav()), CHUNK_20MS, 20);
    c.send({ type: 'CloseStream' });
    await c.closed;
    const results = c.messages.filter((m) => m.type === 'Results');
    const interims = results.filter((r) => !r.is_final);
    assert.ok(interims.length >= 3, `only ${interims.length} interims`);
    assert.ok(interims.some((r) => r.channel.alternatives[0].transcript.length > 0));
    for (const r of results) if (r.speech_final) assert.equal(r.is_final, true);
    assert.ok(results.some((r) => r.speech_final), 'pauses in the speech end utterances');
    // An interim covers the window that the next final settles: both start at the same point.
    let windowStart = 0;
    for (const r of results) {
      assert.ok(Math.abs(r.start - windowStart) < 1e-5, 'interim and final windows start where the last final ended');
      if (r.is_final) windowStart = r.start + r.duration;
    }
  });

  test('Finalize flushes at once with from_finalize=true and the stream stays open', async () => {
    const text = 'Please finalize this sentence right now.';
    const c = await connect(listenUrl(server.url, LINEAR16));
    await c.stream(wavData(speechWav(text)), CHUNK_20MS);
    c.send({ type: 'Finalize' });
    const flushed = await c.next((m) => m.type === 'Results' && m.from_finalize);
    assert.equal(flushed.is_final, true);
    assert.ok(wer(text, transcriptOf(c.messages)) <= 0.2, transcriptOf(c.messages));
    // Still open: more audio is transcribed after the Finalize.
    const more = 'And this one comes after.';
    await c.stream(wavData(speechWav(more)), CHUNK_20MS);
    c.send({ type: 'CloseStream' });
    assert.equal((await c.closed).code, 1000);
    assert.ok(wer(`${text} ${more}`, transcriptOf(c.messages)) <= 0.2, transcriptOf(c.messages));
  });

  test('CloseStream right after the last audio still transcribes all of it', async () => {
    const text = 'The last words must not be lost when the stream closes.';
    const c = await connect(listenUrl(server.url, LINEAR16));
    await transcribe(c, wavData(speechWav(text)), 4000);
    assert.ok(wer(text, transcriptOf(c.messages)) <= 0.15, transcriptOf(c.messages));
    const types = c.messages.map((m) => m.type);
    assert.equal(types.at(-1), 'Metadata', 'Metadata comes last, after every Results');
  });

  test('KeepAlive gets no reply; malformed or unknown text frames get an Error message and the stream lives on', async () => {
    const c = await connect(listenUrl(server.url, LINEAR16));
    c.send({ type: 'KeepAlive' });
    c.ws.send('this is not json');
    c.send({ type: 'Transcribe' });
    const errors = await Promise.all([
      c.next((m) => m.type === 'Error' && m.message === 'this is not json'),
      c.next((m) => m.type === 'Error' && m.message === '{"type":"Transcribe"}'),
    ]);
    for (const e of errors) {
      assert.equal(e.variant, 'SchemaError');
      assert.match(e.description, /Could not deserialize last text message/);
    }
    await transcribe(c, wavData(speechWav('Still listening.')));
    assert.equal(c.messages.filter((m) => m.type === 'Error').length, 2, 'KeepAlive produced no message');
    assert.match(transcriptOf(c.messages), /listening/);
  });

  test('an empty binary frame is the legacy CloseStream: final Results, Metadata, 1000', async () => {
    const text = 'An empty frame ends this stream.';
    const c = await connect(listenUrl(server.url, LINEAR16));
    await c.stream(wavData(speechWav(text)), CHUNK_20MS);
    c.ws.send(Buffer.alloc(0));
    assert.equal((await c.closed).code, 1000);
    assert.equal(c.messages.at(-1).type, 'Metadata');
    assert.ok(wer(text, transcriptOf(c.messages)) <= 0.2, transcriptOf(c.messages));
  });

  test('WAV sent with no encoding is detected from its header; its header may also precede linear16', async () => {
    const file = readFileSync(jfkWav());
    for (const query of [{}, LINEAR16]) {
      const c = await connect(listenUrl(server.url, query));
      await transcribe(c, file, 3000);
      assert.ok(wer(JFK_TEXT, transcriptOf(c.messages)) <= 0.15, transcriptOf(c.messages));
      const meta = c.messages.at(-1);
      assert.ok(Math.abs(meta.duration - 11) < 0.01);
    }
  });

  test('other rates and encodings go through the resampler as well as sox does: mu-law, a-law, float, linear16', async () => {
    const text = 'Telephone calls arrive as eight kilohertz audio, and every word should still be understood.';
    const source = speechWav(text, 16000);
    const variants: Array<[Record<string, string | number>, string[]]> = [
      [{ encoding: 'mulaw', sample_rate: 8000 }, ['-r', '8000', '-e', 'mu-law']],
      [{ encoding: 'alaw', sample_rate: 8000 }, ['-r', '8000', '-e', 'a-law']],
      [{ encoding: 'linear32', sample_rate: 44100 }, ['-r', '44100', '-e', 'floating-point', '-b', '32']],
      [{ encoding: 'linear16', sample_rate: 48000 }, ['-r', '48000', '-e', 'signed-integer', '-b', '16']],
    ];
    for (const [query, soxArgs] of variants) {
      const raw = readFileSync(sox(source, cached('audio.raw', source, ...soxArgs), ['-t', 'raw', ...soxArgs]));
      const ours = await connect(listenUrl(server.url, query));
      await transcribe(ours, raw, 1000);
      // The reference: the same audio brought back to 16 kHz by sox's own resampler.
      const typed = cached('typed.wav', source, ...soxArgs);
      sox(source, typed, soxArgs);
      const reference = await connect(listenUrl(server.url, LINEAR16));
      await transcribe(reference, wavData(sox(typed, cached('back16k.wav', typed), ['-r', '16000', '-e', 'signed-integer', '-b', '16'])));
      const got = transcriptOf(ours.messages);
      const expected = transcriptOf(reference.messages);
      const oneWord = 1 / words(text).length;
      assert.ok(wer(text, got) <= wer(text, expected) + oneWord + 1e-9, `${query.encoding}@${query.sample_rate}: "${got}" vs sox "${expected}"`);
      assert.ok(wer(text, got) <= 0.25, `${query.encoding}@${query.sample_rate}: "${got}"`);
      const seconds = raw.length / (query.encoding === 'linear32' ? 4 : query.encoding === 'linear16' ? 2 : 1) / Number(query.sample_rate);
      assert.ok(Math.abs(ours.messages.at(-1).duration - seconds) < 0.01, 'duration is counted on the sender clock');
    }
  });

  test('two channels: mixed to one transcript by default; multichannel=true gives one per channel', async () => {
    const left = 'The left channel talks about apples.';
    const right = 'The right channel talks about the weather.';
    // Left speech in channel 1, right speech in channel 2.
    const stereo = cached('stereo.raw', left, right);
    execFileSync('sox', ['-D', '-M', speechWav(left), speechWav(right), '-t', 'raw', '-e', 'signed-integer', '-b', '16', stereo]);
    const audio = readFileSync(stereo);

    const multi = await connect(listenUrl(server.url, { ...LINEAR16, channels: 2, multichannel: true }));
    await transcribe(multi, audio, 2560);
    const byChannel = [0, 1].map((ch) => transcriptOf(multi.messages.filter((m) => m.type !== 'Results' || m.channel_index[0] === ch)));
    for (const r of finals(multi.messages)) assert.equal(r.channel_index[1], 2);
    assert.ok(wer(left, byChannel[0]) <= 0.25, `left: ${byChannel[0]}`);
    assert.ok(wer(right, byChannel[1]) <= 0.25, `right: ${byChannel[1]}`);
    assert.equal(multi.messages.at(-1).channels, 2);

    const mixed = await connect(listenUrl(server.url, { ...LINEAR16, channels: 2 }));
    await transcribe(mixed, audio, 2560);
    for (const r of finals(mixed.messages)) assert.deepEqual(r.channel_index, [0, 1]);
    assert.equal(mixed.messages.at(-1).channels, 2);
  });
});
