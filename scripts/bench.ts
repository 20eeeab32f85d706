// `npm run bench [-- --streams 1,2,4,8 --quick --formats-only]`: N concurrent clients stream real speech to a real
// `earshot serve` at real-time pace (interim_results=true) and the figures are printed:
// server CPU per audio second, end-of-utterance → final latency (p50/p95), time to first interim,
// peak RSS (process and per stream), word-timing error against festival's own word times, the
// largest N that stays real time, and the decode cost of every audio format. Speed targets live
// here, never in timed tests.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { connect, listenUrl } from '../test/helpers/client.js';
import { CACHE, cached, ffmpeg, oggPackets, PASSAGE, wavData } from '../test/helpers/fixtures.js';
import { plainWord } from '../src/protocol/transcript-format.js';
import { AudioInput, type RawEncoding } from '../src/audio/audio-input.js';

const SENTENCES = PASSAGE;
const GAP_SECONDS = 1.0;
const RATE = 16000;
const CHUNK_MS = 50;
/** A stream keeps up with real time while 95 % of its finals arrive within this of the utterance end. */
const REAL_TIME_P95_S = 1.5;

interface TrueWord {
  word: string;
  start: number;
  end: number;
}

interface Passage {
  pcm: Buffer;
  seconds: number;
  words: TrueWord[];
  utteranceEnds: number[];
  firstOnset: number;
}

/** Festival speech with its word times: the ground truth for timing and endpoint latency. */
function passage(): Passage {
  const meta = cached('bench-passage.json', ...SENTENCES, String(GAP_SECONDS));
  const wav = cached('bench-passage.wav', ...SENTENCES, String(GAP_SECONDS));
  if (!existsSync(meta) || !existsSync(wav)) {
    const words: TrueWord[] = [];
    const utteranceEnds: number[] = [];
    const parts: string[] = [];
    let offset = 0;
    SENTENCES.forEach((text, i) => {
      const raw = join(CACHE, `bench-${i}-raw.wav`);
      const scheme = `(voice_cmu_us_slt_arctic_hts)
(set! utt (Utterance Text ${JSON.stringify(text)}))
(utt.synth utt)
(utt.save.wave utt ${JSON.stringify(raw)} 'riff)
(mapcar (lambda (w) (format t "%s %f %f\\n" (item.name w) (item.feat w "word_start") (item.feat w "word_end"))) (utt.relation.items utt 'Word))`;
      const script = join(CACHE, `bench-${i}.scm`);
      writeFileSync(script, scheme);
      const lines = execFileSync('festival', ['-b', script], { encoding: 'utf8' }).trim().split('\n');
      const clip = join(CACHE, `bench-${i}.wav`);
      execFileSync('sox', ['-D', raw, '-r', String(RATE), '-c', '1', '-b', '16', '-e', 'signed-integer', clip]);
      const clipSeconds = Number(execFileSync('soxi', ['-D', clip], { encoding: 'utf8' }));
      for (const line of lines) {
        const [word, start, end] = line.split(' ');
        words.push({ word: plainWord(word), start: offset + Number(start), end: offset + Number(end) });
      }
      utteranceEnds.push(words[words.length - 1].end);
      parts.push(clip);
      offset += clipSeconds + GAP_SECONDS;
    });
    const gap = join(CACHE, `silence-${GAP_SECONDS}-${RATE}.wav`);
    execFileSync('sox', ['-D', '-n', '-r', String(RATE), '-c', '1', '-b', '16', gap, 'trim', '0', String(GAP_SECONDS)]);
    execFileSync('sox', ['-D', ...parts.flatMap((p) => [p, gap]), wav]);
    writeFileSync(meta, JSON.stringify({ words, utteranceEnds }));
  }
  const { words, utteranceEnds } = JSON.parse(readFileSync(meta, 'utf8'));
  const pcm = wavData(wav);
  return { pcm, seconds: pcm.length / 2 / RATE, words, utteranceEnds, firstOnset: words[0].start };
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function procStatus(pid: number): { rssMb: number; peakMb: number; cpuSeconds: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)![1]);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticks = Number(stat[11]) + Number(stat[12]);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024, cpuSeconds: ticks / 100 };
}

const percentile = (xs: number[], p: number) => {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
};

interface StreamOutcome {
  latencies: number[];
  firstInterim?: number;
  timingErrors: number[];
  missedFinals: number;
}

/** One client: streams the passage at real-time pace and measures what comes back. */
async function runStream(url: string, p: Passage, startDelayMs: number): Promise<StreamOutcome> {
  await new Promise((r) => setTimeout(r, startDelayMs));
  const c = await connect(listenUrl(url, { encoding: 'linear16', sample_rate: RATE, interim_results: true, punctuate: true }));
  const arrivals: Array<{ at: number; m: any }> = [];
  c.ws.on('message', (d) => arrivals.push({ at: performance.now(), m: JSON.parse(d.toString()) }));
  const chunkBytes = (RATE * 2 * CHUNK_MS) / 1000;
  const t0 = performance.now();
  for (let i = 0, k = 0; i < p.pcm.length; i += chunkBytes, k++) {
    // Paced against the wall clock, so timer drift does not slow the stream below real time.
    const due = t0 + k * CHUNK_MS;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    c.ws.send(p.pcm.subarray(i, i + chunkBytes));
  }
  c.send({ type: 'CloseStream' });
  await c.closed;
  // Audio time t was sent at t0 + t (the chunk holding it, at the latest).
  const sentAt = (t: number) => t0 + Math.ceil((t * 1000) / CHUNK_MS) * CHUNK_MS;
  const finals = arrivals.filter((a) => a.m.type === 'Results' && a.m.is_final);
  const latencies: number[] = [];
  let missedFinals = 0;
  for (const end of p.utteranceEnds) {
    const settled = finals.find((a) => a.m.start + a.m.duration >= end - 0.05);
    if (settled) latencies.push((settled.at - sentAt(end)) / 1000);
    else missedFinals++;
  }
  const interim = arrivals.find((a) => a.m.type === 'Results' && !a.m.is_final && a.m.channel.alternatives[0].transcript);
  const firstInterim = interim ? (interim.at - sentAt(p.firstOnset)) / 1000 : undefined;

  // Word timing: pair each recognised word with the same word in the truth, in order.
  const got = finals.flatMap((a) => a.m.channel.alternatives[0].words as Array<{ word: string; start: number; end: number }>);
  const timingErrors: number[] = [];
  let j = 0;
  for (const w of got) {
    const k = p.words.slice(j, j + 4).findIndex((t) => t.word === w.word);
    if (k === -1) continue;
    const truth = p.words[j + k];
    timingErrors.push(Math.abs(w.start - truth.start), Math.abs(w.end - truth.end));
    j += k + 1;
  }
  return { latencies, firstInterim, timingErrors, missedFinals };
}

/** CPU seconds of this process and of its reaped children (ffmpeg) so far. */
function cpuSecondsWithChildren(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(stat[11]) + Number(stat[12]) + Number(stat[13]) + Number(stat[14])) / 100;
}

/** Earshot's decode path alone (decoder, mixing, resampling to 16 kHz), per format, on ~5 minutes of speech. */
async function decodeCosts(p: Passage): Promise<void> {
  const source = cached('bench-passage.wav', ...SENTENCES, String(GAP_SECONDS));
  const long = ffmpeg(source, cached('bench-long.wav', source), ['-filter_complex', 'aloop=loop=9:size=2e9', '-c:a', 'pcm_s16le']);
  const seconds = p.seconds * 10;
  const file = (name: string, options: string[]) => readFileSync(ffmpeg(long, cached(name, long, ...options), options));
  const chunked = (bytes: Buffer, size: number) => Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
  const formats: Array<[string, { encoding?: RawEncoding; sampleRate?: number }, () => Buffer[]]> = [
    ['linear16 16 kHz', { encoding: 'linear16', sampleRate: 16000 }, () => chunked(wavData(long), 640)],
    ['mulaw 8 kHz', { encoding: 'mulaw', sampleRate: 8000 }, () => chunked(file('long.ul', ['-ar', '8000', '-f', 'mulaw']), 160)],
    ['WAV 48 kHz', {}, () => chunked(file('long48.wav', ['-ar', '48000']), 4096)],
    ['WebM/Opus 32k', {}, () => chunked(file('long.webm', ['-c:a', 'libopus', '-b:a', '32k']), 1000)],
    ['Ogg/Opus 32k', {}, () => chunked(file('long.ogg', ['-c:a', 'libopus', '-b:a', '32k']), 4096)],
    ['raw Opus packets', { encoding: 'opus', sampleRate: 48000 }, () => oggPackets(file('long-p.ogg', ['-c:a', 'libopus', '-b:a', '32k'])).slice(2)],
    ['Ogg/Vorbis q3', {}, () => chunked(file('long.vorbis.ogg', ['-c:a', 'libvorbis', '-q:a', '3']), 4096)],
    ['MP3 64k', {}, () => chunked(file('long.mp3', ['-c:a', 'libmp3lame', '-b:a', '64k']), 4096)],
    ['FLAC', {}, () => chunked(file('long.flac', ['-c:a', 'flac']), 4096)],
    ['M4A/AAC 64k', {}, () => chunked(file('long.m4a', ['-c:a', 'aac', '-b:a', '64k', '-movflags', '+faststart']), 4096)],
  ];
  console.log(`decode cost per format (${(seconds / 60).toFixed(1)} min of speech each; decoder + resampling to 16 kHz, in-process and ffmpeg CPU)`);
  console.log('format            | CPU s per audio hour');
  console.log('----------------- | --------------------');
  for (const [name, options, frames] of formats) {
    const input = new AudioInput({ ...options, channels: 1, multichannel: false, targetRate: RATE, maxChannels: 8 });
    const pieces = frames();
    const before = cpuSecondsWithChildren();
    for (const piece of pieces) await input.push(piece);
    await input.flush();
    const cpu = cpuSecondsWithChildren() - before;
    input.destroy();
    console.log(`${name.padEnd(17)} | ${((cpu / seconds) * 3600).toFixed(1).padStart(20)}`);
  }
  console.log('');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const streamsArg = args[args.indexOf('--streams') + 1];
  const levels = args.includes('--streams') ? streamsArg.split(',').map(Number) : quick ? [1, 4] : [1, 2, 4, 6, 8, 12, 16, 24];

  const p = passage();
  await decodeCosts(p);
  if (args.includes('--formats-only')) return;
  const port = await freePort();
  const server = spawn(process.execPath, ['dist/cli/main.js', 'serve', '--port', String(port), '--max-streams', '200'], {
    env: { ...process.env, EARSHOT_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    server.stderr.on('data', (d) => /listening on/.test(String(d)) && resolve());
    server.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  const url = `ws://127.0.0.1:${port}`;
  const idle = procStatus(server.pid!);
  console.log(`passage: ${p.seconds.toFixed(1)} s of festival speech, ${SENTENCES.length} utterances, ${GAP_SECONDS} s pauses; ${CHUNK_MS} ms chunks at real-time pace`);
  console.log(`server idle RSS ${idle.rssMb.toFixed(0)} MB (engines loaded)\n`);
  console.log('streams | CPU s per audio s | final latency p50 / p95 | first interim p50 | peak RSS | RSS per added stream | word time error p50 / p95 | real time');
  console.log('------- | ----------------- | ----------------------- | ----------------- | -------- | -------------------- | ------------------------- | ---------');

  let largestRealTime = 0;
  // The first streams also pay for onnxruntime's memory arenas; what each further stream costs is the slope.
  let first: { n: number; peak: number } | undefined;
  for (const n of levels) {
    const before = procStatus(server.pid!);
    let peak = before.rssMb;
    const sampler = setInterval(() => (peak = Math.max(peak, procStatus(server.pid!).rssMb)), 200);
    const outcomes = await Promise.all(Array.from({ length: n }, (_, i) => runStream(url, p, (i * 1000) / n)));
    clearInterval(sampler);
    const after = procStatus(server.pid!);
    const latencies = outcomes.flatMap((o) => o.latencies);
    const interims = outcomes.flatMap((o) => (o.firstInterim === undefined ? [] : [o.firstInterim]));
    const timing = outcomes.flatMap((o) => o.timingErrors);
    const missed = outcomes.reduce((s, o) => s + o.missedFinals, 0);
    const cpuPerAudio = (after.cpuSeconds - before.cpuSeconds) / (n * p.seconds);
    const p95 = percentile(latencies, 0.95);
    const realTime = missed === 0 && p95 <= REAL_TIME_P95_S;
    if (realTime) largestRealTime = n;
    console.log(
      [
        String(n).padStart(7),
        cpuPerAudio.toFixed(3).padStart(17),
        `${percentile(latencies, 0.5).toFixed(2)} s / ${p95.toFixed(2)} s`.padStart(23),
        `${percentile(interims, 0.5).toFixed(2)} s`.padStart(17),
        `${peak.toFixed(0)} MB`.padStart(8),
        (first ? `${((peak - first.peak) / (n - first.n)).toFixed(1)} MB` : '—').padStart(20),
        `${(percentile(timing, 0.5) * 1000).toFixed(0)} ms / ${(percentile(timing, 0.95) * 1000).toFixed(0)} ms`.padStart(25),
        realTime ? 'yes' : missed ? `no (${missed} finals missing)` : 'no',
      ].join(' | '),
    );
    first ??= { n, peak };
    if (!realTime && n > largestRealTime * 2) break;
  }
  console.log(`\nlargest N that stays real time (p95 final latency <= ${REAL_TIME_P95_S} s, no final missing): ${largestRealTime}`);
  console.log(`server peak RSS over the run: ${procStatus(server.pid!).peakMb.toFixed(0)} MB`);
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
}

await main();
