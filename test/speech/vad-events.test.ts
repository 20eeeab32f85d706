// Issue 4 items 4 and the noise acceptance: SpeechStarted at the true onset (truth measured from the
// audio), before the first interim; noise and tones give neither words nor SpeechStarted.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { connect, listenUrl } from '../helpers/client.js';
import { cached, joinWithSilence, PASSAGE, speechBounds, speechWav, wavData } from '../helpers/fixtures.js';
import { startServer, type TestServer } from '../helpers/server.js';

const QUERY = { encoding: 'linear16', sample_rate: 16000, vad_events: true, interim_results: true };
let server: TestServer;
before(async () => (server = await startServer()));
after(() => server.stop());

function synth(name: string, ...effect: string[]): string {
  const file = cached(name, ...effect);
  execFileSync('sox', ['-D', '-n', '-r', '16000', '-c', '1', '-b', '16', file, ...effect]);
  return file;
}

async function stream(pcm: Buffer) {
  const c = await connect(listenUrl(server.url, QUERY));
  await c.stream(pcm, 3200, 25);
  c.send({ type: 'CloseStream' });
  assert.equal((await c.closed).code, 1000);
  return c.messages;
}

test('SpeechStarted within 100 ms of the true onset, each utterance, before its first interim', async () => {
  const lead = synth('lead-1.5.wav', 'trim', '0', '1.5');
  const pcm = wavData(joinWithSilence([lead, speechWav(PASSAGE[0]), speechWav(PASSAGE[1])], 0));
  const onset = speechBounds(pcm).start;
  const messages = await stream(pcm);
  const started = messages.filter((m) => m.type === 'SpeechStarted');
  assert.ok(started.length >= 1);
  assert.deepEqual(started[0].channel, [0, 1]);
  assert.ok(Math.abs(started[0].timestamp - onset) <= 0.1, `SpeechStarted ${started[0].timestamp} vs onset ${onset}`);
  const firstInterim = messages.findIndex((m) => m.type === 'Results' && !m.is_final && m.channel.alternatives[0].transcript);
  assert.ok(messages.indexOf(started[0]) < firstInterim, 'SpeechStarted comes before the first interim with words');
});

test('white noise, pink noise and steady tones: no words and no SpeechStarted', async () => {
  for (const [name, effect] of [
    ['white', ['synth', '6', 'whitenoise', 'vol', '0.3']],
    ['pink', ['synth', '6', 'pinknoise', 'vol', '0.3']],
    ['440 Hz', ['synth', '6', 'sine', '440', 'vol', '0.5']],
    ['1 kHz', ['synth', '6', 'sine', '1000', 'vol', '0.5']],
  ] as const) {
    const messages = await stream(wavData(synth(`${name}.wav`, ...effect)));
    const words = messages.filter((m) => m.type === 'Results').flatMap((m) => m.channel.alternatives[0].words);
    assert.deepEqual(words, [], `${name} produced words`);
    assert.equal(messages.filter((m) => m.type === 'SpeechStarted').length, 0, `${name} produced SpeechStarted`);
  }
});
