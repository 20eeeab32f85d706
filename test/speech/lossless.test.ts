// Acceptance: streaming loses nothing. A file streamed in 20 ms frames over a real socket gives the
// same words as decoding its VAD segments offline with the same engine — each word once, in order —
// and its WER against the known text is no worse.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { WindowResult } from '../../src/engines/recognizer.js';
import { connect, finals, listenUrl } from '../helpers/client.js';
import { JFK_TEXT, jfkWav, joinWithSilence, PASSAGE, speechWav, wavData } from '../helpers/fixtures.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { wer } from '../helpers/wer.js';
import { plainWord } from '../../src/formatting/word-spans.js';
import { DEFAULT_ENDPOINTING_MS } from '../../src/protocol/listen-options.js';

const SENTENCES = PASSAGE.slice(0, 4);

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.stop());

/** Offline reference: the whole file through the same recognizer (a live stream's VAD windows) at once, with no socket. */
async function offlineSegments(pcm: Buffer): Promise<string[]> {
  const samples = Float32Array.from(new Int16Array(pcm.buffer, pcm.byteOffset, pcm.length / 2), (x) => x / 32768);
  const results: WindowResult[] = [];
  const transcriber = server.recognizer.openStream(
    { streamId: 'lossless', interimResults: false, endSilenceSeconds: DEFAULT_ENDPOINTING_MS / 1000, speechFinalOnEndpoint: true, live: true },
    { onResult: (r) => results.push(r), onSpeechStarted: () => {}, onUtteranceEnd: () => {}, onError: (e) => assert.fail(e) },
  );
  await transcriber.push(samples);
  await transcriber.flush(false);
  return results.flatMap((r) => r.words.map((w) => w.text));
}

for (const [name, file, reference] of [
  ['jfk.wav (real recording)', () => jfkWav(), JFK_TEXT],
  ['four festival sentences with pauses', () => joinWithSilence(SENTENCES.map((s) => speechWav(s)), 0.8), SENTENCES.join(' ')],
] as const) {
  test(`${name}: streamed in 20 ms frames = offline VAD segments`, async () => {
    const pcm = wavData(file());
    const c = await connect(listenUrl(server.url, { encoding: 'linear16', sample_rate: 16000, interim_results: true }));
    await c.stream(pcm, 640);
    c.send({ type: 'CloseStream' });
    assert.equal((await c.closed).code, 1000);

    const streamed = finals(c.messages).flatMap((r) => r.channel.alternatives[0].words.map((w: any) => w.word));
    const offline = (await offlineSegments(pcm)).map(plainWord).filter(Boolean);
    assert.deepEqual(streamed, offline, 'the finals hold exactly the offline words, each once, in order');
    const streamedWer = wer(reference, streamed.join(' '));
    assert.ok(streamedWer <= wer(reference, offline.join(' ')), 'no worse than offline');
    assert.ok(streamedWer <= 0.15, `WER ${streamedWer.toFixed(3)}: ${streamed.join(' ')}`);
  });
}
