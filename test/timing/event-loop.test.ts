// Scope item 2: decoding never blocks the event loop. While every decode worker is busy, the server
// still answers WebSocket pings and new handshakes at once.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { connect, listenUrl } from '../helpers/client.js';
import { speechWav, wavData } from '../helpers/fixtures.js';
import { startServer, type TestServer } from '../helpers/server.js';

// No punctuation: festival reads it without pauses, so segments are long and each decode is slow.
const LONG_TEXT =
  'the committee met on a cold morning in early spring to discuss the budget for the new library and after many hours of careful debate they agreed that the reading room would stay open late every evening for students and workers alike';
const LINEAR16 = { encoding: 'linear16', sample_rate: 16000, interim_results: true };
const STREAMS = 6;
/** A blocked loop would stall for a whole decode: hundreds of ms for these segments. */
const PROMPT_MS = 150;

let server: TestServer;
before(async () => (server = await startServer()));
after(() => server.stop());

test('pings and handshakes are answered promptly while every core decodes', async () => {
  const audio = wavData(speechWav(LONG_TEXT));
  const probe = await connect(listenUrl(server.url, LINEAR16));
  probe.ws.send(audio.subarray(0, 640)); // counts as audio, so the probe is not closed for idleness

  const load = await Promise.all(Array.from({ length: STREAMS }, () => connect(listenUrl(server.url, LINEAR16))));
  const streaming = Promise.all(load.map(async (c) => {
    for (let round = 0; round < 3; round++) await c.stream(audio, 3200, 1);
    c.send({ type: 'CloseStream' });
    return c.closed;
  }));

  let saturated = 0;
  let samples = 0;
  const pings: number[] = [];
  const handshakes: number[] = [];
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && pings.length < 40) {
    const stats = server.recognizer.stats();
    samples++;
    if (stats.busy === stats.workers) {
      saturated++;
      const sent = performance.now();
      await new Promise<void>((resolve) => probe.ws.once('pong', () => resolve()) && probe.ws.ping());
      pings.push(performance.now() - sent);
      if (pings.length % 8 === 0) {
        const started = performance.now();
        const extra = await connect(listenUrl(server.url, LINEAR16));
        handshakes.push(performance.now() - started);
        extra.ws.terminate();
      }
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  await streaming;
  probe.ws.terminate();

  assert.ok(pings.length >= 20, `workers were saturated for only ${saturated}/${samples} samples`);
  const worstPing = Math.max(...pings);
  const worstHandshake = Math.max(...handshakes);
  assert.ok(worstPing < PROMPT_MS, `slowest pong ${worstPing.toFixed(0)} ms while all workers decoded`);
  assert.ok(worstHandshake < PROMPT_MS * 2, `slowest handshake ${worstHandshake.toFixed(0)} ms`);
});
