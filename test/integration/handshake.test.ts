// Scope item 3: the /v1/listen handshake — auth in four forms, dg-request-id everywhere, and each
// refusal with its status, dg-error header and Deepgram's JSON body.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RunningEarshot } from '../../src/server/start.js';
import { connect, listenUrl, refused } from '../helpers/client.js';
import { startFakeServer } from '../helpers/server.js';

const KEY = 'test-key-0123456789';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const RAW = { encoding: 'linear16', sample_rate: 16000 };

function assertRefusal(r: Awaited<ReturnType<typeof refused>>, status: number, errCode: string, dgError: RegExp): void {
  assert.equal(r.status, status);
  const id = String(r.headers['dg-request-id']);
  assert.match(id, UUID);
  assert.match(String(r.headers['dg-error']), dgError);
  assert.match(String(r.headers['content-type']), /application\/json/);
  const body = JSON.parse(r.body);
  assert.equal(body.err_code, errCode);
  assert.equal(body.request_id, id);
  assert.match(body.err_msg, dgError);
}

describe('handshake with an API key configured', () => {
  let server: RunningEarshot;
  before(async () => (server = await startFakeServer({ apiKeys: [KEY], maxStreams: 3 })));
  after(() => server.stop());

  const accepts = async (options: Parameters<typeof connect>[1], expectProtocol = '') => {
    const c = await connect(listenUrl(server.url, RAW), options);
    assert.match(c.requestId, UUID, 'the 101 carries dg-request-id');
    assert.equal(c.protocol, expectProtocol);
    c.send({ type: 'CloseStream' });
    assert.equal((await c.closed).code, 1000);
  };

  test('Authorization: Token KEY', () => accepts({ headers: { Authorization: `Token ${KEY}` } }));
  test('Authorization: token KEY (the seed sample spells the scheme in lower case)', () => accepts({ headers: { Authorization: `token ${KEY}` } }));
  test('Authorization: Bearer TOKEN', () => accepts({ headers: { Authorization: `Bearer ${KEY}` } }));
  test('Sec-WebSocket-Protocol: token, KEY echoes "token"', () => accepts({ protocols: ['token', KEY] }, 'token'));
  test('Sec-WebSocket-Protocol: bearer, TOKEN echoes "bearer"', () => accepts({ protocols: ['bearer', KEY] }, 'bearer'));
  test('SDK v5 browser form with a session id after the key', () => accepts({ protocols: ['token', KEY, 'x-deepgram-session-id', 'c0ffee'] }, 'token'));

  test('no credentials: 401 INVALID_AUTH', async () => {
    assertRefusal(await refused(listenUrl(server.url, RAW)), 401, 'INVALID_AUTH', /Invalid credentials/);
  });

  test('wrong key: 401, in header and subprotocol form', async () => {
    assertRefusal(await refused(listenUrl(server.url, RAW), { headers: { Authorization: 'Token nope' } }), 401, 'INVALID_AUTH', /Invalid credentials/);
    assertRefusal(await refused(listenUrl(server.url, RAW), { protocols: ['token', 'nope'] }), 401, 'INVALID_AUTH', /Invalid credentials/);
  });

  test('/favicon.ico: 204, no icon and no error', async () => {
    const res = await fetch(`${server.url.replace('ws://', 'http://')}/favicon.ico`);
    assert.equal(res.status, 204);
  });

  test("the page's probe of a refused upgrade is answered as that request: its id, one record in the log", async () => {
    const url = listenUrl(server.url, { ...RAW, tag: 'probe-test' });
    const upgrade = await refused(url, { protocols: ['token', 'wrong-key'] });
    const probe = await fetch(url.replace('ws://', 'http://'), { headers: { 'earshot-probe': 'upgrade', authorization: 'Token wrong-key' } });
    assert.equal(probe.status, 401);
    assert.equal(probe.headers.get('dg-request-id'), upgrade.headers['dg-request-id']);
    const again = await fetch(url.replace('ws://', 'http://'), { headers: { 'earshot-probe': 'upgrade', authorization: 'Token wrong-key' } });
    assert.notEqual(again.headers.get('dg-request-id'), upgrade.headers['dg-request-id'], 'a probe answers for one upgrade only');
    const unmarked = await fetch(url.replace('ws://', 'http://'), { headers: { authorization: 'Token wrong-key' } });
    assert.notEqual(unmarked.headers.get('dg-request-id'), upgrade.headers['dg-request-id']);
    const logged = async () => {
      const res = await fetch(`${server.url.replace('ws://', 'http://')}/v1/requests?limit=20`, { headers: { authorization: `Token ${KEY}` } });
      return ((await res.json()) as { requests: Array<{ requestId: string; query: Record<string, string> }> }).requests.filter((r) => r.query.tag === 'probe-test');
    };
    // The log is written behind the answers.
    for (let i = 0; i < 50 && (await logged()).length < 3; i++) await new Promise((r) => setTimeout(r, 20));
    const records = await logged();
    assert.deepEqual(records.map((r) => r.requestId).sort(), [upgrade.headers['dg-request-id'], again.headers.get('dg-request-id'), unmarked.headers.get('dg-request-id')].sort());
  });

  test('every invalid or unsupported query value: 400 naming the parameter', async () => {
    const auth = { headers: { Authorization: `Token ${KEY}` } };
    const cases: Array<[Record<string, string | number>, RegExp]> = [
      [{ utterance_end_ms: 999 }, /^Invalid 'utterance_end_ms' value of '999'\./],
      [{ encoding: 'linear16' }, /sample_rate/],
      [{ encoding: 'pcm', sample_rate: 16000 }, /Invalid 'encoding' value of 'pcm'/],
      [{ encoding: 'amr-nb', sample_rate: 8000 }, /Earshot does not decode amr-nb/],
      [{ encoding: 'speex', sample_rate: 16000 }, /raw Speex packets have no framing/],
      [{ encoding: 'opus', sample_rate: 44100 }, /Opus decodes at 8000, 12000, 16000, 24000, 48000 Hz/],
      [{ ...RAW, sample_rate: 4000 }, /Invalid 'sample_rate' value of '4000'/],
      [{ ...RAW, channels: 0 }, /Invalid 'channels'/],
      [{ ...RAW, channels: 9 }, /Invalid 'channels'/],
      [{ interim_results: 'yes' }, /Invalid 'interim_results' value of 'yes'/],
      [{ endpointing: '-5' }, /Invalid 'endpointing'/],
      [{ language: 'fr' }, /Invalid 'language' value of 'fr'.*English/],
      [{ model: 'flux-general-en' }, /Invalid 'model'.*v2/],
      [{ diarize: 'true' }, /diarize is not supported/],
    ];
    for (const [query, message] of cases) {
      assertRefusal(await refused(listenUrl(server.url, query), auth), 400, 'INVALID_QUERY_PARAMETER', message);
    }
  });

  test('Deepgram spellings are accepted: True/False booleans, endpointing=false, unknown parameters', async () => {
    const c = await connect(listenUrl(server.url, { ...RAW, interim_results: 'True', punctuate: 'FALSE', endpointing: 'false', some_future_flag: 'x', model: 'nova-3' }), {
      headers: { Authorization: `Token ${KEY}` },
    });
    c.send({ type: 'CloseStream' });
    assert.equal((await c.closed).code, 1000);
  });

  test('a base URL that already ends in /v1/listen, and a trailing slash, still route', async () => {
    for (const path of ['/proxy/v1/listen', '/v1/listen/']) {
      const c = await connect(listenUrl(server.url, RAW, path), { headers: { Authorization: `Token ${KEY}` } });
      c.send({ type: 'CloseStream' });
      assert.equal((await c.closed).code, 1000);
    }
  });

  test('other paths: 404; /v1/listen without an upgrade: the handshake checks, then 426; with DELETE: 405', async () => {
    const http = server.url.replace('ws://', 'http://');
    const auth = { Authorization: `Token ${KEY}` };
    assertRefusal(await refused(`${server.url}/v3/listen`, { headers: auth }), 404, 'NOT_FOUND', /No such endpoint/);
    const get = await fetch(`${http}/v1/listen`, { headers: auth });
    assert.equal(get.status, 426);
    assert.match(get.headers.get('dg-request-id') ?? '', UUID);
    assert.match(get.headers.get('dg-error') ?? '', /WebSocket upgrade/);
    // A browser cannot read a refused upgrade; the same URL fetched says why it was refused.
    const unauthenticated = await fetch(`${http}/v1/listen`);
    assert.equal(unauthenticated.status, 401);
    assert.match(unauthenticated.headers.get('dg-error') ?? '', /Invalid credentials/);
    const badQuery = await fetch(`${http}/v1/listen?language=fr`, { headers: auth });
    assert.equal(badQuery.status, 400);
    assert.match(badQuery.headers.get('dg-error') ?? '', /Invalid 'language'/);
    // POST is pre-recorded transcription (prerecorded.test.ts); other methods have no meaning here.
    const del = await fetch(`${http}/v1/listen`, { method: 'DELETE', headers: auth });
    assert.equal(del.status, 405);
    assert.equal((await del.json()).err_code, 'METHOD_NOT_ALLOWED');
  });

  test('over the concurrency limit: 429 TOO_MANY_REQUESTS', async () => {
    const auth = { headers: { Authorization: `Token ${KEY}` } };
    const open = await Promise.all([1, 2, 3].map(() => connect(listenUrl(server.url, RAW), auth)));
    assertRefusal(await refused(listenUrl(server.url, RAW), auth), 429, 'TOO_MANY_REQUESTS', /Too many requests/);
    for (const c of open) c.send({ type: 'CloseStream' });
    await Promise.all(open.map((c) => c.closed));
    const again = await connect(listenUrl(server.url, RAW), auth);
    again.send({ type: 'CloseStream' });
    assert.equal((await again.closed).code, 1000, 'slots are released when streams close');
  });
});

describe('handshake with no API key configured', () => {
  let server: RunningEarshot;
  before(async () => (server = await startFakeServer()));
  after(() => server.stop());

  test('any or no credentials are accepted (loopback only)', async () => {
    for (const headers of [{}, { Authorization: 'Token whatever' }] as Array<Record<string, string>>) {
      const c = await connect(listenUrl(server.url, RAW), { headers });
      c.send({ type: 'CloseStream' });
      assert.equal((await c.closed).code, 1000);
    }
  });

  test('refuses to start on a non-loopback address without a key', async () => {
    await assert.rejects(startFakeServer({ host: '0.0.0.0' }), /only listens on loopback/);
  });

  test('while draining: 503, and the open stream still ends with Metadata and 1000', async () => {
    const c = await connect(listenUrl(server.url, RAW));
    const draining = server.server.drain(60_000);
    assertRefusal(await refused(listenUrl(server.url, RAW)), 503, 'SERVICE_UNAVAILABLE', /shutting down/);
    c.send({ type: 'CloseStream' });
    await c.next((m) => m.type === 'Metadata');
    assert.equal((await c.closed).code, 1000);
    await draining;
  });
});
