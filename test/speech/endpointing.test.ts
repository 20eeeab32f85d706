// Issue 4 items 1 and 5: speech_final follows `endpointing` exactly, whatever segments the engine
// decodes, and word times sit on the audio. Known layout: utterances of two phrases with a 0.2 s pause
// inside, 1.2 s apart; truth (onset, end) measured from the audio itself.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { connect, finals, listenUrl, transcriptOf } from '../helpers/client.js';
import { speechBounds, trimmedSpeechWav, wavData } from '../helpers/fixtures.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { wer } from '../helpers/wer.js';

const UTTERANCES = [
  ['The harbor was quiet', 'before the storm arrived from the west'],
  ['Fishermen tied their boats twice', 'and carried the nets inside'],
  ['Nobody was hurt', 'and the town cleaned the streets'],
];
const INNER_PAUSE_S = 0.2;
const GAP_S = 1.2;
const silence = (seconds: number) => Buffer.alloc(Math.round(seconds * 16000) * 2);

let server: TestServer;
let pcm: Buffer;
/** Each utterance's true start and end on the stream clock. */
let truth: Array<{ start: number; end: number }>;

before(async () => {
  server = await startServer();
  const parts: Buffer[] = [silence(0.5)];
  truth = [];
  for (const phrases of UTTERANCES) {
    const utterance = Buffer.concat(phrases.flatMap((p, i) => (i === 0 ? [wavData(trimmedSpeechWav(p))] : [silence(INNER_PAUSE_S), wavData(trimmedSpeechWav(p))])));
    const offset = Buffer.concat(parts).length / 32000;
    const bounds = speechBounds(utterance);
    truth.push({ start: offset + bounds.start, end: offset + bounds.end });
    parts.push(utterance, silence(GAP_S));
  }
  pcm = Buffer.concat(parts);
});
after(() => server.stop());

async function stream(query: Record<string, string | number | boolean>) {
  const c = await connect(listenUrl(server.url, { encoding: 'linear16', sample_rate: 16000, ...query }));
  await c.stream(pcm, 3200, 0);
  c.send({ type: 'CloseStream' });
  assert.equal((await c.closed).code, 1000);
  return c.messages;
}

const windowEnd = (r: any) => r.start + r.duration;
const reference = UTTERANCES.map((u) => u.join(' ')).join(' ');

test('endpointing=300: one speech_final per utterance, 300 ms after its end; none at the 200 ms pauses', async () => {
  const messages = await stream({ endpointing: 300 });
  const speechFinals = finals(messages).filter((r) => r.speech_final);
  assert.equal(speechFinals.length, UTTERANCES.length, speechFinals.map((r) => r.channel.alternatives[0].transcript).join(' | '));
  speechFinals.forEach((r, i) => {
    // The VAD judges 32 ms frames, so the endpoint lands within a frame or two past end + 300 ms.
    const lag = windowEnd(r) - (truth[i].end + 0.3);
    assert.ok(lag >= -0.032 && lag <= 0.15, `utterance ${i}: speech_final window ends ${windowEnd(r)}, true end ${truth[i].end}`);
  });
  assert.ok(wer(reference, transcriptOf(messages)) <= 0.1, transcriptOf(messages));
});

test('a 400 ms pause ends an utterance at endpointing=300 but not at endpointing=500', async () => {
  const phrases = ['before the storm', 'arrived', 'from the west', 'the nets were carried inside'];
  const paused = Buffer.concat([silence(0.5), ...phrases.flatMap((p) => [wavData(trimmedSpeechWav(p)), silence(0.4)]), silence(1)]);
  for (const [endpointing, expected] of [[300, phrases.length], [500, 1]]) {
    const c = await connect(listenUrl(server.url, { encoding: 'linear16', sample_rate: 16000, endpointing }));
    await c.stream(paused, 3200, 0);
    c.send({ type: 'CloseStream' });
    await c.closed;
    const speechFinals = finals(c.messages).filter((r) => r.speech_final);
    assert.equal(speechFinals.length, expected, `endpointing=${endpointing}: ${speechFinals.map((r) => r.channel.alternatives[0].transcript).join(' | ')}`);
    assert.ok(wer(phrases.join(' '), transcriptOf(c.messages)) <= 0.1, `endpointing=${endpointing}: ${transcriptOf(c.messages)}`);
  }
});

test('endpointing=10 on the same audio: speech_final at the 200 ms pauses too, and no words lost', async () => {
  const messages = await stream({ endpointing: 10 });
  const speechFinals = finals(messages).filter((r) => r.speech_final);
  assert.ok(speechFinals.length >= 2 * UTTERANCES.length, `${speechFinals.length} speech_finals`);
  assert.ok(wer(reference, transcriptOf(messages)) <= 0.1, transcriptOf(messages));
});

test('the last word of each utterance ends, and UtteranceEnd.last_word_end points, within 100 ms of the true end', async () => {
  const messages = await stream({ endpointing: 300, interim_results: true, utterance_end_ms: 1000 });
  const speechFinals = finals(messages).filter((r) => r.speech_final);
  const ends = messages.filter((m) => m.type === 'UtteranceEnd');
  assert.equal(ends.length, UTTERANCES.length);
  truth.forEach(({ end }, i) => {
    const lastWord = speechFinals[i].channel.alternatives[0].words.at(-1);
    assert.ok(Math.abs(lastWord.end - end) <= 0.1, `utterance ${i}: last word "${lastWord.word}" ends ${lastWord.end}, true end ${end}`);
    assert.ok(Math.abs(ends[i].last_word_end - end) <= 0.1, `utterance ${i}: last_word_end ${ends[i].last_word_end}, true end ${end}`);
  });
});
