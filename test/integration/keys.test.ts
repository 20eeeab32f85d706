// Issue 8, scope 5: `earshot keys create|list|revoke` against the state file a running server
// reads: hashed storage, scopes, and revocation at the very next handshake, with no restart.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { earshot } from '../helpers/cli.js';
import { connect, listenUrl, refused } from '../helpers/client.js';
import { startFakeServer, type TestServer } from '../helpers/server.js';

const RAW = { encoding: 'linear16', sample_rate: 16000 };
const work = mkdtempSync(join(tmpdir(), 'earshot-keys-'));
const db = join(work, 'state.db');
let server: TestServer;
let http: string;
let listener: { id: string; secret: string };
let reader: { id: string; secret: string };

async function createKey(...args: string[]): Promise<{ id: string; secret: string; scopes: string[] }> {
  const run = await earshot(['keys', '--db', db, 'create', '--json', ...args]);
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout);
}

before(async () => {
  listener = await createKey('--label', 'captions app');
  reader = await createKey('--label', 'ops', '--scope', 'requests');
  // No --api-key: the keys in the state file turn authentication on.
  server = await startFakeServer({ requestLog: db });
  http = server.url.replace('ws://', 'http://');
});
after(async () => {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
});

const auth = (secret: string) => ({ headers: { Authorization: `Token ${secret}` } });

test('created keys open what their scopes allow, and nothing else', async () => {
  assert.match(listener.secret, /^esk_[\w-]{32}$/);
  const c = await connect(listenUrl(server.url, RAW), auth(listener.secret));
  c.send({ type: 'CloseStream' });
  assert.equal((await c.closed).code, 1000);
  for (let i = 0; i < 50 && server.server.activeStreams > 0; i++) await new Promise((r) => setTimeout(r, 20));

  const wrongScope = await refused(listenUrl(server.url, RAW), auth(reader.secret));
  assert.equal(wrongScope.status, 403);
  assert.match(String(wrongScope.headers['dg-error']), new RegExp(`This key \\(${reader.id}\\) does not have the 'listen' scope`));
  assert.equal((await refused(listenUrl(server.url, RAW))).status, 401, 'keys in the file turn auth on');
  assert.equal((await refused(listenUrl(server.url, RAW), auth('esk_guessed'))).status, 401);

  const log = await fetch(`${http}/v1/requests/${c.requestId}`, { headers: { authorization: `Token ${reader.secret}` } });
  assert.equal(log.status, 200, 'the requests scope reads the request log');
  assert.equal((await log.json()).keyId, listener.id, 'the stream is logged under its key\'s id');
  assert.equal((await fetch(`${http}/v1/requests`, { headers: { authorization: `Token ${listener.secret}` } })).status, 403);
});

test('the state file holds hashes, never a secret', () => {
  for (const file of [db, `${db}-wal`].filter(existsSync)) {
    const bytes = readFileSync(file, 'latin1');
    assert.ok(!bytes.includes(listener.secret) && !bytes.includes(reader.secret), file);
  }
});

test('revoked from the CLI while the server runs: refused at the next handshake', async () => {
  const revoked = await earshot(['keys', '--db', db, 'revoke', listener.id]);
  assert.equal(revoked.code, 0, revoked.stderr);
  assert.match(revoked.stdout, /revoked key-[0-9a-f]{12}/);
  assert.equal((await refused(listenUrl(server.url, RAW), auth(listener.secret))).status, 401);
  const list = JSON.parse((await earshot(['keys', '--db', db, 'list', '--json'])).stdout);
  assert.deepEqual(list.map((k: any) => [k.id, k.label, k.scopes, Boolean(k.revokedAt)]), [
    [listener.id, 'captions app', ['listen'], true],
    [reader.id, 'ops', ['requests'], false],
  ]);
  assert.ok(list.every((k: any) => !('secret' in k)));
  const again = await earshot(['keys', '--db', db, 'revoke', listener.id]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /no live key/);
});

test('an unknown scope is refused with the list of scopes', async () => {
  const run = await earshot(['keys', '--db', db, 'create', '--scope', 'admin']);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /unknown scope admin: the scopes are listen, requests/);
});
