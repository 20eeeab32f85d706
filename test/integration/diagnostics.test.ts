// Each client mistake of the troubleshooting guide, made by a real client against a real server,
// must be named in the request log under the stream's request id and told by `earshot requests show`.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { earshot } from '../helpers/cli.js';
import { connect, listenUrl, refused, type Connection } from '../helpers/client.js';
import { ffmpeg, cached, jfkWav, PASSAGE, speechWav, wavData } from '../helpers/fixtures.js';
import { startFakeServer, type TestServer } from '../helpers/server.js';

const RAW16K = { encoding: 'linear16', sample_rate: 16000 };
const work = mkdtempSync(join(tmpdir(), 'earshot-diagnostics-'));
const db = join(work, 'requests.db');
let server: TestServer;
let speech16k: Buffer;

before(async () => {
  // Made before any stream opens: festival runs synchronously, and the server shares this event
  // loop, so speech made mid-stream would starve it past the 1.5 s inactivity timeout.
  speech16k = wavData(speechWav(PASSAGE.slice(0, 2).join(' ')));
  server = await startFakeServer({ requestLog: db, inactivityTimeoutMs: 1500 });
});
after(async () => {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function open(query: Record<string, string | number>): Promise<Connection> {
  return connect(listenUrl(server.url, query));
}

async function finish(c: Connection): Promise<void> {
  if (c.ws.readyState === c.ws.OPEN) c.send({ type: 'CloseStream' });
  await c.closed;
}

/** The record as `requests show --json` prints it, and the plain-words text of `requests show`. */
async function shown(requestId: string): Promise<{ record: any; text: string }> {
  // The record is written when the server has handled the close, just after the client sees it.
  for (let i = 0; i < 50 && server.server.activeStreams > 0; i++) await sleep(20);
  const json = await earshot(['requests', '--db', db, 'show', requestId, '--json']);
  assert.equal(json.code, 0, json.stderr);
  const text = await earshot(['requests', '--db', db, 'show', requestId], { NO_COLOR: '1' });
  return { record: JSON.parse(json.stdout), text: text.stdout };
}

async function assertDiagnosed(requestId: string, code: string, detail?: RegExp): Promise<any> {
  const { record, text } = await shown(requestId);
  const found = record.diagnoses.find((d: any) => d.code === code);
  assert.ok(found, `${code} expected; diagnosed: ${JSON.stringify(record.diagnoses)}`);
  if (detail) assert.match(found.detail, detail);
  assert.match(text, new RegExp(`\\[${code}\\]`));
  assert.match(text, /fix: /);
  return record;
}


test('a clean stream is logged with its format, counts and no problems', async () => {
  const jfk = wavData(jfkWav());
  const c = await open(RAW16K);
  await c.stream(jfk, 640);
  await finish(c);
  const { record, text } = await shown(c.requestId);
  assert.equal(record.state, 'closed');
  assert.equal(record.closeCode, 1000);
  assert.equal(record.httpStatus, 101);
  assert.equal(record.client, '127.0.0.1');
  assert.deepEqual(record.query, { encoding: 'linear16', sample_rate: '16000' });
  assert.equal(record.format, 'linear16, 16000 Hz, 1 channel');
  assert.ok(Math.abs(record.audioSeconds - 11) < 0.1, String(record.audioSeconds));
  assert.equal(record.messagesSent.Metadata, 1);
  assert.ok(record.messagesSent.Results >= 1);
  assert.equal(record.framesReceived.CloseStream, 1);
  assert.deepEqual(record.diagnoses, []);
  assert.match(text, /problems\s+none found/);
});

test('a refused handshake is logged with its status, dg-error and key id, never the key', async () => {
  const keyed = await startFakeServer({ requestLog: db, apiKeys: ['right-key'] });
  try {
    const r = await refused(listenUrl(keyed.url, RAW16K), { headers: { Authorization: 'Token wrong-key' } });
    const { record, text } = await shown(String(r.headers['dg-request-id']));
    assert.equal(record.state, 'refused');
    assert.equal(record.httpStatus, 401);
    assert.match(record.keyId, /^key-[0-9a-f]{12}$/);
    assert.ok(!JSON.stringify(record).includes('wrong-key'));
    assert.match(text, /refused: HTTP 401 Unauthorized: Invalid credentials/);
    assert.match(text, /fix\s+Send "Authorization: Token <key>"/);
  } finally {
    await keyed.stop();
  }
});

test('empty binary frame', async () => {
  const c = await open(RAW16K);
  await c.stream(speech16k.subarray(0, 32000), 3200);
  c.ws.send(Buffer.alloc(0));
  await c.closed;
  await assertDiagnosed(c.requestId, 'empty-binary-frame');
});

test('KeepAlive-only connection', async () => {
  const c = await open(RAW16K);
  for (let i = 0; i < 3; i++) c.send({ type: 'KeepAlive' });
  const closed = await c.closed; // the 1.5 s timeout of this server
  assert.equal(closed.code, 1011);
  const record = await assertDiagnosed(c.requestId, 'keepalive-only', /3 KeepAlive/);
  assert.equal(record.failure, 'NET-0001');
});

test('audio slower than real time (starvation)', async () => {
  const c = await open(RAW16K);
  // 50 ms of audio every 100 ms, for 7 s: half of real time.
  await c.stream(speech16k.subarray(0, 70 * 1600), 1600, 100);
  await finish(c);
  await assertDiagnosed(c.requestId, 'audio-starvation', /\b(4\d|5\d) % of real time/);
});

test('frames far too small, and far too large', async () => {
  const small = await open(RAW16K);
  await small.stream(speech16k.subarray(0, 32000), 64); // 2 ms frames
  await finish(small);
  await assertDiagnosed(small.requestId, 'frames-too-small', /500 frames of 2\.0 ms/);

  const large = await open(RAW16K);
  large.ws.send(speech16k.subarray(0, 96000)); // 3 s in one frame
  await finish(large);
  await assertDiagnosed(large.requestId, 'frames-too-large', /1 frame of 3000 ms/);
});

test('containerized audio sent with raw encoding and sample_rate', async () => {
  // WAV: its header is followed (and contradicts the declared rate); Ogg cannot be read as linear16.
  const wav8k = readFileSync(speechWav(PASSAGE[0], 8000));
  const c = await open(RAW16K);
  await c.stream(wav8k, 4000);
  await finish(c);
  await assertDiagnosed(c.requestId, 'container-with-raw-encoding', /WAV but encoding=linear16 sample_rate=16000/);
  await assertDiagnosed(c.requestId, 'sample-rate-mismatch', /WAV header says 8000 Hz/);

  const ogg = readFileSync(ffmpeg(speechWav(PASSAGE[0]), cached('diag.ogg', PASSAGE[0]), ['-c:a', 'libopus', '-b:a', '32k']));
  const o = await open(RAW16K);
  await o.stream(ogg, 4000);
  const closed = await o.closed;
  assert.equal(closed.code, 1008);
  const record = await assertDiagnosed(o.requestId, 'container-with-raw-encoding', /Ogg but encoding=linear16/);
  assert.equal(record.failure, 'DATA-0000');
});

test('a declared sample_rate the voice contradicts, both ways, and none for the right rate', async () => {
  const text = PASSAGE.slice(0, 3).join(' ');
  const at48k = wavData(speechWav(text, 48000));
  const at16k = wavData(speechWav(text));
  const slow = await open({ encoding: 'linear16', sample_rate: 16000 });
  await slow.stream(at48k, 4800);
  await finish(slow);
  await assertDiagnosed(slow.requestId, 'sample-rate-mismatch', /pitch is \d+ Hz, below any speaking voice: the audio's rate is higher than the declared 16000 Hz \(one of 24000, 44100, 48000 Hz\)/);

  const fast = await open({ encoding: 'linear16', sample_rate: 48000 });
  await fast.stream(at16k, 4800);
  await finish(fast);
  await assertDiagnosed(fast.requestId, 'sample-rate-mismatch', /above any speaking voice: the audio's rate is lower than the declared 48000 Hz \(one of 8000, 16000, 22050, 24000 Hz\)/);

  for (const [rate, pcm] of [[48000, at48k], [16000, at16k]] as const) {
    const right = await open({ encoding: 'linear16', sample_rate: rate });
    await right.stream(pcm, 4800);
    await finish(right);
    assert.deepEqual((await shown(right.requestId)).record.diagnoses, [], `sample_rate=${rate}`);
  }
});

test('declared channels contradicted by the samples', async () => {
  const mono = await open({ ...RAW16K, channels: 2 });
  await mono.stream(speech16k, 3200);
  await finish(mono);
  await assertDiagnosed(mono.requestId, 'channels-mismatch', /channels=2 was declared but the samples look like mono/);
});

test('closing the socket without CloseStream', async () => {
  const c = await open(RAW16K);
  await c.stream(speech16k.subarray(0, 64000), 3200);
  c.ws.close(1000);
  await c.closed;
  await assertDiagnosed(c.requestId, 'closed-without-closestream', /s of audio after the last final were not transcribed/);
});

test('JSON sent as binary, audio sent as text, and a malformed text message', async () => {
  const c = await open(RAW16K);
  await c.stream(speech16k.subarray(0, 16000), 3200);
  c.ws.send(Buffer.from([0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28]), { binary: false });
  c.ws.send('hello');
  c.ws.send(Buffer.from(JSON.stringify({ type: 'CloseStream' })), { binary: true });
  await c.next((m) => m.type === 'Error' && /not UTF-8/.test(m.description));
  await c.next((m) => m.type === 'Error' && /not valid JSON/.test(m.description));
  // As on Deepgram, a binary frame is audio whatever it holds: the CloseStream in one has no effect.
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(c.ws.readyState, c.ws.OPEN);
  await finish(c);
  await assertDiagnosed(c.requestId, 'json-as-binary', /CloseStream/);
  await assertDiagnosed(c.requestId, 'audio-as-text', /6 bytes/);
  await assertDiagnosed(c.requestId, 'malformed-text-message', /hello/);
});
