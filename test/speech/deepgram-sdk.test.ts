// Scope item 7: the official @deepgram/sdk, changed only in its base URL, transcribes real speech.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { JFK_TEXT, jfkWav, wavData } from '../helpers/fixtures.js';
import { sdkClient, streamWithSdk } from '../helpers/sdk.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { wer } from '../helpers/wer.js';

const KEY = 'sdk-test-key';
let server: TestServer;
before(async () => (server = await startServer({ apiKeys: [KEY] })));
after(() => server.stop());

test('@deepgram/sdk v5 live transcription against Earshot', async () => {
  // 100 ms chunks at four times real time, so interim results have time to appear.
  const { messages, closeCode } = await streamWithSdk(
    sdkClient(server, { apiKey: KEY }),
    { model: 'nova-3', encoding: 'linear16', sample_rate: 16000, interim_results: 'true', punctuate: 'true' },
    wavData(jfkWav()),
    { chunkBytes: 3200, pauseMs: 25 },
  );
  assert.equal(closeCode, 1000);

  const finals = messages.filter((m) => m.type === 'Results' && m.is_final);
  const transcript = finals.map((m) => m.channel.alternatives[0].transcript).filter(Boolean).join(' ');
  assert.ok(wer(JFK_TEXT, transcript) <= 0.15, transcript);
  assert.ok(messages.some((m) => m.type === 'Results' && !m.is_final), 'interim results reached the SDK');
  const meta = messages.find((m) => m.type === 'Metadata');
  assert.ok(meta && Math.abs(meta.duration - 11) < 0.01);
});
