// Issue 4 scope item 3: UtteranceEnd after `utterance_end_ms` of silence following the last word,
// only with interim_results=true, one per utterance, on the audio clock.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { connect, listenUrl } from '../helpers/client.js';
import { joinWithSilence, PASSAGE, speechWav, wavData } from '../helpers/fixtures.js';
import { startServer, type TestServer } from '../helpers/server.js';

const GAP_S = 2;
const LINEAR16 = { encoding: 'linear16', sample_rate: 16000 };
let server: TestServer;
let audio: Buffer;
let firstClipSeconds: number;

before(async () => {
  server = await startServer();
  // Two utterances 2 s apart, then 2 s of silence.
  audio = Buffer.concat([wavData(joinWithSilence([speechWav(PASSAGE[0]), speechWav(PASSAGE[1])], GAP_S)), Buffer.alloc(GAP_S * 32000)]);
  firstClipSeconds = wavData(speechWav(PASSAGE[0])).length / 32000;
});
after(() => server.stop());

async function stream(query: Record<string, string | number | boolean>, paceMs: number) {
  const c = await connect(listenUrl(server.url, { ...LINEAR16, ...query }));
  await c.stream(audio, 3200, paceMs);
  c.send({ type: 'CloseStream' });
  assert.equal((await c.closed).code, 1000);
  return c.messages;
}

for (const [how, paceMs] of [['at 4x real time', 25], ['as fast as possible', 0]] as const) {
  test(`one UtteranceEnd per utterance, after its last word, ${how}`, async () => {
    const messages = await stream({ interim_results: true, utterance_end_ms: 1000 }, paceMs);
    const ends = messages.filter((m) => m.type === 'UtteranceEnd');
    assert.equal(ends.length, 2, JSON.stringify(ends));
    for (const e of ends) assert.deepEqual(e.channel, [0, 1]);
    // last_word_end is the end of the last word sent before it, and lies in the pause after the first utterance.
    for (const e of ends) {
      const before = messages.slice(0, messages.indexOf(e)).filter((m) => m.type === 'Results');
      const lastEnd = Math.max(...before.flatMap((r) => r.channel.alternatives[0].words.map((w: any) => w.end)));
      assert.equal(e.last_word_end, lastEnd);
    }
    assert.ok(ends[0].last_word_end > firstClipSeconds - 1 && ends[0].last_word_end <= firstClipSeconds + 0.05, `first last_word_end ${ends[0].last_word_end} vs clip end ${firstClipSeconds}`);
    assert.ok(ends[1].last_word_end > firstClipSeconds + GAP_S, 'the second follows the second utterance');
  });
}

test('no UtteranceEnd without interim_results, or without utterance_end_ms', async () => {
  for (const query of [{ utterance_end_ms: 1000 }, { interim_results: true }] as Array<Record<string, number | boolean>>) {
    const messages = await stream(query, 0);
    assert.equal(messages.filter((m) => m.type === 'UtteranceEnd').length, 0);
  }
});

test('a pause shorter than utterance_end_ms inside speech sends none', async () => {
  const close = wavData(joinWithSilence([speechWav(PASSAGE[2]), speechWav(PASSAGE[3])], 0.6));
  const c = await connect(listenUrl(server.url, { ...LINEAR16, interim_results: true, utterance_end_ms: 1500 }));
  await c.stream(Buffer.concat([close, Buffer.alloc(2 * 32000)]), 3200, 25);
  c.send({ type: 'CloseStream' });
  await c.closed;
  assert.equal(c.messages.filter((m) => m.type === 'UtteranceEnd').length, 1);
});
