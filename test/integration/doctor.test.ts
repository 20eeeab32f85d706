// `earshot doctor` against a healthy Earshot, a wrong key, a closed port and a server that accepts
// TCP but never answers: each problem named, with its fix.
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { earshot } from '../helpers/cli.js';
import { FakeRecognizer } from '../helpers/fake-recognizer.js';
import { startFakeServer, type TestServer } from '../helpers/server.js';

const KEY = 'doctor-key';
let server: TestServer;

before(async () => {
  // The scripted engine says the words of the doctor's clip (assets/speech-check.wav).
  server = await startFakeServer({ apiKeys: [KEY], inactivityTimeoutMs: 2000 }, new FakeRecognizer({ script: ['The quick brown fox jumps over the lazy dog.'] }));
});
after(() => server.stop());

async function doctor(url: string, ...args: string[]) {
  const run = await earshot(['doctor', '--server', url, '--json', '--keepalive-seconds', '3', '--idle-wait', '6', '--connect-timeout', '2000', ...args]);
  const report = JSON.parse(run.stdout);
  const checks = Object.fromEntries(report.checks.map((c: any) => [c.check, c]));
  return { code: run.code, report, checks };
}

test('a running Earshot passes every check', async () => {
  const { code, report, checks } = await doctor(server.url, '--api-key', KEY);
  assert.equal(report.ok, true, JSON.stringify(report.checks, null, 1));
  assert.equal(code, 0);
  assert.match(checks.Handshake.detail, /dg-request-id [0-9a-f-]{36}/);
  assert.match(checks.Transcription.detail, /9\/9 words/);
  assert.equal(checks.KeepAlive.status, 'pass');
  assert.match(checks.Timeout.detail, /closed 2\.\d s after the last frame: 1011 NET-0001/);
});

test('the server may be written host:port; an address that is none says what to type', async () => {
  const { code, checks } = await doctor(server.url.replace('ws://', ''), '--api-key', KEY);
  assert.equal(code, 0);
  assert.equal(checks.Handshake.status, 'pass');
  const bad = await earshot(['doctor', '--server', 'http://[::1']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /'http:\/\/\[::1' is not a server address: write host:port \(127\.0\.0\.1:8080\), or a URL/);
});

test('a wrong key: the 401 with its dg-error text and request id, and what to do', async () => {
  const { code, checks } = await doctor(server.url, '--api-key', 'wrong');
  assert.equal(code, 1);
  assert.equal(checks.TCP.status, 'pass');
  assert.equal(checks.Handshake.status, 'fail');
  assert.match(checks.Handshake.detail, /refused: HTTP 401 Unauthorized: Invalid credentials/);
  assert.match(checks.Handshake.fix, /Give a key the server accepts with --api-key, or set EARSHOT_API_KEY/);
  assert.match(checks.Handshake.requestId, /^[0-9a-f-]{36}$/);
  assert.equal(checks.Transcription.status, 'skip');
});

test('a closed port: refused at TCP, nothing listens there', async () => {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as { port: number }).port;
  await new Promise((r) => probe.close(r));
  const { code, checks } = await doctor(`ws://127.0.0.1:${port}`);
  assert.equal(code, 1);
  assert.equal(checks.DNS.status, 'pass');
  assert.equal(checks.TCP.status, 'fail');
  assert.match(checks.TCP.detail, /refused the connection: nothing listens there/);
  assert.match(checks.TCP.fix, /earshot serve/);
  assert.equal(checks.Handshake.status, 'skip');
});

test('a server that accepts TCP and never answers: the handshake times out', async () => {
  const sockets: Socket[] = [];
  const silent = createServer((s) => sockets.push(s));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  try {
    const { code, checks } = await doctor(`ws://127.0.0.1:${(silent.address() as { port: number }).port}`);
    assert.equal(code, 1);
    assert.equal(checks.TCP.status, 'pass');
    assert.equal(checks.Handshake.status, 'fail');
    assert.match(checks.Handshake.detail, /no answer to the WebSocket handshake within 2 s/);
    assert.match(checks.Handshake.fix, /did not complete the WebSocket upgrade/);
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise((r) => silent.close(r));
  }
});

test('terminal output: one line per check with its mark, and the fix under a failure', async () => {
  const run = await earshot(['doctor', '--server', server.url, '--api-key', 'wrong', '--connect-timeout', '2000'], { NO_COLOR: '1' });
  assert.equal(run.code, 1);
  assert.match(run.stdout, /^✔ TCP\s+127\.0\.0\.1:\d+ accepts connections/m);
  assert.match(run.stdout, /^✘ Handshake\s+refused: HTTP 401/m);
  assert.match(run.stdout, /^\s+fix: Give a key the server accepts with --api-key, or set EARSHOT_API_KEY/m);
  assert.match(run.stdout, /^- Transcription\s+needs Handshake/m);
  assert.doesNotMatch(run.stdout, /\x1b\[/, 'no colour codes when NO_COLOR is set');
});
