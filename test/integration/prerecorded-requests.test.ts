// Issue 7: pre-recorded POST /v1/listen's refusals in Deepgram's REST error form, callbacks, the
// request log and `earshot transcribe`. The scripted recognizer says what jfk.wav and festival's
// passage say (JFK_SCRIPT, PASSAGE); test/speech/prerecorded.test.ts has the real engine.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { earshot, earshotInTerminal } from '../helpers/cli.js';
import { JFK_TEXT, jfkWav, joinWithSilence, PASSAGE, speechWav, wavData } from '../helpers/fixtures.js';
import { peer, postListen, UUID } from '../helpers/http-peer.js';
import { FakeRecognizer, JFK_SCRIPT } from '../helpers/fake-recognizer.js';
import { startFakeServer, type FakeServer } from '../helpers/server.js';
import { wer } from '../helpers/wer.js';

const KEY = 'prerecorded-test-key';
let server: FakeServer;
let http: string;
let jfk: Uint8Array<ArrayBuffer>;

before(async () => {
  jfk = Uint8Array.from(readFileSync(jfkWav()));
  server = await startFakeServer({ apiKeys: [KEY], allowPrivateUrls: true, maxTranscriptions: 1, callbackAttempts: 3, callbackRetryMs: 200 }, new FakeRecognizer({ script: JFK_SCRIPT, decodeMs: 100 }));
  http = server.url.replace('ws://', 'http://');
});
after(() => server.stop());

const post = (query: string, body: BodyInit | Buffer, headers: Record<string, string> = {}) => postListen(http, KEY, query, body, headers);

async function assertRefused(res: Response, status: number, errCode: string, message: RegExp): Promise<void> {
  assert.equal(res.status, status);
  const body = await res.json();
  assert.equal(body.err_code, errCode);
  assert.match(body.err_msg, message);
  assert.match(body.request_id, UUID);
  assert.equal(res.headers.get('dg-request-id'), body.request_id);
  assert.equal(res.headers.get('dg-error'), body.err_msg.replace(/[^\x20-\x7e]/g, '?'));
}

describe('refusals, in Deepgram\'s REST form', () => {
  test('400: a bad query value, undecodable bytes, an empty body, a bad JSON body', async () => {
    await assertRefused(await post('?utt_split=soon', jfk), 400, 'INVALID_QUERY_PARAMETER', /^Invalid 'utt_split' value of 'soon'/);
    await assertRefused(await post('?language=fr', jfk), 400, 'INVALID_QUERY_PARAMETER', /English only/);
    await assertRefused(await post('', Buffer.from('these bytes are not audio in any format'), { 'content-type': 'application/octet-stream' }), 400, 'Bad Request', /^Bad Request: failed to process audio: corrupt or unsupported data \(.*raw audio needs encoding=/);
    await assertRefused(await post('', Buffer.alloc(0)), 400, 'Bad Request', /the audio is empty/);
    await assertRefused(await post('', '{"uri": "https://example.com/a.wav"}', { 'content-type': 'application/json' }), 400, 'Bad Request', /^Content-type was application\/json, but we could not process the JSON payload/);
  });

  test('400: a URL that cannot be fetched says why', async () => {
    const host = await peer(() => ({ status: 404 }));
    try {
      await assertRefused(await post('', JSON.stringify({ url: `${host.url}/missing.wav` }), { 'content-type': 'application/json' }), 400, 'REMOTE_CONTENT_ERROR', /answered 404/);
    } finally {
      await host.close();
    }
  });

  test('401 without a key; 415 for a content type that is not audio; 405 for other methods', async () => {
    await assertRefused(await fetch(`${http}/v1/listen`, { method: 'POST', headers: { 'content-type': 'audio/wav' }, body: jfk }), 401, 'INVALID_AUTH', /Invalid credentials/);
    await assertRefused(await post('', 'hello', { 'content-type': 'text/plain' }), 415, 'UNSUPPORTED_MEDIA_TYPE', /Unsupported Content-Type 'text\/plain'/);
    const put = await fetch(`${http}/v1/listen`, { method: 'PUT', headers: { authorization: `Token ${KEY}` }, body: jfk });
    assert.equal(put.status, 405);
  });

  test('429 while the server is at --max-transcriptions (1 here); the running request completes', async () => {
    // A place is held while transcribing, not while uploading (issue 16): a long file keeps the first busy.
    const pcm = wavData(jfkWav());
    const copies = 20;
    const first = post('?encoding=linear16&sample_rate=16000', Buffer.concat(Array(copies).fill(pcm)), { 'content-type': 'application/octet-stream' });
    // 60 finals at 100 ms each: the first is transcribing for 6 s, however busy the machine.
    for (let i = 0; i < 200 && !/earshot_active\{mode="prerecorded",api="v1"\} 1/.test(await (await fetch(`${http}/metrics`)).text()); i++) await new Promise((r) => setTimeout(r, 50));
    await assertRefused(await post('', jfk), 429, 'TOO_MANY_REQUESTS', /1 pre-recorded transcriptions are running/);
    const done = await first;
    assert.equal(done.status, 200);
    assert.ok(wer(Array(copies).fill(JFK_TEXT).join(' '), (await done.json()).results.channels[0].alternatives[0].transcript) <= 0.15);
  });

  describe('on a server with small limits and no private URLs', () => {
    let strict: FakeServer;
    let strictHttp: string;
    before(async () => {
      strict = await startFakeServer({ maxUploadBytes: 200_000, transcribeTimeoutMs: 1 }, new FakeRecognizer({ decodeMs: 50 }));
      strictHttp = strict.url.replace('ws://', 'http://');
    });
    after(() => strict.stop());

    test('413 for a body over --max-upload-bytes, by Content-Length or as it arrives', async () => {
      await assertRefused(await fetch(`${strictHttp}/v1/listen`, { method: 'POST', headers: { 'content-type': 'audio/wav' }, body: jfk }), 413, 'PAYLOAD_TOO_LARGE', /limit is 200000 bytes/);
    });

    test('400 for a URL on a loopback or private address (SSRF), literal or by name', async () => {
      for (const url of ['http://127.0.0.1:9/a.wav', 'http://localhost:9/a.wav', 'http://[::1]:9/a.wav', 'http://10.1.2.3/a.wav', 'http://169.254.169.254/latest/meta-data']) {
        const res = await fetch(`${strictHttp}/v1/listen`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url }) });
        await assertRefused(res, 400, 'REMOTE_CONTENT_ERROR', /private or local address; the server is not allowed to reach it \(--allow-private-urls permits it\)/);
      }
    });

    test('400 at once for a callback the server may not reach: private address, literal or by name, or no such host', async () => {
      for (const [callback, why] of [
        ['http://127.0.0.1:9/hook', /private or local address/],
        ['http://localhost:9/hook', /private or local address/],
        ['http://[fd00::1]/hook', /private or local address/],
        ['http://no-such-host.invalid/hook', /no-such-host\.invalid does not resolve/],
      ] as const) {
        const res = await fetch(`${strictHttp}/v1/listen?callback=${encodeURIComponent(callback)}`, { method: 'POST', headers: { 'content-type': 'audio/wav' }, body: Uint8Array.from(readFileSync(jfkWav())) });
        await assertRefused(res, 400, 'INVALID_QUERY_PARAMETER', why);
        const record = await (await fetch(`${strictHttp}/v1/requests/${res.headers.get('dg-request-id')}`)).json();
        assert.equal(record.state, 'refused', 'logged as a refusal');
      }
    });

    test('504 when the transcription takes longer than --transcribe-timeout-ms', async () => {
      const short = Uint8Array.from(readFileSync(speechWav(PASSAGE[1])));
      await assertRefused(await fetch(`${strictHttp}/v1/listen`, { method: 'POST', headers: { 'content-type': 'audio/wav' }, body: short }), 504, 'GATEWAY_TIMEOUT', /took longer than this server allows/);
      const ok = await fetch(`${strictHttp}/healthz`);
      assert.equal(ok.status, 200, 'the server goes on');
    });
  });
});

describe('callback', () => {
  test('answers {request_id} at once, then POSTs the result; a failed delivery is retried', async () => {
    const receiver = await peer((_req, _body, count) => ({ status: count === 1 ? 503 : 200 }));
    try {
      const res = await post(`?callback=${encodeURIComponent(`${receiver.url}/hook`)}&punctuate=true`, jfk);
      assert.equal(res.status, 200);
      const accepted = await res.json();
      assert.deepEqual(Object.keys(accepted), ['request_id']);
      assert.equal(res.headers.get('dg-request-id'), accepted.request_id);
      for (let i = 0; i < 100 && receiver.received.length < 2; i++) await new Promise((r) => setTimeout(r, 100));
      assert.equal(receiver.received.length, 2, 'the first attempt got 503, the second 200');
      const delivered = receiver.received[1];
      assert.equal(delivered.method, 'POST');
      assert.equal(delivered.headers['dg-request-id'], accepted.request_id);
      const result = JSON.parse(delivered.body.toString());
      assert.equal(result.metadata.request_id, accepted.request_id);
      assert.ok(wer(JFK_TEXT, result.results.channels[0].alternatives[0].transcript) <= 0.15);
      assert.deepEqual(receiver.received[0].body, delivered.body, 'the retry sends the same result');
    } finally {
      await receiver.close();
    }
  });

  test('an undecodable file: the error goes to the callback in Deepgram\'s error form', async () => {
    const receiver = await peer(() => ({ status: 200 }));
    try {
      const res = await post(`?callback=${encodeURIComponent(receiver.url)}&callback_method=put`, Buffer.from('not audio, still not audio'), { 'content-type': 'application/octet-stream' });
      assert.equal(res.status, 200);
      const { request_id } = await res.json();
      for (let i = 0; i < 100 && receiver.received.length < 1; i++) await new Promise((r) => setTimeout(r, 100));
      assert.equal(receiver.received[0].method, 'PUT');
      const error = JSON.parse(receiver.received[0].body.toString());
      assert.equal(error.err_code, 'Bad Request');
      assert.match(error.err_msg, /failed to process audio/);
      assert.equal(error.request_id, request_id);
    } finally {
      await receiver.close();
    }
  });
});

test('each request is in the request log: format, audio seconds, outcome', async () => {
  const res = await post('', jfk);
  const id = res.headers.get('dg-request-id');
  const record = await (await fetch(`${http}/v1/requests/${id}`, { headers: { authorization: `Token ${KEY}` } })).json();
  assert.equal(record.state, 'closed');
  assert.equal(record.httpStatus, 200);
  assert.equal(record.bytesReceived, jfk.length);
  assert.equal(record.audioSeconds, 11);
  assert.match(record.format, /^WAV, 16000 Hz, 1 channel$/);
  assert.deepEqual(record.diagnoses, [], 'the server\'s own framing of a file is no client mistake');
  const shown = await earshot(['requests', '--server', http, '--api-key', KEY, 'show', id!], { NO_COLOR: '1' });
  assert.match(shown.stdout, /request\s+POST \/v1\/listen/);
  assert.match(shown.stdout, /outcome\s+200: transcribed/);

  const bad = await post('?utt_split=x', jfk);
  const refusedRecord = await (await fetch(`${http}/v1/requests/${bad.headers.get('dg-request-id')}`, { headers: { authorization: `Token ${KEY}` } })).json();
  assert.equal(refusedRecord.state, 'refused');
  assert.equal(refusedRecord.httpStatus, 400);

  const undecodable = await post('', Buffer.from('not audio at all, just words'), { 'content-type': 'application/octet-stream' });
  const failed = await earshot(['requests', '--server', http, '--api-key', KEY, 'show', undecodable.headers.get('dg-request-id')!], { NO_COLOR: '1' });
  assert.match(failed.stdout, /outcome\s+HTTP 400 Bad Request: Bad Request: failed to process audio/);
  assert.match(failed.stdout, /fix\s+POST the audio file as the body/);
});

describe('earshot transcribe', () => {
  test('prints the transcript; --json prints Deepgram\'s response', async () => {
    const run = await earshot(['transcribe', jfkWav(), '--server', http, '--api-key', KEY, '--param', 'punctuate=true']);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(wer(JFK_TEXT, run.stdout) <= 0.15, run.stdout);
    assert.match(run.stdout, /^And so/);
    assert.match(run.stderr, /11\.0 s of audio, request id [0-9a-f-]{36}/);
    assert.doesNotMatch(run.stderr, /\r|\[#/, 'no progress bar when stderr is not a terminal');
    const json = await earshot(['transcribe', jfkWav(), '--server', http, '--json'], { EARSHOT_API_KEY: KEY });
    assert.equal(json.code, 0, json.stderr);
    assert.equal(JSON.parse(json.stdout).metadata.duration, 11);
  });

  test('headerless audio: the refusal, then the --param flags for raw audio', async () => {
    const raw = join(mkdtempSync(join(tmpdir(), 'earshot-raw-')), 'call.raw');
    writeFileSync(raw, wavData(jfkWav()));
    const run = await earshot(['transcribe', raw, '--server', http.replace('http://', ''), '--api-key', KEY]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /failed to process audio/);
    assert.match(run.stderr, /if the file is raw audio \(no WAV or other header\), say how it is encoded: --param encoding=linear16 --param sample_rate=16000/);
    const fixed = await earshot(['transcribe', raw, '--server', http, '--api-key', KEY, '--param', 'encoding=linear16', '--param', 'sample_rate=16000']);
    assert.equal(fixed.code, 0, fixed.stderr);
    assert.ok(wer(JFK_TEXT, fixed.stdout) <= 0.15, fixed.stdout);
  });

  test('a refusal: exit 1 with what went wrong, the request id and the fix', async () => {
    const run = await earshot(['transcribe', jfkWav(), '--server', http, '--api-key', 'wrong']);
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /HTTP 401 Unauthorized: Invalid credentials/);
    assert.match(run.stderr, /request id: [0-9a-f-]{36}/);
    assert.match(run.stderr, /fix: Give a key the server accepts with --api-key, or set EARSHOT_API_KEY \(or DEEPGRAM_API_KEY\)/);
  });

  test('in a terminal: a progress bar that rises as the server reports, then the transcript', async (t) => {
    const passage = joinWithSilence(PASSAGE.map((s) => speechWav(s)), 1);
    server.fake.say(...PASSAGE);
    const screens = await earshotInTerminal(['transcribe', passage, '--server', http, '--api-key', KEY], t);
    const last = screens.at(-1)!;
    assert.match(last, /EXIT=0/);
    // The terminal wraps the one-line transcript at 200 columns, mid-word.
    const lines = last.split('\n').map((l) => l.trimEnd());
    const transcript = lines.slice(0, lines.findIndex((l) => / s of audio, request id/.test(l))).join('');
    assert.ok(wer(PASSAGE.join(' '), transcript) <= 0.15, last);
    const shares = screens.map((s) => /\[[#.]{24}\]\s+(\d+)% [\d.]+\/[\d.]+ s/.exec(s)?.[1]).filter((p) => p !== undefined).map(Number);
    assert.ok(shares.some((p) => p > 0), `progress reported while transcribing: ${shares.join(',')}`);
    assert.deepEqual(shares, [...shares].sort((a, b) => a - b), 'progress only rises');
    assert.doesNotMatch(last, /\[[#.]{24}\]/, 'the bar is gone at the end');
  });
});
