// Issue 8, scope 1: per-key and per-address limits answer 429 with a dg-error naming the limit, and
// a client sending faster than the engine decodes is slowed by back-pressure, never buffered
// without bound, and loses nothing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { connect, listenUrl, refused, transcriptOf } from '../helpers/client.js';
import { jfkWav, joinWithSilence, PASSAGE, speechWav, wavData } from '../helpers/fixtures.js';
import { FakeRecognizer } from '../helpers/fake-recognizer.js';
import { startFakeServer, type TestServer } from '../helpers/server.js';
import { wer } from '../helpers/wer.js';

const RAW = { encoding: 'linear16', sample_rate: 16000 };
const auth = (key: string) => ({ headers: { Authorization: `Token ${key}` } });

describe('--max-streams-per-key', () => {
  let server: TestServer;
  before(async () => (server = await startFakeServer({ apiKeys: ['key-a', 'key-b'], maxStreamsPerKey: 1 })));
  after(() => server.stop());

  test('one key is held to its limit, tokens it granted included; other keys are not; a close frees a place', async () => {
    const first = await connect(listenUrl(server.url, RAW), auth('key-a'));
    const second = await refused(listenUrl(server.url, RAW), auth('key-a'));
    assert.equal(second.status, 429);
    assert.match(String(second.headers['dg-error']), /this key has 1 streams open \(--max-streams-per-key\)/);
    const grant = await fetch(`${server.url.replace('ws://', 'http://')}/v1/auth/grant`, { method: 'POST', headers: { authorization: 'Token key-a' } });
    const { access_token } = await grant.json();
    assert.equal((await refused(listenUrl(server.url, RAW), { protocols: ['bearer', access_token] })).status, 429, 'a token counts against the key that granted it');
    const other = await connect(listenUrl(server.url, RAW), auth('key-b'));
    other.send({ type: 'CloseStream' });
    await other.closed;
    first.send({ type: 'CloseStream' });
    await first.closed;
    for (let i = 0; i < 50 && server.server.activeStreams > 0; i++) await new Promise((r) => setTimeout(r, 20));
    const again = await connect(listenUrl(server.url, RAW), auth('key-a'));
    again.send({ type: 'CloseStream' });
    assert.equal((await again.closed).code, 1000);
  });
});

describe('--handshakes-per-minute', () => {
  let server: TestServer;
  before(async () => (server = await startFakeServer({ apiKeys: ['key'], handshakesPerMinute: 3 })));
  after(() => server.stop());

  test('an address over its rate gets 429 before auth, for streams and pre-recorded requests alike', async () => {
    const http = server.url.replace('ws://', 'http://');
    const open = await connect(listenUrl(server.url, RAW), auth('key'));
    open.send({ type: 'CloseStream' });
    await open.closed;
    assert.equal((await refused(listenUrl(server.url, RAW), auth('wrong'))).status, 401, 'a refused attempt counts too');
    assert.equal((await fetch(`${http}/v1/listen`, { method: 'POST', headers: { authorization: 'Token key', 'content-type': 'audio/wav' }, body: Uint8Array.from(readFileSync(jfkWav())) })).status, 200);
    const limited = await refused(listenUrl(server.url, RAW), auth('key'));
    assert.equal(limited.status, 429);
    assert.match(String(limited.headers['dg-error']), /127\.0\.0\.1 made 3 handshakes in the last minute \(--handshakes-per-minute\)/);
    const post = await fetch(`${http}/v1/listen`, { method: 'POST', headers: { authorization: 'Token key', 'content-type': 'audio/wav' }, body: Uint8Array.from(readFileSync(jfkWav())) });
    assert.equal(post.status, 429);
    assert.equal((await fetch(`${http}/healthz`)).status, 200, 'health checks are not handshakes');
  });
});

describe('back-pressure', () => {
  let server: TestServer;
  // One worker taking 300 ms a final, and a 4 s backlog bound: a client sending as fast as it can outruns it at once.
  before(async () => (server = await startFakeServer({ maxBacklogSeconds: 4 }, new FakeRecognizer({ script: PASSAGE, decodeMs: 300 }))));
  after(() => server.stop());

  // Bounded: a stream paused for an utterance that only more audio could end once hung here for good.
  test('a client far faster than real time is paused and resumed, and every second it sent is transcribed', { timeout: 60_000 }, async () => {
    const passage = PASSAGE.join(' ');
    const text = [passage, passage, passage].join(' ');
    const once = joinWithSilence(PASSAGE.map((s) => speechWav(s)), 1);
    const pcm = wavData(joinWithSilence([once, once, once], 1));
    const c = await connect(listenUrl(server.url, RAW));
    // 84 s of speech in 1 s frames every 20 ms: fifty times real time, for as long as it takes to send.
    await c.stream(pcm, 32000, 20);
    c.send({ type: 'CloseStream' });
    assert.equal((await c.closed).code, 1000, 'paused for the engine, never timed out for it');
    const logs = server.logs().filter((l) => l.requestId === c.requestId);
    assert.ok(logs.some((l) => /its frames are not read until it catches up/.test(l.msg) && l.backlogSeconds > 4), 'reading paused past the bound');
    assert.ok(logs.some((l) => /the engine caught up: reading the stream again/.test(l.msg)), 'and resumed');
    assert.ok(wer(text, transcriptOf(c.messages)) <= 0.1, transcriptOf(c.messages));
    const metadata = c.messages.find((m) => m.type === 'Metadata');
    assert.ok(Math.abs(metadata.duration - pcm.length / 32000) < 0.01, 'Metadata counts every second sent');
  });
});

describe('--max-stream-seconds', () => {
  let server: TestServer;
  before(async () => (server = await startFakeServer({ maxStreamSeconds: 2 }, new FakeRecognizer({ script: [PASSAGE[0]] }))));
  after(() => server.stop());

  test('a stream open past the limit is finalized with every word and closed 1000, the limit named', async () => {
    const audio = wavData(speechWav(PASSAGE[0]));
    const c = await connect(listenUrl(server.url, RAW));
    await c.stream(audio, 3200, 0);
    const closed = await c.closed;
    assert.equal(closed.code, 1000);
    assert.match(closed.reason, /reached the server's 2 s limit \(--max-stream-seconds\)/);
    const metadata = c.messages.find((m) => m.type === 'Metadata');
    assert.equal(metadata?.duration, audio.length / 32000, 'Metadata counts all the audio sent');
    assert.ok(wer(PASSAGE[0], transcriptOf(c.messages)) <= 0.15, transcriptOf(c.messages));
  });
});

describe('--max-frame-bytes', () => {
  let server: TestServer;
  before(async () => (server = await startFakeServer({ maxFrameBytes: 64 * 1024 })));
  after(() => server.stop());

  test('a frame over the limit closes with 1009; the log, the request log and the metrics say why and how to fix it', async () => {
    const c = await connect(listenUrl(server.url, RAW));
    c.ws.send(Buffer.alloc(32000));
    c.ws.send(Buffer.alloc(100 * 1024));
    assert.equal((await c.closed).code, 1009);
    const warning = server.logs().find((l) => l.requestId === c.requestId && l.failure === 'FRAME_TOO_LARGE');
    assert.match(warning?.msg ?? '', /--max-frame-bytes/);
    const http = server.url.replace('ws://', 'http://');
    let record: any;
    for (let i = 0; i < 50 && record?.state !== 'closed'; i++) {
      record = await (await fetch(`${http}/v1/requests/${c.requestId}`)).json();
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(record.closeCode, 1009);
    assert.equal(record.failure, 'FRAME_TOO_LARGE');
    const metrics = await (await fetch(`${http}/metrics`)).text();
    assert.match(metrics, /^earshot_stream_closes_total\{close_code="1009",code="FRAME_TOO_LARGE"\} 1$/m);
    const again = await connect(listenUrl(server.url, RAW));
    again.send({ type: 'CloseStream' });
    assert.equal((await again.closed).code, 1000, 'the server goes on serving');
  });
});
