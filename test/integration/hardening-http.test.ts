// Issue 16: what an outsider can send over HTTP. Every malformed request gets a 4xx from the failure
// table with dg-error and dg-request-id, counted and logged, bounded; nothing kills the process or
// an open stream. Tokens die with the key that granted them; slow uploads hold nothing for long.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { connect, listenUrl, refused, transcriptOf } from '../helpers/client.js';
import { scriptedAudio } from '../helpers/fake-recognizer.js';
import { jfkWav } from '../helpers/fixtures.js';
import { rawRequest, requestText } from '../helpers/raw-http.js';
import { startFakeServer, type FakeServer } from '../helpers/server.js';
import { openStateStore } from '../../src/store/state-store.js';

const KEY = 'hardening-key';
const RAW = { encoding: 'linear16', sample_rate: 16000 };
const UPGRADE = { Host: 'x', Upgrade: 'websocket', Connection: 'Upgrade' };
const WS_KEY = { 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version': '13' };
const AUTH = { Authorization: `Token ${KEY}` };

const dir = mkdtempSync(join(tmpdir(), 'earshot-hardening-'));
const db = join(dir, 'requests.db');
let stored: { id: string; secret: string };
let server: FakeServer;
let http: string;
let port: number;

before(async () => {
  const store = await openStateStore({ sqlitePath: db }, { role: 'admin' });
  const { key, secret } = await store.keys.create('granter', ['listen']);
  stored = { id: key.id, secret };
  await store.close();
  server = await startFakeServer({ apiKeys: [KEY], requestLog: db, allowPrivateUrls: true, maxTranscriptions: 1, uploadIdleTimeoutMs: 800 });
  http = server.url.replace(/^ws/, 'http');
  port = server.address.port;
});
after(() => server.stop());

async function healthy(): Promise<void> {
  const res = await fetch(`${http}/healthz`);
  assert.equal(res.status, 200, 'the server still answers');
}

function assertRefusal(answer: { status: number; headers: Record<string, string> }, status: number | RegExp, what: string): void {
  if (typeof status === 'number') assert.equal(answer.status, status, what);
  else assert.match(String(answer.status), status, what);
  assert.match(answer.headers['dg-request-id'] ?? '', /^[0-9a-f-]{36}$/, `${what}: dg-request-id`);
  assert.ok((answer.headers['dg-error'] ?? '').length > 0, `${what}: dg-error`);
}

test('defect 1: request targets that are not URLs get 400, with or without Upgrade, and an open stream lives on', async () => {
  const open = await connect(listenUrl(server.url, RAW), { headers: AUTH });
  for (const target of ['//[', 'http://a:99999/v1/listen', '//%/v1/listen', '*', 'http://[::1/v1/listen']) {
    assertRefusal(await rawRequest(port, requestText(`GET ${target} HTTP/1.1`, { ...UPGRADE, ...WS_KEY })), /^4\d\d$/, `${target} with Upgrade`);
    assertRefusal(await rawRequest(port, requestText(`GET ${target} HTTP/1.1`, { Host: 'x', Connection: 'close' })), /^4\d\d$/, `${target} without Upgrade`);
  }
  await healthy();
  await open.stream(scriptedAudio(2, 0.5), 3200);
  open.send({ type: 'CloseStream' });
  assert.equal((await open.closed).code, 1000, 'the stream opened before the attack ends normally');
  assert.equal(transcriptOf(open.messages), server.fake.script[0], 'and its speech is transcribed');
});

test('defect 11: handshakes ws would refuse, and requests Node cannot parse, carry dg-error and dg-request-id and are counted', async () => {
  const cases: Array<[string, string, number]> = [
    ['missing Sec-WebSocket-Key', requestText('GET /v1/listen HTTP/1.1', { ...UPGRADE, 'Sec-WebSocket-Version': '13', ...AUTH }), 400],
    ['bad Sec-WebSocket-Key', requestText('GET /v1/listen HTTP/1.1', { ...UPGRADE, 'Sec-WebSocket-Key': 'short', 'Sec-WebSocket-Version': '13', ...AUTH }), 400],
    ['Sec-WebSocket-Version 7', requestText('GET /v1/listen HTTP/1.1', { ...UPGRADE, 'Sec-WebSocket-Key': WS_KEY['Sec-WebSocket-Key'], 'Sec-WebSocket-Version': '7', ...AUTH }), 400],
    ['bad Sec-WebSocket-Protocol', requestText('GET /v1/listen HTTP/1.1', { ...UPGRADE, ...WS_KEY, 'Sec-WebSocket-Protocol': 'token, a b', ...AUTH }), 400],
    ['Upgrade: h2c', requestText('GET /v1/listen HTTP/1.1', { Host: 'x', Upgrade: 'h2c', Connection: 'Upgrade', ...AUTH }), 400],
    ['POST + Upgrade', requestText('POST /v1/listen HTTP/1.1', { ...UPGRADE, ...WS_KEY, ...AUTH }), 405],
    ['headers over 16 KB', requestText('GET /healthz HTTP/1.1', { Host: 'x', 'X-Big': 'a'.repeat(20_000) }), 431],
    ['not HTTP', 'HELLO THERE\r\n\r\n', 400],
    ['a bad header line', 'GET /v1/listen HTTP/1.1\r\nHost x\r\n\r\n', 400],
  ];
  for (const [what, text, status] of cases) assertRefusal(await rawRequest(port, text), status, what);
  const metrics = await (await fetch(`${http}/metrics`)).text();
  assert.match(metrics, /earshot_handshakes_total\{mode="live",api="v1",status="400",code="MALFORMED_REQUEST"\} \d+/);
  assert.match(metrics, /earshot_handshakes_total\{mode="live",api="v1",status="431",code="HEADERS_TOO_LARGE"\} 1/);
  assert.ok(server.logs().some((l) => l.msg === 'request refused' && l.failure === 'MALFORMED_REQUEST'), 'logged');
  await healthy();
});

test('defect 9: GET /v1/requests takes a limit of 1 to 1000, nothing else', async () => {
  for (const limit of ['-1', '0', '1001', 'abc', '2.5']) {
    const res = await fetch(`${http}/v1/requests?limit=${limit}`, { headers: AUTH });
    assert.equal(res.status, 400, `limit=${limit}`);
    assert.match(res.headers.get('dg-error') ?? '', /limit/);
  }
  const res = await fetch(`${http}/v1/requests?limit=2`, { headers: AUTH });
  assert.equal(res.status, 200);
  assert.ok(((await res.json()) as { requests: unknown[] }).requests.length <= 2);
});

test('defect 7: a revoked key\'s access tokens are refused at the next handshake, saying why', async () => {
  const grant = await fetch(`${http}/v1/auth/grant`, { method: 'POST', headers: { Authorization: `Token ${stored.secret}` } });
  assert.equal(grant.status, 200);
  const { access_token: token } = (await grant.json()) as { access_token: string };
  const first = await connect(listenUrl(server.url, RAW), { protocols: ['bearer', token] });
  first.ws.terminate();
  const store = await openStateStore({ sqlitePath: db }, { role: 'admin' });
  assert.equal(await store.keys.revoke(stored.id), true);
  await store.close();
  const r = await refused(listenUrl(server.url, RAW), { protocols: ['bearer', token] });
  assert.equal(r.status, 401);
  assert.match(String(r.headers['dg-error']), /granted by a key that is no longer valid.*revoked/);
  // A token from a key given at start still works.
  const live = await fetch(`${http}/v1/auth/grant`, { method: 'POST', headers: AUTH });
  const ok = await connect(listenUrl(server.url, RAW), { protocols: ['bearer', ((await live.json()) as { access_token: string }).access_token] });
  ok.ws.terminate();
});

test('defect 6: refusals store a bounded query, and at most 30 per address per minute; the rest are counted', async () => {
  const sizeBefore = statSync(db).size;
  const long = 'x'.repeat(15_000);
  const attempts = 200;
  const ids = new Set<string>();
  for (let i = 0; i < attempts; i++) {
    const r = await refused(`${listenUrl(server.url, RAW)}&tag=${long}&n=${i}`, { headers: { Authorization: 'Token wrong' } });
    assert.equal(r.status, 401);
    ids.add(String(r.headers['dg-request-id']));
  }
  await new Promise((r) => setTimeout(r, 500));
  const res = await fetch(`${http}/v1/requests?limit=1000`, { headers: AUTH });
  const records = ((await res.json()) as { requests: Array<{ requestId: string; query: Record<string, string> }> }).requests.filter((r) => ids.has(r.requestId));
  assert.ok(records.length <= 30, `${records.length} of ${attempts} refusals stored`);
  assert.ok(records.length > 0, 'the first refusals are stored');
  for (const r of records) assert.ok(JSON.stringify(r.query).length < 1000, 'the stored query is bounded');
  const grownKb = (statSync(db).size - sizeBefore) / 1024;
  assert.ok(grownKb < 1024, `the log grew ${grownKb.toFixed(0)} KB`);
  const metrics = await (await fetch(`${http}/metrics`)).text();
  const notLogged = Number(/earshot_refusals_not_logged_total (\d+)/.exec(metrics)?.[1]);
  assert.ok(notLogged >= attempts - 30, `counted but not stored: ${notLogged}`);
});

test('defect 12: credentials in a callback URL are redacted in the server log and the request log', async () => {
  const received: string[] = [];
  const receiver: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => (received.push(req.url ?? ''), res.end('ok')));
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  try {
    const cb = `http://someone:hunter2secret@127.0.0.1:${(receiver.address() as { port: number }).port}/done`;
    const res = await fetch(`${http}/v1/listen?callback=${encodeURIComponent(cb)}`, { method: 'POST', headers: { ...AUTH, 'content-type': 'audio/wav' }, body: readFileSync(jfkWav()) });
    assert.equal(res.status, 200);
    const { request_id: id } = (await res.json()) as { request_id: string };
    for (let i = 0; i < 100 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(received.length, 1, 'the callback was delivered (with its credentials)');
    const record = await (await fetch(`${http}/v1/requests/${id}`, { headers: AUTH })).json();
    assert.match(JSON.stringify(record), /someone|\*\*\*/);
    assert.ok(!JSON.stringify(record).includes('hunter2secret'), 'not in the request log');
    assert.ok(!JSON.stringify(server.logs()).includes('hunter2secret'), 'not in the server log');
  } finally {
    receiver.close();
  }
});

test('defect 13: a stalled upload is answered 408 and never holds the transcription place', async () => {
  const stalled = tcpConnect(port, '127.0.0.1');
  const answer = new Promise<string>((resolve) => {
    let text = '';
    stalled.on('data', (c) => (text += c.toString()));
    stalled.on('close', () => resolve(text));
    stalled.on('error', () => resolve(text));
  });
  stalled.write(requestText('POST /v1/listen HTTP/1.1', { Host: 'x', ...AUTH, 'Content-Type': 'audio/wav', 'Content-Length': '1000000' }) + 'RIFF');
  await new Promise((r) => setTimeout(r, 200));
  // --max-transcriptions is 1 here: the stalled upload must not be holding it.
  const res = await fetch(`${http}/v1/listen`, { method: 'POST', headers: { ...AUTH, 'content-type': 'audio/wav' }, body: readFileSync(jfkWav()) });
  assert.equal(res.status, 200, await res.clone().text());
  const text = await Promise.race([answer, new Promise<string>((r) => setTimeout(() => r('no answer within 5 s'), 5000))]);
  assert.match(text, /^HTTP\/1\.1 408 /);
  assert.match(text, /dg-request-id: [0-9a-f-]{36}/);
  stalled.destroy();
});

test('defect 8: --handshakes-per-minute also slows key guessing at POST /v1/auth/grant and GET /v1/requests', async () => {
  const limited = await startFakeServer({ apiKeys: [KEY], handshakesPerMinute: 3 });
  try {
    const base = limited.url.replace(/^ws/, 'http');
    for (const [path, method] of [['/v1/auth/grant', 'POST'], ['/v1/requests', 'GET']] as const) {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await fetch(`${base}${path}`, { method, headers: { Authorization: `Token guess-${i}`, 'x-forwarded-for': 'ignored' } })).status);
      assert.equal(statuses.at(-1), 429, `${path}: ${statuses.join(', ')}`);
      // The limit is per address and shared: the next path starts over only after a minute, so the
      // second path is over it from its first request.
      if (path === '/v1/requests') assert.deepEqual(statuses, [429, 429, 429, 429]);
    }
  } finally {
    await limited.stop();
  }
});

// Keep the file's own request helper honest: a plain http.request with a body that never ends is refused too.
test('an upload whose client goes away mid-body leaves the server serving', async () => {
  await new Promise<void>((resolve) => {
    const req = request(`${http}/v1/listen`, { method: 'POST', headers: { ...AUTH, 'content-type': 'audio/wav', 'content-length': '100000' } });
    req.on('error', () => resolve());
    req.write(Buffer.alloc(1000));
    setTimeout(() => (req.destroy(), resolve()), 100);
  });
  await healthy();
});
