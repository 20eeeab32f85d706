// Scope item 6: how and when streams end — the seed's close codes with their timing rules. The
// scripted recognizer says each test's text: what is under test is that the words come out before the
// close, not how well they are heard (test/speech/ has the real engine).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { connect, listenUrl, transcriptOf } from '../helpers/client.js';
import { speechWav, wavData } from '../helpers/fixtures.js';
import { startFakeServer, type FakeServer } from '../helpers/server.js';
import { wer } from '../helpers/wer.js';

const TIMEOUT_MS = 1500;
const LINEAR16 = { encoding: 'linear16', sample_rate: 16000 };
const NET_0001 = 'Deepgram did not receive audio data or a text message within the timeout window. See https://dpgr.am/net0001';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function keepAliveEvery(c: Awaited<ReturnType<typeof connect>>, ms: number): () => void {
  const timer = setInterval(() => c.ws.readyState === c.ws.OPEN && c.send({ type: 'KeepAlive' }), ms);
  return () => clearInterval(timer);
}

describe('closing rules (timeouts shortened to 1.5 s)', () => {
  let server: FakeServer;
  before(async () => (server = await startFakeServer({ inactivityTimeoutMs: TIMEOUT_MS })));
  after(() => server.stop());

  test('NET-0001: no audio within the timeout after opening → 1011, after Metadata', async () => {
    const opened = Date.now();
    const c = await connect(listenUrl(server.url, LINEAR16));
    const closed = await c.closed;
    const elapsed = Date.now() - opened;
    assert.deepEqual(closed, { code: 1011, reason: NET_0001 });
    assert.ok(elapsed >= TIMEOUT_MS - 50 && elapsed < TIMEOUT_MS + 1000, `closed after ${elapsed} ms`);
    const meta = c.messages.at(-1);
    assert.equal(meta.type, 'Metadata');
    assert.equal(meta.duration, 0);
    assert.equal(meta.sha256, 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  test('NET-0001: KeepAlive alone does not keep a stream with no audio open', async () => {
    const opened = Date.now();
    const c = await connect(listenUrl(server.url, LINEAR16));
    const stop = keepAliveEvery(c, 200);
    const closed = await c.closed;
    stop();
    assert.equal(closed.code, 1011);
    assert.equal(closed.reason, NET_0001);
    assert.ok(Date.now() - opened < TIMEOUT_MS + 1000);
  });

  test('after the first audio, KeepAlive keeps the stream open; silence then closes it with NET-0001', async () => {
    // Speech is made before connecting: festival runs synchronously on the loop the server shares.
    const text = 'Please hold the line while I look up the details of your account.';
    const speech = wavData(speechWav(text));
    server.fake.say(text);
    const c = await connect(listenUrl(server.url, LINEAR16));
    await c.stream(speech, 640);
    const stop = keepAliveEvery(c, 400);
    await sleep(TIMEOUT_MS * 2.5);
    assert.equal(c.ws.readyState, c.ws.OPEN, 'KeepAlive kept the stream alive');
    stop();
    const quietFrom = Date.now();
    const closed = await c.closed;
    assert.deepEqual(closed, { code: 1011, reason: NET_0001 });
    assert.ok(Date.now() - quietFrom >= TIMEOUT_MS - 450, 'the timer runs from the last frame');
    // The accepted audio was transcribed and counted before the close.
    assert.ok(wer(text, transcriptOf(c.messages)) <= 0.25, transcriptOf(c.messages));
    assert.ok(Math.abs(c.messages.at(-1).duration - speech.length / 32000) < 0.01);
  });

  test('DATA-0000: bytes that are not audio → 1008 with a reason a person can act on', async () => {
    const cases: Array<[Record<string, string | number>, Buffer, RegExp]> = [
      [{}, Buffer.from(JSON.stringify({ type: 'KeepAlive' })), /not WAV\/Ogg\/WebM\/FLAC\/MP3\/MP4; raw audio needs encoding= and sample_rate=$/],
      [{}, randomBytes(4096), /^DATA-0000/],
      [LINEAR16, Buffer.concat([Buffer.from('OggS'), randomBytes(2000)]), /Ogg but encoding=linear16/],
      [{}, Buffer.concat([Buffer.from('fLaC'), randomBytes(2000)]), /could not decode the FLAC stream/],
      [{ encoding: 'flac', sample_rate: 16000 }, Buffer.concat([Buffer.from('OggS'), randomBytes(2000)]), /encoding=flac was declared but the bytes are Ogg/],
    ];
    for (const [query, bytes, reason] of cases) {
      const c = await connect(listenUrl(server.url, query));
      c.ws.send(bytes);
      c.send({ type: 'CloseStream' });
      const closed = await c.closed;
      assert.equal(closed.code, 1008);
      assert.match(closed.reason, /^DATA-0000: /);
      assert.match(closed.reason, reason);
      assert.ok(Buffer.byteLength(closed.reason) <= 123);
      assert.equal(c.messages.at(-1).type, 'Metadata');
    }
  });

  test('a bad stream never disturbs another: a concurrent stream completes with its words', async () => {
    const text = 'This stream is fine while another one fails.';
    const speech = wavData(speechWav(text));
    server.fake.say(text);
    const good = await connect(listenUrl(server.url, LINEAR16));
    const bad = await connect(listenUrl(server.url, {}));
    const streaming = good.stream(speech, 640, 5);
    bad.ws.send(randomBytes(8000));
    assert.equal((await bad.closed).code, 1008);
    await streaming;
    good.send({ type: 'CloseStream' });
    assert.equal((await good.closed).code, 1000);
    assert.ok(wer(text, transcriptOf(good.messages)) <= 0.2, transcriptOf(good.messages));
  });

  test('empty binary frames are logged as a client mistake under the request id', async () => {
    const c = await connect(listenUrl(server.url, LINEAR16));
    c.ws.send(Buffer.alloc(0));
    assert.equal((await c.closed).code, 1000);
    assert.ok(server.logs().some((l) => l.requestId === c.requestId && l.clientMistake === 'empty-binary-frame'));
  });
});

describe('server setting: KeepAlive may keep a stream open before its first audio', () => {
  let server: FakeServer;
  before(async () => (server = await startFakeServer({ inactivityTimeoutMs: TIMEOUT_MS, keepAliveBeforeAudio: true })));
  after(() => server.stop());

  test('KeepAlive-only stream lives past the timeout, then transcribes its audio', async () => {
    const text = 'Finally some speech.';
    const speech = wavData(speechWav(text));
    server.fake.say(text);
    const c = await connect(listenUrl(server.url, LINEAR16));
    const stop = keepAliveEvery(c, 300);
    await sleep(TIMEOUT_MS * 2.5);
    stop();
    assert.equal(c.ws.readyState, c.ws.OPEN);
    await c.stream(speech, 640);
    c.send({ type: 'CloseStream' });
    assert.equal((await c.closed).code, 1000);
    assert.ok(wer(text, transcriptOf(c.messages)) <= 0.25, transcriptOf(c.messages));
  });

  test('without any frame it still closes with NET-0001', async () => {
    const c = await connect(listenUrl(server.url, LINEAR16));
    assert.deepEqual(await c.closed, { code: 1011, reason: NET_0001 });
  });
});
