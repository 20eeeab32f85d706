// Issue 21: Deepgram's v1 Configure message. Keyterms and numerals change mid-stream, for the audio
// sent after the message; every Configure gets exactly one ConfigureSuccess or ConfigureFailure, and
// a failure changes nothing.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { configureAnswer as answer, connect, finals, listenUrl } from '../helpers/client.js';
import { FakeRecognizer, scriptedAudio } from '../helpers/fake-recognizer.js';
import { startFakeServer, type FakeServer } from '../helpers/server.js';

const RAW = { encoding: 'linear16', sample_rate: 16000 };
let server: FakeServer;

before(async () => {
  server = await startFakeServer({}, new FakeRecognizer({ script: ['my pin is one two three four'] }));
});
after(() => server.stop());


test('keyterms replace the list (query keyterms included) for the audio after, and the answer lists them', async () => {
  const c = await connect(listenUrl(server.url, { ...RAW, keyterm: 'Earshot' }));
  await c.stream(scriptedAudio(0.5, 0.5), 3200);
  await c.next((m) => m.type === 'Results' && m.is_final && m.channel.alternatives[0].transcript);
  const ok = await answer(c, { keyterms: ['Moonshine', ' Silero '] });
  assert.deepEqual(ok, { type: 'ConfigureSuccess', request_id: c.requestId, keyterms: ['Moonshine', 'Silero'] });
  assert.deepEqual(server.fake.keyterms.at(-1), { streamId: c.requestId, keyterms: ['Moonshine', 'Silero'] });
  const kept = await answer(c, { keyterms: null });
  assert.deepEqual(kept, { type: 'ConfigureSuccess', request_id: c.requestId }, 'null keeps them and lists nothing');
  assert.deepEqual((await answer(c, { keyterms: [] })).keyterms, [], '[] clears them');
  c.send({ type: 'CloseStream' });
  assert.equal((await c.closed).code, 1000);
});

test('before any audio, a Configure applies to the stream once it opens', async () => {
  const c = await connect(listenUrl(server.url, RAW));
  assert.equal((await answer(c, { keyterms: ['Abigail'] })).type, 'ConfigureSuccess');
  await c.stream(scriptedAudio(0.5, 0.5), 3200);
  c.send({ type: 'CloseStream' });
  await c.closed;
  assert.deepEqual(server.fake.opened.find((s) => s.streamId === c.requestId)?.keyterms, ['Abigail']);
});

test('features.numerals turns digits on and off for the finals after it', async () => {
  const c = await connect(listenUrl(server.url, RAW));
  const said = async () => {
    const count = finals(c.messages).length;
    await c.stream(scriptedAudio(0.5, 0.5), 3200);
    for (let i = 0; i < 100 && finals(c.messages).filter((m) => m.channel.alternatives[0].transcript).length <= count; i++) await new Promise((r) => setTimeout(r, 10));
    return finals(c.messages).at(-1).channel.alternatives[0].transcript;
  };
  assert.equal(await said(), 'my pin is one two three four');
  assert.deepEqual(await answer(c, { features: { numerals: true } }), { type: 'ConfigureSuccess', request_id: c.requestId });
  assert.equal(await said(), 'my pin is 1234');
  await answer(c, { features: { numerals: false } });
  assert.equal(await said(), 'my pin is one two three four');
  c.send({ type: 'CloseStream' });
  assert.equal((await c.closed).code, 1000);
});

test('a Configure that cannot be applied is answered ConfigureFailure saying why, changes nothing, and the stream goes on', async () => {
  const c = await connect(listenUrl(server.url, { ...RAW, keyterm: 'Earshot' }));
  const cases: Array<[object, RegExp]> = [
    [{ keyterms: 'Moonshine' }, /keyterms must be an array of strings/],
    [{ keyterms: Array.from({ length: 101 }, (_, i) => `t${i}`) }, /Too many keyterms \(101 terms/],
    [{ keyterms: [''] }, /Expected a word or phrase/],
    [{ features: { diarize: true } }, /the feature 'diarize' cannot be changed mid-stream; numerals can/],
    [{ features: { numerals: 'yes' } }, /features\.numerals must be true or false/],
    [{ features: { numerals: true }, keyterms: [5] }, /keyterms must be an array of strings/],
    [{ model: 'nova-2' }, /unknown field 'model'/],
  ];
  for (const [message, why] of cases) {
    const failure = await answer(c, message);
    assert.equal(failure.type, 'ConfigureFailure', JSON.stringify(message));
    assert.equal(failure.request_id, c.requestId);
    assert.match(failure.description, why);
  }
  const stillIn = await answer(c, { keyterms: null, features: {} });
  assert.deepEqual(stillIn, { type: 'ConfigureSuccess', request_id: c.requestId });
  await c.stream(scriptedAudio(0.5, 0.5), 3200);
  c.send({ type: 'CloseStream' });
  assert.equal((await c.closed).code, 1000);
  assert.deepEqual(server.fake.opened.find((s) => s.streamId === c.requestId)?.keyterms, ['Earshot'], 'the failed ones changed nothing');
  assert.ok(finals(c.messages).some((m) => m.channel.alternatives[0].transcript === 'my pin is one two three four'), 'numerals stayed off');
});

test("keyterms on a model that takes none: ConfigureFailure, and features still apply in another message", async () => {
  const plain = await startFakeServer({}, new FakeRecognizer({ capabilities: { keyterms: false } }));
  try {
    const c = await connect(listenUrl(plain.url, RAW));
    assert.match((await answer(c, { keyterms: ['x'] })).description, /this stream's model does not take keyterms/);
    assert.equal((await answer(c, { features: { numerals: true } })).type, 'ConfigureSuccess');
    c.send({ type: 'CloseStream' });
    assert.equal((await c.closed).code, 1000);
  } finally {
    await plain.stop();
  }
});
