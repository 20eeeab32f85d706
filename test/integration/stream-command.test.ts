// `earshot stream`: a festival WAV transcribed end to end at real-time pace, its live display checked
// in a real terminal (tmux), and a refusal explained. The scripted recognizer says the WAV's
// sentences: what is under test is the command, not the engine.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { earshot, earshotInTerminal } from '../helpers/cli.js';
import { PASSAGE, speechWav } from '../helpers/fixtures.js';
import { FakeRecognizer } from '../helpers/fake-recognizer.js';
import { startFakeServer, type TestServer } from '../helpers/server.js';
import { wer } from '../helpers/wer.js';

const KEY = 'stream-key';
const TEXT = PASSAGE.slice(0, 3).join(' ');
let server: TestServer;

before(async () => {
  server = await startFakeServer({ apiKeys: [KEY] }, new FakeRecognizer({ script: PASSAGE.slice(0, 3) }));
});
after(() => server.stop());

test('a festival WAV streamed at real-time pace comes back as its words', async () => {
  const wav = speechWav(TEXT);
  const run = await earshot(['stream', wav, '--server', server.url, '--api-key', KEY]);
  assert.equal(run.code, 0, run.stderr);
  assert.ok(wer(TEXT, run.stdout) <= 0.1, `WER ${wer(TEXT, run.stdout)}: ${run.stdout}`);
  assert.match(run.stderr, /request id [0-9a-f-]{36}/);
  assert.match(run.stderr, /done: \d+\.\d s of audio/);
  assert.doesNotMatch(run.stdout, /\r|\x1b/, 'no live redraws when stdout is not a terminal');
});

test('in a terminal: a progress bar and interim text redrawn in place, finals appended', async (t) => {
  const screens = await earshotInTerminal(['stream', speechWav(TEXT), '--server', server.url, '--api-key', KEY], t);
  const last = screens.at(-1)!;
  assert.match(last, /EXIT=0/);
  const lines = last.split('\n').map((l) => l.trimEnd()).filter(Boolean);
  assert.match(lines[0], /^request id [0-9a-f-]{36}$/);
  const finals = lines.slice(1, lines.findIndex((l) => l.startsWith('done')));
  assert.ok(finals.length >= 2, `finals each on their own line: ${JSON.stringify(lines)}`);
  assert.ok(wer(TEXT, finals.join(' ')) <= 0.1, finals.join(' | '));
  assert.ok(!finals.some((l) => /%|\[#/.test(l)), 'the progress line is cleared before each final');
  // Mid-stream the bottom line was the bar, its percentage rising, with interim words beside it.
  const bars = screens.map((s) => /\[([#.]{24})\]\s+(\d+)% [\d.]+\/[\d.]+ s(.*)$/m.exec(s)).filter((m) => m !== null);
  const shares = bars.map((m) => Number(m![2]));
  assert.ok(shares.some((p) => p > 0 && p < 100), `a partial progress bar: ${shares.join(',')}`);
  assert.deepEqual(shares, [...shares].sort((a, b) => a - b), 'progress only rises');
  assert.ok(bars.some((m) => /[a-z]{3,}/i.test(m![3])), 'interim text beside the bar');
  assert.ok(!/\[[#.]{24}\]/.test(last), 'the bar is gone at the end');
});

test('headerless audio without --encoding: the close explained with the flags for raw audio, and no ffprobe noise', async () => {
  const raw = join(mkdtempSync(join(tmpdir(), 'earshot-raw-')), 'speech.raw');
  writeFileSync(raw, readFileSync(speechWav(PASSAGE[0])).subarray(44));
  const run = await earshot(['stream', raw, '--server', server.url.replace('ws://', ''), '--api-key', KEY, '--fast']);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /the stream ended with 1008 DATA-0000/);
  assert.match(run.stderr, /if the file is raw audio \(no WAV or other header\), say how it is encoded: --encoding linear16 --sample-rate 16000/);
  assert.doesNotMatch(run.stderr, /Invalid data found|\[\w+ @ 0x/, "ffprobe's own messages stay out of the terminal");
  const fixed = await earshot(['stream', raw, '--server', server.url, '--api-key', KEY, '--fast', '--encoding', 'linear16', '--sample-rate', '16000']);
  assert.equal(fixed.code, 0, fixed.stderr);
});

test('a refused stream prints what went wrong, the request id and the fix', async () => {
  const run = await earshot(['stream', speechWav(TEXT), '--server', server.url, '--api-key', 'wrong']);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /refused: HTTP 401 Unauthorized: Invalid credentials/);
  assert.match(run.stderr, /request id: [0-9a-f-]{36}/);
  assert.match(run.stderr, /fix: Give a key the server accepts with --api-key, or set EARSHOT_API_KEY \(or DEEPGRAM_API_KEY\)/);
});
