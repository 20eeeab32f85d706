// Issue 6, scope 2: short-lived access tokens. POST /v1/auth/grant turns an API key into a JWT that
// opens /v1/listen (header or subprotocol) and nothing else; expired, forged or tampered tokens are
// refused at the handshake with 401 and a dg-error that says which.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SignJWT, UnsecuredJWT } from 'jose';
import { earshot } from '../helpers/cli.js';
import { connect, listenUrl, refused, transcriptOf } from '../helpers/client.js';
import { keyId } from '../../src/store/api-keys.js';
import { scriptedAudio } from '../helpers/fake-recognizer.js';
import { sdkClient, streamWithSdk } from '../helpers/sdk.js';
import { startFakeServer, type FakeServer } from '../helpers/server.js';

const KEY = 'token-test-key';
const SECRET = 'a-secret-only-this-server-and-test-know';
const RAW = { encoding: 'linear16', sample_rate: 16000 };

let server: FakeServer;
let http: string;
before(async () => {
  server = await startFakeServer({ apiKeys: [KEY], tokenSecret: SECRET });
  http = server.url.replace('ws://', 'http://');
});
after(() => server.stop());

async function grant(init: { key?: string; body?: string } = {}): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (init.key) headers.authorization = `Token ${init.key}`;
  return fetch(`${http}/v1/auth/grant`, { method: 'POST', headers, body: init.body });
}

async function token(ttlSeconds?: number): Promise<string> {
  const res = await grant({ key: KEY, body: ttlSeconds === undefined ? undefined : JSON.stringify({ ttl_seconds: ttlSeconds }) });
  assert.equal(res.status, 200);
  return (await res.json()).access_token;
}

/** A token as this server would sign it, with claims and key of the test's choosing. */
function signed(claims: Record<string, unknown>, { secret = SECRET, expiresAt = '30s' as string | number, issuer = 'earshot' } = {}): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuer(issuer).setIssuedAt().setExpirationTime(expiresAt).sign(new TextEncoder().encode(secret));
}

async function assertRefused(credential: { headers?: Record<string, string>; protocols?: string[] }, dgError: RegExp): Promise<void> {
  const r = await refused(listenUrl(server.url, RAW), credential);
  assert.equal(r.status, 401);
  assert.match(String(r.headers['dg-error']), dgError);
  const body = JSON.parse(r.body);
  assert.equal(body.err_code, 'INVALID_AUTH');
  assert.equal(body.request_id, r.headers['dg-request-id']);
}

async function assertOpens(credential: { headers?: Record<string, string>; protocols?: string[] }, protocol = ''): Promise<void> {
  const c = await connect(listenUrl(server.url, RAW), credential);
  assert.equal(c.protocol, protocol);
  c.send({ type: 'CloseStream' });
  assert.equal((await c.closed).code, 1000);
}

describe('POST /v1/auth/grant', () => {
  test('with an API key: Deepgram\'s {access_token, expires_in}, 30 s by default', async () => {
    const res = await grant({ key: KEY });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('dg-request-id') ?? '', /^[0-9a-f-]{36}$/);
    const body = await res.json();
    assert.deepEqual(Object.keys(body).sort(), ['access_token', 'expires_in']);
    assert.equal(body.expires_in, 30);
    const claims = JSON.parse(Buffer.from(body.access_token.split('.')[1], 'base64url').toString());
    assert.equal(claims.exp - claims.iat, 30);
    assert.equal(claims.scope, 'listen');
    assert.ok(!body.access_token.includes(KEY) && !JSON.stringify(claims).includes(KEY), 'the token does not carry the key');
  });

  test('ttl_seconds sets the lifetime, 1 to 3600', async () => {
    assert.equal((await (await grant({ key: KEY, body: '{"ttl_seconds": 600}' })).json()).expires_in, 600);
    for (const body of ['{"ttl_seconds": 0}', '{"ttl_seconds": 3601}', '{"ttl_seconds": "60"}', '{"ttl_seconds": 1.5}', '{"ttl": 5}', 'not json']) {
      const res = await grant({ key: KEY, body });
      assert.equal(res.status, 400, body);
      assert.match(res.headers.get('dg-error') ?? '', /ttl_seconds|ttl|JSON/, body);
      assert.equal((await res.json()).err_code, 'BAD_REQUEST');
    }
  });

  test('needs an API key: none, a wrong one or an access token get 401; GET gets 405', async () => {
    assert.equal((await grant()).status, 401);
    assert.equal((await grant({ key: 'wrong' })).status, 401);
    const fromToken = await fetch(`${http}/v1/auth/grant`, { method: 'POST', headers: { authorization: `Bearer ${await token()}` } });
    assert.equal(fromToken.status, 401);
    assert.match(fromToken.headers.get('dg-error') ?? '', /needs an API key/);
    assert.equal((await fetch(`${http}/v1/auth/grant`)).status, 405);
  });

  test('an access token does not read the request log', async () => {
    const res = await fetch(`${http}/v1/requests`, { headers: { authorization: `Bearer ${await token()}` } });
    assert.equal(res.status, 401);
  });
});

describe('/v1/listen with an access token', () => {
  test('opens in every form: Bearer header, "bearer" subprotocol, "token" subprotocol', async () => {
    await assertOpens({ headers: { Authorization: `Bearer ${await token()}` } });
    await assertOpens({ protocols: ['bearer', await token()] }, 'bearer');
    await assertOpens({ protocols: ['token', await token()] }, 'token');
  });

  test('expired: 401 saying when it expired', async () => {
    const expired = await signed({ scope: 'listen' }, { expiresAt: Math.floor(Date.now() / 1000) - 5 });
    await assertRefused({ protocols: ['bearer', expired] }, /The access token has expired \(at \d{4}-\d\d-\d\dT/);
    await assertRefused({ headers: { Authorization: `Bearer ${expired}` } }, /has expired/);
  });

  test('a granted token expires after its ttl_seconds', async () => {
    const short = await token(1);
    await new Promise((r) => setTimeout(r, 2100));
    await assertRefused({ protocols: ['bearer', short] }, /has expired/);
  });

  test('forged: signed with another secret, unsigned (alg none), tampered, or not a JWT: 401', async () => {
    await assertRefused({ protocols: ['bearer', await signed({ scope: 'listen' }, { secret: 'guessed' })] }, /signature does not verify/);
    await assertRefused({ protocols: ['bearer', new UnsecuredJWT({ scope: 'listen' }).setIssuer('earshot').setExpirationTime('30s').encode()] }, /not valid/);
    const [header, , signature] = (await token()).split('.');
    const widened = Buffer.from(JSON.stringify({ scope: 'listen', iss: 'earshot', exp: Math.floor(Date.now() / 1000) + 86_400 })).toString('base64url');
    await assertRefused({ protocols: ['bearer', `${header}.${widened}.${signature}`] }, /signature does not verify/);
    await assertRefused({ headers: { Authorization: 'Bearer not.a.jwt' } }, /not valid/);
  });

  test('signed here but for another use: wrong scope, wrong issuer or no expiry: 401', async () => {
    await assertRefused({ protocols: ['bearer', await signed({ scope: 'manage' })] }, /does not grant 'listen'/);
    await assertRefused({ protocols: ['bearer', await signed({ scope: 'listen' }, { issuer: 'someone-else' })] }, /'iss' claim/);
    const forever = await new SignJWT({ scope: 'listen' }).setProtectedHeader({ alg: 'HS256' }).setIssuer('earshot').sign(new TextEncoder().encode(SECRET));
    await assertRefused({ protocols: ['bearer', forever] }, /'exp' claim is missing/);
  });

  test('the refusal is in the request log and explained by `requests show`', async () => {
    const expired = await signed({ scope: 'listen' }, { expiresAt: Math.floor(Date.now() / 1000) - 5 });
    const r = await refused(listenUrl(server.url, RAW), { protocols: ['bearer', expired] });
    const record = await (await fetch(`${http}/v1/requests/${r.headers['dg-request-id']}`, { headers: { authorization: `Token ${KEY}` } })).json();
    assert.equal(record.state, 'refused');
    assert.equal(record.httpStatus, 401);
    assert.match(record.error, /has expired/);
  });

  test('a stream outlives its token: checked at the handshake only, as on Deepgram', async () => {
    const c = await connect(listenUrl(server.url, RAW), { protocols: ['bearer', await token(1)] });
    // Two 5 s utterances at four times real time: the token expires while they stream.
    await c.stream(scriptedAudio(5, 0.5, 5, 0.5), 3200, 25);
    c.send({ type: 'CloseStream' });
    assert.equal((await c.closed).code, 1000);
    const said = server.fake.script[0];
    assert.equal(transcriptOf(c.messages), `${said} ${said}`, 'both utterances transcribed');
    const record = await (await fetch(`${http}/v1/requests/${c.requestId}`, { headers: { authorization: `Token ${KEY}` } })).json();
    assert.equal(record.keyId, keyId(KEY), 'the request log names the key that granted the token');
  });
});

describe('earshot token', () => {
  test('--page prints the page\'s address with a token in its fragment that opens /v1/listen', async () => {
    const r = await earshot(['token', '--server', http, '--api-key', KEY, '--ttl', '120', '--page']);
    assert.equal(r.code, 0, r.stderr);
    const link = new URL(r.stdout.trim());
    assert.equal(link.origin, http);
    assert.equal(link.pathname, '/');
    assert.equal(link.search, '', 'the token is never in the part a browser sends');
    assert.match(r.stderr, /press Start within 2 minutes of making this link/);
    assert.match(r.stderr, /opens on this machine only \(127\.0\.0\.1 is loopback\)/);
    await assertOpens({ protocols: ['bearer', new URLSearchParams(link.hash.slice(1)).get('access_token')!] }, 'bearer');
  });

  test('--page links last 15 minutes unless --ttl says otherwise: a person reads the page before pressing Start', async () => {
    const r = await earshot(['token', '--server', http.replace('http://', ''), '--api-key', KEY, '--page']);
    assert.equal(r.code, 0, r.stderr);
    const token = new URLSearchParams(new URL(r.stdout.trim()).hash.slice(1)).get('access_token')!;
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    assert.equal(claims.exp - claims.iat, 900);
    assert.match(r.stderr, /press Start within 15 minutes/);
    assert.match(r.stderr, /run `earshot token --page` again for a new one/);
  });

  test('--json prints Deepgram\'s grant; the key can come from EARSHOT_API_KEY', async () => {
    const r = await earshot(['token', '--server', server.url, '--json'], { EARSHOT_API_KEY: KEY });
    assert.equal(r.code, 0, r.stderr);
    const granted = JSON.parse(r.stdout);
    assert.equal(granted.expires_in, 30);
    await assertOpens({ headers: { Authorization: `Bearer ${granted.access_token}` } });
  });

  test('a wrong key or a bad --ttl: exit 1 with the refusal and its fix, nothing on stdout', async () => {
    const wrong = await earshot(['token', '--server', http, '--api-key', 'wrong']);
    assert.equal(wrong.code, 1);
    assert.equal(wrong.stdout, '');
    assert.match(wrong.stderr, /HTTP 401 Unauthorized: Invalid credentials/);
    assert.match(wrong.stderr, /Give a key the server accepts with --api-key, or set EARSHOT_API_KEY/);
    const tooLong = await earshot(['token', '--server', http, '--api-key', KEY, '--ttl', '7200']);
    assert.equal(tooLong.code, 1);
    assert.match(tooLong.stderr, /HTTP 400 Bad Request: Invalid 'ttl_seconds'/);
  });
});

test('@deepgram/sdk: auth.v1.tokens.grant, then live transcription with the access token', async () => {
  const granted = await sdkClient(server, { apiKey: KEY }).auth.v1.tokens.grant({ ttl_seconds: 60 });
  assert.equal(granted.expires_in, 60);
  const query = { model: 'nova-3', encoding: 'linear16', sample_rate: 16000 } as const;
  const { messages, closeCode } = await streamWithSdk(sdkClient(server, { accessToken: granted.access_token }), query, scriptedAudio(2, 0.5), { chunkBytes: 32000 });
  assert.equal(closeCode, 1000);
  assert.equal(transcriptOf(messages), server.fake.script[0]);
});
