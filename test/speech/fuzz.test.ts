// Issue 3: hostile bytes in every format. Random data, truncated files and bit-flipped frames must
// end in DATA-0000 (1008) or a clean recovery (1000) — never a crash, a hang, or growing memory —
// and the server keeps serving a good stream afterwards.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { connect, listenUrl, transcriptOf } from '../helpers/client.js';
import { cached, ffmpeg, speechWav, wavData } from '../helpers/fixtures.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { wer } from '../helpers/wer.js';

const TEXT = 'Broken audio must never bring the whole server down, whatever a client sends.';
const ROUNDS = 4;
/** No stream may take longer than this to end after CloseStream. */
const END_WITHIN_MS = 20_000;

let server: TestServer;
before(async () => (server = await startServer()));
after(() => server.stop());

/** A small deterministic PRNG, so a failure can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

function formats(): Array<[string, Record<string, string | number>, Buffer]> {
  const wav = speechWav(TEXT);
  const file = (name: string, options: string[]) => readFileSync(ffmpeg(wav, cached(name, wav, ...options), options));
  return [
    ['linear16', { encoding: 'linear16', sample_rate: 16000 }, wavData(wav)],
    ['WAV', {}, readFileSync(wav)],
    ['WebM/Opus', {}, file('f.webm', ['-c:a', 'libopus', '-b:a', '32k'])],
    ['Ogg/Opus', {}, file('f.ogg', ['-c:a', 'libopus', '-b:a', '32k'])],
    ['MP3', {}, file('f.mp3', ['-c:a', 'libmp3lame', '-b:a', '64k'])],
    ['FLAC', {}, file('f.flac', ['-c:a', 'flac'])],
    ['M4A', {}, file('f.m4a', ['-c:a', 'aac', '-b:a', '64k', '-movflags', '+faststart'])],
  ];
}

function mutations(bytes: Buffer, random: () => number): Array<[string, Buffer]> {
  const flipped = Buffer.from(bytes);
  // Flip bits in the body only, past any header, so the decoder has to resynchronise.
  for (let i = 0; i < 40; i++) {
    const at = Math.floor(bytes.length * (0.3 + 0.6 * random()));
    flipped[at] ^= 1 << Math.floor(random() * 8);
  }
  const random4k = Buffer.from(Array.from({ length: 4096 }, () => Math.floor(random() * 256)));
  return [
    ['truncated', bytes.subarray(0, Math.floor(bytes.length * (0.1 + 0.8 * random())))],
    ['bit-flipped', flipped],
    ['random bytes after a good start', Buffer.concat([bytes.subarray(0, Math.floor(bytes.length / 3)), random4k])],
    ['random bytes', random4k],
  ];
}

async function goodStream(): Promise<string> {
  const good = await connect(listenUrl(server.url, { encoding: 'linear16', sample_rate: 16000 }));
  for (let at = 0, pcm = wavData(speechWav(TEXT)); at < pcm.length; at += 640) good.ws.send(pcm.subarray(at, at + 640));
  good.send({ type: 'CloseStream' });
  assert.equal((await good.closed).code, 1000);
  return transcriptOf(good.messages);
}

test('hostile input in every format ends in 1000 or 1008, promptly, and memory stays bounded', async () => {
  const before = await goodStream();
  assert.ok(wer(TEXT, before) <= 0.2, before);
  const random = prng(20261124);
  const rssBefore = process.memoryUsage().rss;
  let streams = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (const [format, query, bytes] of formats()) {
      for (const [kind, payload] of mutations(bytes, random)) {
        const c = await connect(listenUrl(server.url, query));
        for (let at = 0; at < payload.length; at += 2048) c.ws.send(payload.subarray(at, at + 2048));
        c.send({ type: 'CloseStream' });
        const closed = await Promise.race([c.closed, new Promise<undefined>((r) => setTimeout(() => r(undefined), END_WITHIN_MS))]);
        assert.ok(closed, `${format} ${kind}: no close within ${END_WITHIN_MS} ms`);
        assert.ok(closed.code === 1000 || (closed.code === 1008 && closed.reason.startsWith('DATA-0000')), `${format} ${kind}: ${closed.code} ${closed.reason}`);
        assert.equal(c.messages.at(-1)?.type, 'Metadata', `${format} ${kind}: Metadata before the close`);
        streams++;
      }
    }
  }
  const grownMb = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
  assert.ok(grownMb < 200, `RSS grew ${grownMb.toFixed(0)} MB over ${streams} hostile streams`);
  assert.equal(await goodStream(), before, 'a good stream afterwards is transcribed exactly as before');
});
