// Issue 8, scope 1-3: Prometheus metrics scraped after real traffic, readiness tied to drain, and the
// engine falling behind real time reported in the log and the metrics.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { connect, listenUrl, refused } from '../helpers/client.js';
import { jfkWav, joinWithSilence, PASSAGE, speechWav, wavData } from '../helpers/fixtures.js';
import { FAKE_MODEL, FakeRecognizer } from '../helpers/fake-recognizer.js';
import { startFakeServer, type TestServer } from '../helpers/server.js';

const KEY = 'metrics-test-key';
const RAW = { encoding: 'linear16', sample_rate: 16000 };
let server: TestServer;
let http: string;

before(async () => {
  server = await startFakeServer({ apiKeys: [KEY] });
  http = server.url.replace('ws://', 'http://');
});
after(() => server.stop());

/** Every sample of the exposition text, as `name{labels}` → value. */
async function scrape(): Promise<Map<string, number>> {
  const res = await fetch(`${http}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const samples = new Map<string, number>();
  for (const line of (await res.text()).split('\n')) {
    const m = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (m) samples.set(m[1], Number(m[2]));
  }
  return samples;
}

const value = (samples: Map<string, number>, key: string) => samples.get(key) ?? 0;

test('/metrics counts what happened: handshakes by status and code, closes, audio, final latency, running work', async () => {
  const before = await scrape();
  assert.ok(before.has('earshot_process_resident_memory_bytes'), 'process metrics are exported');
  assert.equal(value(before, 'earshot_active{mode="live",api="v1"}'), 0);

  const c = await connect(listenUrl(server.url, RAW), { headers: { Authorization: `Token ${KEY}` } });
  const during = await scrape();
  assert.equal(value(during, 'earshot_active{mode="live",api="v1"}'), 1, 'the open stream is counted');
  await c.stream(wavData(jfkWav()), 3200);
  c.send({ type: 'CloseStream' });
  assert.equal((await c.closed).code, 1000);
  const turns = await connect(listenUrl(server.url, { model: 'flux-general-en', ...RAW }, '/v2/listen'), { headers: { Authorization: `Token ${KEY}` } });
  assert.deepEqual([value(await scrape(), 'earshot_active{mode="live",api="v1"}'), value(await scrape(), 'earshot_active{mode="live",api="v2"}')], [0, 1], 'a /v2/listen stream is counted as v2');
  await turns.stream(wavData(jfkWav()).subarray(0, 2 * 16000 * 5), 3200);
  turns.send({ type: 'CloseStream' });
  assert.equal((await turns.closed).code, 1000);
  await refused(listenUrl(server.url, RAW), { headers: { Authorization: 'Token wrong' } });
  const pre = await fetch(`${http}/v1/listen`, { method: 'POST', headers: { authorization: `Token ${KEY}`, 'content-type': 'audio/wav' }, body: Uint8Array.from(readFileSync(jfkWav())) });
  assert.equal(pre.status, 200);
  // The stream's close is counted once the server has handled it, just after the client sees it.
  for (let i = 0; i < 50 && server.server.activeStreams > 0; i++) await new Promise((r) => setTimeout(r, 20));

  const after = await scrape();
  const grew = (key: string) => value(after, key) - value(before, key);
  assert.equal(grew('earshot_handshakes_total{mode="live",api="v1",status="101",code="none"}'), 1);
  assert.equal(grew('earshot_handshakes_total{mode="live",api="v2",status="101",code="none"}'), 1);
  assert.equal(grew('earshot_handshakes_total{mode="live",api="v1",status="401",code="INVALID_AUTH"}'), 1);
  assert.equal(grew('earshot_handshakes_total{mode="prerecorded",api="v1",status="200",code="none"}'), 1);
  assert.equal(grew('earshot_stream_closes_total{close_code="1000",code="none"}'), 2);
  assert.ok(Math.abs(grew('earshot_audio_seconds_total{mode="live",api="v1"}') - 11) < 0.01);
  assert.ok(Math.abs(grew('earshot_audio_seconds_total{mode="live",api="v2"}') - 5) < 0.01);
  assert.ok(Math.abs(grew('earshot_audio_seconds_total{mode="prerecorded",api="v1"}') - 11) < 0.01);
  assert.ok(grew('earshot_final_latency_seconds_count') >= 1, 'each final of the stream is timed');
  assert.ok(value(after, 'earshot_final_latency_seconds_sum') > 0);
  assert.equal(value(after, 'earshot_active{mode="live",api="v1"}'), 0);
  assert.equal(value(after, 'earshot_active{mode="live",api="v2"}'), 0);
  assert.equal(value(after, 'earshot_active{mode="prerecorded",api="v1"}'), 0);
  assert.ok(value(after, `earshot_engine_cost_per_audio_second{model="${FAKE_MODEL}"}`) > 0, 'the engine\'s measured cost is exported');
  assert.equal(value(after, `earshot_engine_queued_decodes{model="${FAKE_MODEL}"}`), 0);
});

test('/readyz: ready, then 503 as soon as a drain begins, while /healthz stays up and open streams finish', async () => {
  const ready = await fetch(`${http}/readyz`);
  assert.equal(ready.status, 200);
  assert.deepEqual(await ready.json(), { status: 'ready' });
  const c = await connect(listenUrl(server.url, RAW), { headers: { Authorization: `Token ${KEY}` } });
  await c.stream(wavData(jfkWav()).subarray(0, 64000), 3200);
  const draining = server.server.drain(5000);
  const notReady = await fetch(`${http}/readyz`);
  assert.equal(notReady.status, 503);
  assert.deepEqual(await notReady.json(), { status: 'draining' });
  assert.equal((await fetch(`${http}/healthz`)).status, 200, 'alive, only not taking new work');
  const refusal = await refused(listenUrl(server.url, RAW), { headers: { Authorization: `Token ${KEY}` } });
  assert.equal(refusal.status, 503);
  c.send({ type: 'CloseStream' });
  assert.equal((await c.closed).code, 1000);
  assert.ok(c.messages.some((m) => m.type === 'Metadata'), 'the open stream got its Metadata');
  await draining;
});

test('an engine behind real time is reported (log and metric) and so is its catching up', async () => {
  // One worker taking 400 ms a final and streams sent as fast as they go: finals queue for the
  // worker; no back-pressure pause (the bound is above the audio), so the backlog is the engine's.
  const slow = await startFakeServer({ maxBacklogSeconds: 600 }, new FakeRecognizer({ decodeMs: 400 }));
  try {
    const pcm = wavData(joinWithSilence(PASSAGE.map((s) => speechWav(s)), 0.8));
    const streams = await Promise.all(Array.from({ length: 4 }, () => connect(listenUrl(slow.url, RAW))));
    await Promise.all(streams.map((c) => c.stream(pcm, 32000, 0)));
    let worstWait = 0;
    for (let i = 0; i < 300 && !slow.logs().some((l) => /the engine is behind real time/.test(l.msg)); i++) {
      const text = await (await fetch(`${slow.url.replace('ws://', 'http://')}/metrics`)).text();
      worstWait = Math.max(worstWait, Number(new RegExp(`^earshot_engine_final_wait_seconds\\{model="${FAKE_MODEL}"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? 0));
      await new Promise((r) => setTimeout(r, 100));
    }
    const behind = slow.logs().find((l) => /the engine is behind real time/.test(l.msg));
    assert.ok(behind, 'a warning names the engine falling behind');
    assert.equal(behind.level, 40);
    // Logged to a tenth of a second: a wait just over 2 s reads 2.0.
    assert.ok(behind.finalWaitSeconds >= 2, `logged wait ${behind.finalWaitSeconds} s`);
    assert.equal(behind.workers, 1);
    assert.ok(worstWait > 1, `the metric showed finals waiting (worst seen ${worstWait} s)`);
    for (const c of streams) c.send({ type: 'CloseStream' });
    for (const c of streams) assert.equal((await c.closed).code, 1000);
    for (let i = 0; i < 300 && !slow.logs().some((l) => /caught up/.test(l.msg)); i++) await new Promise((r) => setTimeout(r, 100));
    const caughtUp = slow.logs().find((l) => /the engine has caught up with real time/.test(l.msg));
    assert.ok(caughtUp, 'and one line when it has caught up');
    assert.ok(caughtUp.worstFinalWaitSeconds >= behind.finalWaitSeconds, `worst ${caughtUp.worstFinalWaitSeconds} s, first ${behind.finalWaitSeconds} s`);
  } finally {
    await slow.stop();
  }
});
