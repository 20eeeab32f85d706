// A freshly started server: its very first stream gets interims like any later one. The engine's
// cost estimate (which sets the interim cadence) is seeded at load from decodes on an idle
// machine, so a first decode slowed by a busy machine cannot stretch the cadence past the utterance.
// In the timing lane: interims thin out by design on a machine busy with other work.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connect, listenUrl } from '../helpers/client.js';
import { speechWav, wavData } from '../helpers/fixtures.js';
import { startServer } from '../helpers/server.js';

test('a fresh server: a measured cost estimate from load, and text interims on its first stream', async () => {
  const speech = wavData(speechWav('The first caller of the morning asked about the weather by the harbor.'));
  const server = await startServer();
  try {
    const { costPerAudioSecond } = server.recognizer.stats();
    assert.ok(costPerAudioSecond > 0 && costPerAudioSecond < 1, `seeded at load by measured decodes: ${costPerAudioSecond}`);
    const c = await connect(listenUrl(server.url, { encoding: 'linear16', sample_rate: 16000, interim_results: true }));
    await c.stream(speech, 640, 20);
    c.send({ type: 'CloseStream' });
    assert.equal((await c.closed).code, 1000);
    const interims = c.messages.filter((m) => m.type === 'Results' && !m.is_final && m.channel.alternatives[0].transcript);
    assert.ok(interims.length >= 3, `text interims while speaking: ${interims.map((m) => m.channel.alternatives[0].transcript).join(' | ')}`);
  } finally {
    await server.stop();
  }
});
