// Issue 16's systematic fuzz: while a real-speech stream runs at real time, hostile clients send
// random request lines, headers and queries, random frame sequences on open streams, a frame of
// minutes of audio at once and speech at many times real time. The process must live, every HTTP
// answer must be a 4xx/5xx with dg-request-id, every stream must end in 1000 or 1008 (never
// NET-0000), /healthz must answer within 200 ms throughout, and the healthy stream must keep real
// time (each final within 2 s) and say exactly what it says with nobody else connected.
// Seeded, bounded in count and time, loopback only.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { connect, finals, listenUrl, transcriptOf, type Connection } from '../helpers/client.js';
import { JFK_TEXT, jfkWav, wavData } from '../helpers/fixtures.js';
import { monitorHealth } from '../helpers/health-monitor.js';
import { rawRequest } from '../helpers/raw-http.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { wer } from '../helpers/wer.js';

const KEY = 'fuzz-key';
const RAW = { encoding: 'linear16', sample_rate: 16000 };
const HEALTHZ_MS = 200;
const FINAL_LAG_S = 2;
const HTTP_CASES = 300;
const STREAM_CASES = 24;
const END_WITHIN_MS = 20_000;

let server: TestServer;
before(async () => (server = await startServer({ apiKeys: [KEY] })));
after(() => server.stop());

/** A small deterministic PRNG, so a failure can be replayed from its seed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

function fuzzer(random: () => number) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const junk = (n: number, alphabet = ' !"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~azAZ09\x7f\x01\u00e9') =>
    Array.from({ length: n }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
  const query = () =>
    pick([
      '',
      '?encoding=linear16&sample_rate=16000',
      `?encoding=${junk(8)}`,
      `?sample_rate=${pick(['-1', '1e9', 'NaN', '0x10', '48000.5'])}`,
      `?${junk(30)}=${junk(30)}`,
      `?tag=${'t'.repeat(Math.floor(random() * 12_000))}`,
      `?${Array.from({ length: 200 }, (_, i) => `p${i}=${i}`).join('&')}`,
      '?%zz=%',
      `?callback=${encodeURIComponent('http://u:p@127.0.0.1:1/')}`,
    ]);
  const target = () =>
    pick([
      `/v1/listen${query()}`,
      `//[${junk(5)}`,
      `http://a:99999/v1/listen${query()}`,
      `//%/v1/listen`,
      `/v1/${junk(10).replace(/ /g, '')}`,
      `/v1/listen/${'.'.repeat(5)}/x`,
      '*',
      `/v1/requests?limit=${pick(['-1', '0', '99999', 'x'])}`,
      '/v1/auth/grant',
      `/v1/requests/${junk(12).replace(/[ /?#]/g, '')}`,
    ]);
  const headers = (): string[] => {
    const h = ['Host: fuzz'];
    if (random() < 0.6) h.push(`Upgrade: ${pick(['websocket', 'WebSocket', 'h2c', 'websocket, h2c', junk(6).replace(/\s/g, '')])}`, 'Connection: Upgrade');
    else h.push('Connection: close');
    if (random() < 0.5) h.push(`Sec-WebSocket-Key: ${pick(['dGhlIHNhbXBsZSBub25jZQ==', 'short', '', junk(24).replace(/\s/g, '')])}`);
    if (random() < 0.5) h.push(`Sec-WebSocket-Version: ${pick(['13', '8', '7', '99', 'x'])}`);
    if (random() < 0.3) h.push(`Sec-WebSocket-Protocol: ${pick(['token, wrong', 'bearer, a.b.c', 'token,,', 'a b', '\u00e9'])}`);
    if (random() < 0.5) h.push(`Authorization: ${pick(['Token wrong', 'Bearer x.y.z', 'Token', 'Basic abc', `Token ${'k'.repeat(3000)}`])}`);
    if (random() < 0.1) h.push(`X-Big: ${'b'.repeat(Math.floor(random() * 20_000))}`);
    if (random() < 0.1) h.push(`Content-Length: ${pick(['-1', 'abc', '99999999999999999999'])}`);
    if (random() < 0.1) h.push(`${junk(4)}: value`);
    if (random() < 0.1) h.push('Transfer-Encoding: chunked', 'Content-Length: 5');
    return h;
  };
  const method = () => pick(['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', junk(5).replace(/\s/g, ''), 'G\u00e9T']);
  const request = () => `${method()} ${target()} ${pick(['HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/9.9', ''])}\r\n${headers().join('\r\n')}\r\n\r\n`;
  return { pick, junk, request, random };
}

/** Streams `pcm` at real time in 20 ms frames; returns each final with when it arrived (s after the start). */
async function realTimeStream(pcm: Buffer): Promise<{ c: Connection; lags: number[] }> {
  const c = await connect(listenUrl(server.url, RAW), { headers: { Authorization: `Token ${KEY}` } });
  const started = performance.now();
  const lags: number[] = [];
  c.ws.on('message', (data) => {
    const m = JSON.parse(data.toString());
    if (m.type === 'Results' && m.is_final) lags.push((performance.now() - started) / 1000 - Math.min(m.start + m.duration, pcm.length / 32000));
  });
  for (let at = 0, frame = 0; at < pcm.length; at += 640, frame++) {
    c.ws.send(pcm.subarray(at, at + 640));
    const due = started + (frame + 1) * 20;
    await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
  }
  c.send({ type: 'CloseStream' });
  assert.equal((await c.closed).code, 1000);
  return { c, lags };
}

async function httpAbuse(f: ReturnType<typeof fuzzer>, until: () => boolean, failures: string[]): Promise<number> {
  let sent = 0;
  while (sent < HTTP_CASES && !until()) {
    const text = f.request();
    const answer = await rawRequest(server.address.port, text, 2000);
    sent++;
    if (answer.status < 400 || !/^[0-9a-f-]{36}$/.test(answer.headers['dg-request-id'] ?? '')) failures.push(`${JSON.stringify(text.slice(0, 200))} → ${answer.raw.slice(0, 120)}`);
  }
  return sent;
}

async function frameAbuse(f: ReturnType<typeof fuzzer>, failures: string[]): Promise<number> {
  let streams = 0;
  for (let i = 0; i < STREAM_CASES; i++) {
    const query = f.pick([RAW, {}, { encoding: 'mulaw', sample_rate: 8000 }, { encoding: 'opus', sample_rate: 48000 }, { ...RAW, channels: 2, multichannel: true }]);
    const c = await connect(listenUrl(server.url, { ...query, interim_results: f.random() < 0.5 }), { headers: { Authorization: `Token ${KEY}` } });
    for (let k = 0; k < 30 && c.ws.readyState === WebSocket.OPEN; k++) {
      const roll = f.random();
      if (roll < 0.45) c.ws.send(Buffer.from(Array.from({ length: Math.floor(f.random() * 4000) + 1 }, () => Math.floor(f.random() * 256))));
      else if (roll < 0.55) c.ws.send(Buffer.alloc(Math.floor(f.random() * 64_000) + 1));
      else if (roll < 0.7) c.send({ type: 'Finalize' });
      else if (roll < 0.75) c.send({ type: 'KeepAlive' });
      else if (roll < 0.85) c.ws.send(f.junk(Math.floor(f.random() * 100_000)));
      else if (roll < 0.9) c.ws.send(Buffer.from([0xff, 0xfe, 0x00, 0x80]), { binary: false });
      else if (roll < 0.95) c.ws.send(JSON.stringify({ type: f.pick(['Finalize', 'CloseStreamX', 42, null]), channel: f.pick([-1, 1e9, 'x', 0]) }));
      else c.ws.send('{"type":"Finalize"}'.repeat(Math.floor(f.random() * 1000)));
    }
    if (c.ws.readyState === WebSocket.OPEN) c.send({ type: 'CloseStream' });
    const closed = await Promise.race([c.closed, new Promise<undefined>((r) => setTimeout(() => r(undefined), END_WITHIN_MS))]);
    streams++;
    if (!closed) failures.push(`stream ${i} (${JSON.stringify(query)}): no close within ${END_WITHIN_MS} ms`);
    else if (closed.code !== 1000 && !(closed.code === 1008 && closed.reason.startsWith('DATA-0000'))) failures.push(`stream ${i} (${JSON.stringify(query)}): ${closed.code} ${closed.reason}`);
    if (!closed) c.ws.terminate();
  }
  return streams;
}

test('fuzzed requests, frames and floods beside a real-time stream: the server lives, answers, keeps real time and loses no word', async (t) => {
  const pcm = wavData(jfkWav());
  const alone = await realTimeStream(pcm);
  const expected = transcriptOf(alone.c.messages);
  assert.ok(wer(JFK_TEXT, expected) <= 0.2, expected);

  const f = fuzzer(prng(20261201));
  const failures: string[] = [];
  const health = monitorHealth(server.url);
  let done = false;
  const auth = { headers: { Authorization: `Token ${KEY}` } };
  // A sender at many times real time (five copies at once), and a frame of a minute of audio.
  const flood = (async () => {
    const fast = await connect(listenUrl(server.url, RAW), auth);
    await fast.stream(Buffer.concat(Array(5).fill(pcm)), 3200);
    const big = await connect(listenUrl(server.url, RAW), auth);
    big.ws.send(Buffer.concat(Array(6).fill(pcm)));
    for (const c of [fast, big]) c.send({ type: 'CloseStream' });
    return Promise.all([fast.closed, big.closed]);
  })();
  const healthy = realTimeStream(pcm).finally(() => (done = true));
  const [sent, streams, abused, floods] = await Promise.all([httpAbuse(f, () => done, failures), frameAbuse(f, failures), healthy, flood]);
  const { worstMs, polls } = await health.stop();

  t.diagnostic(`${sent} requests, ${streams} fuzzed streams; /healthz worst ${worstMs.toFixed(0)} ms over ${polls} polls; final lag worst ${Math.max(...abused.lags).toFixed(2)} s (alone ${Math.max(...alone.lags).toFixed(2)} s)`);
  assert.deepEqual(failures, [], `${failures.length} of ${sent} requests and ${streams} streams misbehaved`);
  assert.ok(sent >= 50 && streams === STREAM_CASES, `${sent} requests, ${streams} streams`);
  for (const closed of floods) assert.equal(closed.code, 1000, 'the flooding streams end normally too');
  assert.ok(polls >= 20, `${polls} health polls`);
  assert.ok(worstMs < HEALTHZ_MS, `/healthz took up to ${worstMs.toFixed(0)} ms during the abuse`);
  assert.equal(transcriptOf(abused.c.messages), expected, 'the healthy stream says exactly what it says alone');
  assert.ok(finals(abused.c.messages).length > 0);
  const worstLag = Math.max(...abused.lags);
  assert.ok(worstLag <= FINAL_LAG_S, `a final arrived ${worstLag.toFixed(2)} s after its audio (alone: ${Math.max(...alone.lags).toFixed(2)} s)`);
  assert.equal((await fetch(`${server.url.replace(/^ws/, 'http')}/healthz`)).status, 200, 'the process lives');
});
