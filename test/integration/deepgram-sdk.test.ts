// Scope item 7: the official @deepgram/sdk, changed only in its base URL, transcribes real speech.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DeepgramClient } from '@deepgram/sdk';
import { JFK_TEXT, jfkWav, wavData } from '../helpers/fixtures.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { wer } from '../helpers/wer.js';

const KEY = 'sdk-test-key';
let server: TestServer;
before(async () => (server = await startServer({ apiKeys: [KEY] })));
after(() => server.stop());

test('@deepgram/sdk v5 live transcription against Earshot', async () => {
  const http = server.url.replace('ws://', 'http://');
  const client = new DeepgramClient({ apiKey: KEY, environment: { base: http, production: server.url, agent: server.url, agentRest: http } });
  const socket = await client.listen.v1.connect({ model: 'nova-3', encoding: 'linear16', sample_rate: 16000, interim_results: 'true', punctuate: 'true' });
  const messages: any[] = [];
  const closed = new Promise<number>((resolve) => socket.on('close', (event: any) => resolve(event.code)));
  socket.on('message', (m: any) => messages.push(m));
  socket.connect();
  await socket.waitForOpen();
  const pcm = wavData(jfkWav());
  // 100 ms chunks at four times real time, so interim results have time to appear.
  for (let i = 0; i < pcm.length; i += 3200) {
    socket.sendMedia(pcm.subarray(i, i + 3200));
    await new Promise((r) => setTimeout(r, 25));
  }
  socket.sendCloseStream({ type: 'CloseStream' });
  assert.equal(await Promise.race([closed, new Promise<number>((r) => setTimeout(() => r(-1), 30_000))]), 1000);
  socket.close();

  const finals = messages.filter((m) => m.type === 'Results' && m.is_final);
  const transcript = finals.map((m) => m.channel.alternatives[0].transcript).filter(Boolean).join(' ');
  assert.ok(wer(JFK_TEXT, transcript) <= 0.15, transcript);
  assert.ok(messages.some((m) => m.type === 'Results' && !m.is_final), 'interim results reached the SDK');
  const meta = messages.find((m) => m.type === 'Metadata');
  assert.ok(meta && Math.abs(meta.duration - 11) < 0.01);
});
