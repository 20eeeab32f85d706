// Issue 8, scale-out: two `earshot serve` replicas share a PostgreSQL database (request log and keys)
// behind nginx running the shipped deploy/nginx/earshot.conf, all on loopback. One replica gets
// SIGTERM mid-stream: its streams still end with all their words and Metadata, new streams go to
// the other replica, and the shared log has both replicas' requests.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { hostname } from 'node:os';
import { after, before, describe, test } from 'node:test';
import { openStateStore } from '../../src/store/state-store.js';
import type { StateStore } from '../../src/store/store.js';
import type { RequestRecord } from '../../src/store/request-record.js';
import { earshot, serve, type Served } from '../helpers/cli.js';
import { connect, listenUrl, refused, transcriptOf, type Connection } from '../helpers/client.js';
import { joinWithSilence, PASSAGE, speechWav, wavData } from '../helpers/fixtures.js';
import { startNginx, type TestNginx } from '../helpers/nginx.js';
import { freePort } from '../helpers/ports.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { startServer } from '../helpers/server.js';
import { wer } from '../helpers/wer.js';

const RAW = { encoding: 'linear16', sample_rate: 16000, interim_results: true };
const BYTES_PER_SECOND = 32000;
const CHUNK = 3200; // 100 ms
const TEXT = PASSAGE.slice(0, 3).join(' ');

/** The shipped site config, with the upstream and listen addresses replaced by the test's. */
function nginxSite(port: number, replicas: number[]): string {
  const shipped = readFileSync(new URL('../../deploy/nginx/earshot.conf', import.meta.url), 'utf8');
  const servers = /(upstream earshot \{[^}]*?least_conn;\n)(?:\s*server [^;]+;\n)+/;
  const listen = /listen 80;/;
  assert.match(shipped, servers, 'the shipped config has an upstream block with servers');
  assert.match(shipped, listen);
  return shipped.replace(servers, (_all, head) => head + replicas.map((p) => `    server 127.0.0.1:${p};\n`).join('')).replace(listen, `listen 127.0.0.1:${port};`);
}

describe('two replicas behind nginx, one PostgreSQL', () => {
  let postgres: TestPostgres;
  let nginx: TestNginx;
  let store: StateStore;
  let replicas: Served[] = [];
  let base = '';
  let secret = '';
  let keyId = '';
  let env: Record<string, string> = {};
  const auth = () => ({ headers: { Authorization: `Token ${secret}` } });
  /** Which replica served a request, by the shared log (written in the background: waited for, up to 5 s). */
  const servedBy = async (requestId: string) => {
    for (let i = 0; i < 50; i++) {
      const record = await store.requests.get(requestId);
      if (record) return record.server;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail(`request ${requestId} is not in the shared log`);
  };
  const replicaName = (r: Served) => `${hostname()}:${r.child.pid}`;

  before(async () => {
    postgres = await startPostgres();
    env = { EARSHOT_DATABASE_URL: postgres.url, EARSHOT_TOKEN_SECRET: 'scale-out-test-secret-of-enough-length' };
    const created = await earshot(['keys', 'create', '--label', 'scale-out', '--json'], env);
    assert.equal(created.code, 0, created.stderr);
    ({ secret, id: keyId } = JSON.parse(created.stdout));
    const ports = [await freePort(), await freePort()];
    replicas = ports.map((port) => serve(['--port', String(port), '--host', '127.0.0.1', '--trust-proxy', '--workers', '1', '--drain-grace-ms', '30000'], env));
    await Promise.all(replicas.map((r) => r.url));
    const port = await freePort();
    nginx = await startNginx(nginxSite(port, ports), port);
    base = `ws://127.0.0.1:${port}`;
    store = await openStateStore({ databaseUrl: postgres.url, sqlitePath: ':memory:' }, { role: 'reader' });
  });

  after(async () => {
    for (const r of replicas) r.child.kill('SIGKILL');
    await Promise.all(replicas.map((r) => r.exit));
    await store?.close();
    await nginx?.stop();
    await postgres?.stop();
  });

  test('SIGTERM mid-stream: its streams finish with every word and Metadata, new streams go to the other replica, one shared log', async () => {
    const audio = wavData(joinWithSilence([speechWav(PASSAGE[0]), speechWav(PASSAGE[1]), speechWav(PASSAGE[2])], 0.6, { trailing: true }));
    const audioSeconds = audio.length / BYTES_PER_SECOND;

    // least_conn spreads four streams over both replicas.
    const streams: Connection[] = [];
    for (let i = 0; i < 4; i++) streams.push(await connect(listenUrl(base, RAW), auth()));
    const servers = await Promise.all(streams.map((s) => servedBy(s.requestId)));
    const [a, b] = replicas;
    assert.deepEqual(new Set(servers), new Set([replicaName(a), replicaName(b)]), 'nginx spread the streams over both replicas');
    const onA = streams.filter((_s, i) => servers[i] === replicaName(a));

    // Real-time streaming; the replica is told to stop while every stream is mid-utterance.
    const sending = streams.map(async (s) => {
      await s.stream(audio, CHUNK, 100);
      s.send({ type: 'CloseStream' });
    });
    await new Promise((r) => setTimeout(r, 2500));
    a.child.kill('SIGTERM');
    for (let i = 0; i < 50; i++) {
      const ready = await fetch(`${(await a.url).replace('ws://', 'http://')}/readyz`).catch(() => undefined);
      if (ready?.status === 503) break;
      await new Promise((r) => setTimeout(r, 100));
    }

    // New streams, opened through nginx while A drains, land on B (A answers 503, nginx retries).
    const late: Connection[] = [];
    for (let i = 0; i < 2; i++) late.push(await connect(listenUrl(base, RAW), auth()));
    for (const s of late) assert.equal(await servedBy(s.requestId), replicaName(b), 'a new stream went to the replica still running');
    const lateSending = late.map(async (s) => {
      await s.stream(audio, CHUNK, 0);
      s.send({ type: 'CloseStream' });
    });

    await Promise.all([...sending, ...lateSending]);
    for (const s of [...streams, ...late]) {
      assert.equal((await s.closed).code, 1000);
      const metadata = s.messages.find((m) => m.type === 'Metadata');
      assert.ok(metadata, 'Metadata before the close');
      assert.ok(Math.abs(metadata.duration - audioSeconds) < 0.05, `Metadata counts all ${audioSeconds} s (got ${metadata.duration})`);
      const heard = transcriptOf(s.messages);
      assert.ok(wer(TEXT, heard) <= 0.15, `every word: "${heard}"`);
    }
    assert.ok(onA.length > 0);
    assert.equal(await a.exit, 0, 'the drained replica exits cleanly once its streams are done');

    // One log, both replicas: every stream is there, closed with 1000, under the replica that served it.
    const records = await store.requests.list({ limit: 100 });
    const byId = new Map(records.map((r: RequestRecord) => [r.requestId, r]));
    for (const s of [...streams, ...late]) {
      const r = byId.get(s.requestId);
      assert.ok(r, `${s.requestId} is in the shared log`);
      assert.equal(r.state, 'closed');
      assert.equal(r.closeCode, 1000);
      assert.equal(r.keyId, keyId);
      assert.equal(r.client, '127.0.0.1', 'the client address comes from X-Forwarded-For');
    }
    assert.deepEqual(new Set(records.map((r) => r.server)), new Set([replicaName(a), replicaName(b)]));
    const listed = await earshot(['requests', 'list', '--json', '--limit', '100'], env);
    assert.equal(listed.code, 0, listed.stderr);
    assert.equal(JSON.parse(listed.stdout).length, records.length, '`earshot requests` reads the same shared log');
  });

  test('pre-recorded through nginx: a clean 200 with the transcript, even for a client asking for progress hints', async () => {
    const http = base.replace('ws://', 'http://');
    const wav = readFileSync(speechWav(PASSAGE[3]));
    const { status, informational, body } = await new Promise<{ status: number; informational: number[]; body: string }>((resolve, reject) => {
      const informational: number[] = [];
      const req = request(`${http}/v1/listen`, { method: 'POST', headers: { authorization: `Token ${secret}`, 'content-type': 'audio/wav', 'earshot-progress': 'true' } }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, informational, body }));
      });
      req.on('information', (info) => informational.push(info.statusCode));
      req.on('error', reject);
      req.end(wav);
    });
    assert.equal(status, 200, body.slice(0, 300));
    assert.deepEqual(informational, [], 'no 103 reaches nginx, which would garble it');
    const transcript = JSON.parse(body).results.channels[0].alternatives[0].transcript;
    assert.ok(wer(PASSAGE[3], transcript) <= 0.15, transcript);
  });

  test('a key revoked with the CLI is refused at the next handshake, by every replica', async () => {
    const revoked = await earshot(['keys', 'revoke', keyId], env);
    assert.equal(revoked.code, 0, revoked.stderr);
    const refusal = await refused(listenUrl(base, RAW), auth());
    assert.equal(refusal.status, 401);
    assert.ok(refusal.headers['dg-request-id']);
  });
});

test('records left open by a replica that died (no heartbeat) are marked interrupted by the next one', async (t) => {
  const postgres = await startPostgres();
  t.after(() => postgres.stop());
  const location = { databaseUrl: postgres.url, sqlitePath: ':memory:' };
  const admin = await openStateStore(location, { role: 'admin' });
  const base = { client: '::1', path: '/v1/listen', query: {}, httpStatus: 101, bytesReceived: 0, audioSeconds: 0, messagesSent: {}, framesReceived: {}, diagnoses: [], serverPid: 1 };
  await admin.requests.write({ ...base, requestId: 'dead', state: 'open', openedAt: new Date().toISOString(), server: 'gone-host:1' });
  await admin.requests.write({ ...base, requestId: 'done', state: 'closed', openedAt: new Date().toISOString(), server: 'gone-host:1' });
  await admin.close();
  const live = await openStateStore(location, { role: 'server', server: 'live-host:2' });
  t.after(() => live.close());
  assert.equal((await live.requests.get('dead'))?.state, 'interrupted');
  assert.equal((await live.requests.get('done'))?.state, 'closed');
  await live.requests.write({ ...base, requestId: 'mine', state: 'open', openedAt: new Date().toISOString(), server: 'live-host:2' });
  const another = await openStateStore(location, { role: 'server', server: 'other-host:3' });
  t.after(() => another.close());
  assert.equal((await another.requests.get('mine'))?.state, 'open', 'a live replica\'s open records are left alone');
});

test('the database gone: open streams finish, a stored key gets 503 (not 401), and the server stops cleanly', async (t) => {
  const postgres = await startPostgres();
  t.after(() => postgres.stop());
  const admin = await openStateStore({ databaseUrl: postgres.url, sqlitePath: ':memory:' }, { role: 'admin' });
  const { secret } = await admin.keys.create('db-outage', ['listen']);
  await admin.close();
  const server = await startServer({ databaseUrl: postgres.url });
  const auth = { headers: { Authorization: `Token ${secret}` } };
  const open = await connect(listenUrl(server.url, RAW), auth);
  await postgres.stop();
  const refusal = await refused(listenUrl(server.url, RAW), auth);
  assert.equal(refusal.status, 503);
  assert.match(String(refusal.headers['dg-error']), /cannot reach its database/);
  const audio = wavData(speechWav(PASSAGE[4]));
  await open.stream(audio, CHUNK, 0);
  open.send({ type: 'CloseStream' });
  assert.equal((await open.closed).code, 1000);
  assert.ok(wer(PASSAGE[4], transcriptOf(open.messages)) <= 0.15);
  assert.ok(server.logs().some((l) => l.msg === 'could not write the request log'), 'the failed record write is logged');
  await server.stop();
});
