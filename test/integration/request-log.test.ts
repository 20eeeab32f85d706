// The request log is durable: records of completed requests survive kill -9 of the server, a stream
// open at the crash is marked interrupted, and the log is served at GET /v1/requests behind the keys.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { earshot, serve } from '../helpers/cli.js';
import { connect, listenUrl, refused } from '../helpers/client.js';
import { jfkWav, wavData } from '../helpers/fixtures.js';
import { openStateStore } from '../../src/store/state-store.js';

const KEY = 'log-test-key';
const RAW16K = { encoding: 'linear16', sample_rate: 16000 };
const auth = { headers: { Authorization: `Token ${KEY}` } };

test('completed records survive kill -9; the stream open at the crash is marked interrupted', async () => {
  const work = mkdtempSync(join(tmpdir(), 'earshot-log-'));
  const env = { EARSHOT_REQUEST_LOG: join(work, 'requests.db') };
  const args = ['--port', '0', '--host', '127.0.0.1', '--api-keys', KEY];
  const first = serve(args, env);
  try {
    const url = await first.url;
    const done: string[] = [];
    for (let i = 0; i < 2; i++) {
      const c = await connect(listenUrl(url, RAW16K), auth);
      await c.stream(wavData(jfkWav()), 3200);
      c.send({ type: 'CloseStream' });
      assert.equal((await c.closed).code, 1000);
      done.push(c.requestId);
    }
    const refusal = await refused(listenUrl(url, RAW16K), { headers: { Authorization: 'Token nope' } });
    const openAtCrash = await connect(listenUrl(url, RAW16K), auth);
    await openAtCrash.stream(wavData(jfkWav()).subarray(0, 32000), 3200);
    // The log is written behind the streams: wait until it has their closes.
    for (const id of done) {
      for (let i = 0; i < 100; i++) {
        const record = await (await fetch(`${url.replace('ws://', 'http://')}/v1/requests/${id}`, auth)).json().catch(() => undefined);
        if (record?.state === 'closed') break;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    first.child.kill('SIGKILL');
    await first.exit;

    const second = serve(args, env);
    try {
      await second.url;
      const list = await earshot(['requests', '--db', env.EARSHOT_REQUEST_LOG, 'list', '--json']);
      assert.equal(list.code, 0, list.stderr);
      const records = JSON.parse(list.stdout);
      const byId = new Map(records.map((r: any) => [r.requestId, r]));
      for (const id of done) {
        const r: any = byId.get(id);
        assert.equal(r?.state, 'closed', id);
        assert.equal(r.closeCode, 1000);
        assert.ok(r.audioSeconds > 10);
      }
      assert.equal((byId.get(String(refusal.headers['dg-request-id'])) as any)?.state, 'refused');
      assert.equal((byId.get(openAtCrash.requestId) as any)?.state, 'interrupted');
      const text = await earshot(['requests', '--db', env.EARSHOT_REQUEST_LOG, 'show', openAtCrash.requestId], { NO_COLOR: '1' });
      assert.match(text.stdout, /interrupted: the server stopped abruptly/);
    } finally {
      second.child.kill('SIGKILL');
    }
  } finally {
    first.child.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  }
});

test('GET /v1/requests and `requests --server` need a key and show the log', async () => {
  const s = serve(['--port', '0', '--host', '127.0.0.1', '--api-keys', KEY]);
  try {
    const url = await s.url;
    const c = await connect(listenUrl(url, RAW16K), auth);
    c.ws.send(Buffer.alloc(0));
    await c.closed;
    const http = url.replace('ws', 'http');

    const anonymous = await fetch(`${http}/v1/requests`);
    assert.equal(anonymous.status, 401);
    assert.ok(anonymous.headers.get('dg-error'));

    const one = await fetch(`${http}/v1/requests/${c.requestId}`, auth);
    assert.equal(one.status, 200);
    assert.equal((await one.json()).diagnoses[0].code, 'empty-binary-frame');
    const missing = await fetch(`${http}/v1/requests/no-such-id`, auth);
    assert.equal(missing.status, 404);
    assert.match(missing.headers.get('dg-error')!, /No request no-such-id/);

    const listed = await earshot(['requests', '--server', url, '--api-key', KEY, 'list'], { NO_COLOR: '1' });
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`${c.requestId}\\s+closed 1000.*1 problem: empty-binary-frame`));
    const wrongKey = await earshot(['requests', '--server', url, '--api-key', 'bad', 'list']);
    assert.equal(wrongKey.code, 1);
    assert.match(wrongKey.stderr, /HTTP 401 Unauthorized: Invalid credentials/);
  } finally {
    s.child.kill('SIGKILL');
  }
});

test('retention deletes records older than the configured days', async () => {
  const store = await openStateStore({ sqlitePath: ':memory:' }, { role: 'server', server: 'test:1' });
  const log = store.requests;
  const base = { state: 'closed' as const, client: '::1', path: '/v1/listen', query: {}, httpStatus: 101, bytesReceived: 0, audioSeconds: 0, messagesSent: {}, framesReceived: {}, diagnoses: [], serverPid: process.pid };
  const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
  await log.write({ ...base, requestId: 'old', openedAt: daysAgo(31) });
  await log.write({ ...base, requestId: 'new', openedAt: daysAgo(29) });
  assert.equal(await log.prune(30), 1);
  assert.deepEqual((await log.list({ limit: 10 })).map((r) => r.requestId), ['new']);
  await store.close();
});
