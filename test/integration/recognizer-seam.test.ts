// Issue 19: a recognizer that is not a segment decoder plugs into the seam (src/engines/recognizer.ts)
// with no change in protocol/: the scripted FakeRecognizer implements its streams itself, as a
// streaming engine would, and a real client sees Deepgram's messages made from what it says.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { connect, finals, listenUrl, refused } from '../helpers/client.js';
import { FAKE_MODEL, FakeRecognizer, scriptedAudio } from '../helpers/fake-recognizer.js';
import { startFakeServer, type FakeServer } from '../helpers/server.js';

const RAW = { encoding: 'linear16', sample_rate: 16000 };
let server: FakeServer;

before(async () => {
  server = await startFakeServer({}, new FakeRecognizer({ script: ['first thing said', 'and the second'] }));
});
after(() => server.stop());

test('what the recognizer says reaches the client as Results, in order, with Metadata naming it', async () => {
  const c = await connect(listenUrl(server.url, { ...RAW, punctuate: true }));
  await c.stream(scriptedAudio(1, 0.5, 0.8, 0.5), 3200);
  c.send({ type: 'CloseStream' });
  assert.equal((await c.closed).code, 1000);
  const said = finals(c.messages).filter((m) => m.channel.alternatives[0].transcript);
  assert.deepEqual(said.map((m) => m.channel.alternatives[0].transcript), ['first thing said', 'and the second']);
  assert.deepEqual(said.map((m) => m.speech_final), [true, true], 'each ended by silence');
  const [first] = said;
  assert.equal(first.start, 0);
  assert.deepEqual(first.channel.alternatives[0].words.map((w: any) => w.word), ['first', 'thing', 'said']);
  assert.ok(first.channel.alternatives[0].words.every((w: any) => w.start >= 0 && w.end <= 1.02), 'words fall in the speech');
  assert.equal(first.metadata.model_info.name, FAKE_MODEL);
  const metadata = c.messages.find((m) => m.type === 'Metadata');
  assert.equal(metadata.duration, 2.8);
  assert.deepEqual(Object.values(metadata.model_info), [{ name: FAKE_MODEL, version: 'test', arch: 'scripted' }]);
  const opened = server.fake.opened.at(-1)!;
  assert.equal(opened.streamId, c.requestId, 'the stream is opened under its request id');
  assert.equal(opened.live, true);
});

test('interims while speech goes on, Finalize for open speech, and the request settings reach the stream', async () => {
  const c = await connect(listenUrl(server.url, { ...RAW, interim_results: true, endpointing: 500, utterance_end_ms: 1000, keyterm: 'Earshot' }));
  await c.stream(scriptedAudio(1.2), 3200);
  const interim = await c.next((m) => m.type === 'Results' && !m.is_final);
  assert.ok(interim.channel.alternatives[0].transcript.length > 0);
  c.send({ type: 'Finalize' });
  const final = await c.next((m) => m.type === 'Results' && m.is_final);
  assert.equal(final.from_finalize, true);
  assert.equal(final.speech_final, false);
  await c.stream(Buffer.alloc(32000 * 1.5), 3200);
  const end = await c.next((m) => m.type === 'UtteranceEnd');
  assert.ok(Math.abs(end.last_word_end - final.channel.alternatives[0].words.at(-1).end) < 1e-6);
  c.send({ type: 'CloseStream' });
  assert.equal((await c.closed).code, 1000);
  assert.deepEqual(server.fake.opened.at(-1), {
    streamId: c.requestId,
    keyterms: ['Earshot'],
    interimResults: true,
    endSilenceSeconds: 0.5,
    speechFinalOnEndpoint: true,
    utteranceEndSeconds: 1,
    live: true,
  });
});

test("Deepgram's model names pick the default; Earshot's names not loaded are refused, naming what is", async () => {
  const c = await connect(listenUrl(server.url, { ...RAW, model: 'nova-3' }));
  c.send({ type: 'CloseStream' });
  await c.closed;
  assert.equal(c.messages.find((m) => m.type === 'Metadata').model_info[server.recognizer.info.uuid].name, FAKE_MODEL);
  const r = await refused(listenUrl(server.url, { ...RAW, model: 'moonshine-tiny' }));
  assert.equal(r.status, 400);
  assert.match(JSON.parse(r.body).err_msg, new RegExp(`This server has loaded ${FAKE_MODEL}`));
});

test('a recognizer failure closes the stream 1011 NET-0000 with the Results before it', async () => {
  const failing = await startFakeServer({}, new FakeRecognizer({ script: ['one', 'two'], failAt: 2 }));
  try {
    const c = await connect(listenUrl(failing.url, RAW));
    await c.stream(scriptedAudio(0.5, 0.5, 0.5, 0.5), 3200);
    const closed = await c.closed;
    assert.equal(closed.code, 1011);
    assert.match(closed.reason, /net0000/);
    assert.deepEqual(finals(c.messages).map((m) => m.channel.alternatives[0].transcript).filter(Boolean), ['one']);
  } finally {
    await failing.stop();
  }
});

test('what a recognizer cannot do is not asked of it, and the log says the parameter had no effect', async () => {
  const plain = await startFakeServer({}, new FakeRecognizer({ capabilities: { interimResults: false, keyterms: false } }));
  try {
    const c = await connect(listenUrl(plain.url, { ...RAW, interim_results: true, keyterm: 'Earshot' }));
    await c.stream(scriptedAudio(1.5, 0.5), 3200);
    c.send({ type: 'CloseStream' });
    await c.closed;
    assert.equal(c.messages.filter((m) => m.type === 'Results' && !m.is_final).length, 0);
    assert.equal(finals(c.messages).filter((m) => m.channel.alternatives[0].transcript).length, 1);
    assert.equal(plain.fake.opened[0].interimResults, false);
    assert.equal(plain.fake.opened[0].keyterms, undefined);
    const warned = plain.logs().find((l) => l.msg === 'query parameters accepted but without effect on this engine');
    assert.deepEqual(warned?.noEffect, ['interim_results', 'keyterm']);
  } finally {
    await plain.stop();
  }
});
