// Records test/fixtures/mediarecorder-chromium.webm: bytes really produced by a browser's
// MediaRecorder (audio/webm;codecs=opus, 250 ms timeslices), with festival speech as the fake
// microphone. Run by hand when the fixture should be renewed (needs Debian's chromium):
//   node --import tsx scripts/record-mediarecorder-fixture.ts
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { launchWithMicrophone } from '../test/helpers/browser.js';
import { paddedSpeechWav } from '../test/helpers/fixtures.js';

export const MEDIARECORDER_TEXT = 'A browser recorded this sentence with its media recorder, in small webm chunks.';
const TIMESLICE_MS = 250;
const fixture = new URL('../test/fixtures/mediarecorder-chromium', import.meta.url).pathname;

// Silence around the speech, so the fake device's loop restarts in silence.
const padded = paddedSpeechWav(MEDIARECORDER_TEXT, 48000, 1, 3);
const seconds = Number(execFileSync('soxi', ['-D', padded], { encoding: 'utf8' }));

// getUserMedia needs a secure context: a page on loopback is one.
const page = createServer((_req, res) => res.end('<!doctype html><title>recorder</title>')).listen(0, '127.0.0.1');
await new Promise((r) => page.once('listening', r));
const browser = await launchWithMicrophone(padded);
try {
  const tab = await browser.newPage();
  await tab.goto(`http://127.0.0.1:${(page.address() as AddressInfo).port}/`);
  const chunks: number[][] = await tab.evaluate(
    async ({ ms, timeslice }) => {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      const recorder = new MediaRecorder(stream, { mimeType: 'audio/webm;codecs=opus' });
      const parts: Blob[] = [];
      recorder.ondataavailable = (e) => parts.push(e.data);
      recorder.start(timeslice);
      await new Promise((r) => setTimeout(r, ms));
      const stopped = new Promise((r) => (recorder.onstop = r));
      recorder.stop();
      await stopped;
      return Promise.all(parts.map(async (b) => Array.from(new Uint8Array(await b.arrayBuffer()))));
    },
    { ms: Math.round((seconds - 0.5) * 1000), timeslice: TIMESLICE_MS },
  );
  const bytes = Buffer.concat(chunks.map((c) => Buffer.from(c)));
  writeFileSync(`${fixture}.webm`, bytes);
  writeFileSync(
    `${fixture}.json`,
    JSON.stringify({ text: MEDIARECORDER_TEXT, browser: `Chromium ${browser.version()}`, mimeType: 'audio/webm;codecs=opus', timesliceMs: TIMESLICE_MS, chunkBytes: chunks.map((c) => c.length) }, null, 2) + '\n',
  );
  console.log(`recorded ${bytes.length} bytes in ${chunks.length} chunks with Chromium ${browser.version()}`);
} finally {
  await browser.close();
  page.close();
}
