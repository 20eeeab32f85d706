// `npm run bench [-- --streams 1,2,4,8 --quick --formats-only --prerecorded-only --soak [--soak-minutes 10 --soak-streams 8]]`:
// N concurrent clients stream real speech to a real
// `earshot serve` at real-time pace, as a voice agent would (interim_results, vad_events,
// endpointing=300), and the figures are printed: server CPU per audio second, end of utterance →
// speech_final latency, onset → SpeechStarted and → first interim (p50/p95), peak RSS (process and
// per stream), word-timing error against festival's own word times and the last word's end against
// the audio, the largest N that stays real time, the decode cost of every audio format, and
// pre-recorded throughput on a file of over ten minutes; --soak instead keeps streams running back
// to back for a bounded time and prints the server's memory over it. Speed targets live here, never in timed tests.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { postPrerecorded } from '../src/client/prerecorded-client.js';
import { connect, listenUrl } from '../test/helpers/client.js';
import { wer } from '../test/helpers/wer.js';
import { freePort } from '../test/helpers/ports.js';
import { CACHE, cached, ffmpeg, joinWithSilence, oggPackets, PASSAGE, speechBounds, wavData } from '../test/helpers/fixtures.js';
import { plainWord } from '../src/protocol/transcript-format.js';
import { AudioInput, type RawEncoding } from '../src/audio/audio-input.js';

const SENTENCES = PASSAGE;
const GAP_SECONDS = 1.0;
const RATE = 16000;
const CHUNK_MS = 50;
const ENDPOINTING_MS = 300;
/** A stream keeps up with real time while 95 % of its speech_finals arrive within this of the utterance end. */
const REAL_TIME_P95_S = 1.5;

interface TrueWord {
  word: string;
  start: number;
  end: number;
}

interface Passage {
  file: string;
  pcm: Buffer;
  seconds: number;
  /** Festival's own word times. */
  words: TrueWord[];
  /** Where each utterance's speech starts and ends, measured from the audio. */
  utterances: Array<{ start: number; end: number }>;
}

/** Festival speech with its word times: the ground truth for timing and endpoint latency. */
function passage(): Passage {
  const meta = cached('bench-truth.json', ...SENTENCES, String(GAP_SECONDS));
  if (!existsSync(meta)) {
    const words: TrueWord[] = [];
    const utterances: Passage['utterances'] = [];
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
      const bounds = speechBounds(wavData(clip));
      utterances.push({ start: offset + bounds.start, end: offset + bounds.end });
      parts.push(clip);
      offset += clipSeconds + GAP_SECONDS;
    });
    writeFileSync(meta, JSON.stringify({ words, utterances, file: joinWithSilence(parts, GAP_SECONDS, { trailing: true }) }));
  }
  const { words, utterances, file } = JSON.parse(readFileSync(meta, 'utf8'));
  const pcm = wavData(file);
  return { file, pcm, seconds: pcm.length / 2 / RATE, words, utterances };
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
  /** Per utterance: its true end → the speech_final Results that closes it. */
  latencies: number[];
  /** Per utterance: its true onset → SpeechStarted, and → the first interim with words. */
  toSpeechStarted: number[];
  toFirstInterim: number[];
  timingErrors: number[];
  lastWordErrors: number[];
  missedFinals: number;
}

/** One client: streams the passage at real-time pace and measures what comes back. */
async function runStream(url: string, p: Passage, startDelayMs: number): Promise<StreamOutcome> {
  await new Promise((r) => setTimeout(r, startDelayMs));
  const c = await connect(
    listenUrl(url, { encoding: 'linear16', sample_rate: RATE, interim_results: true, vad_events: true, endpointing: ENDPOINTING_MS, punctuate: true }),
  );
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
  const windowEnd = (m: any) => m.start + m.duration;
  const latencies: number[] = [];
  const toSpeechStarted: number[] = [];
  const toFirstInterim: number[] = [];
  const lastWordErrors: number[] = [];
  let missedFinals = 0;
  for (const { start, end } of p.utterances) {
    const closing = finals.find((a) => a.m.speech_final && windowEnd(a.m) >= end - 0.05);
    if (closing) {
      latencies.push((closing.at - sentAt(end)) / 1000);
      const lastWord = closing.m.channel.alternatives[0].words.at(-1);
      if (lastWord) lastWordErrors.push(Math.abs(lastWord.end - end));
    } else missedFinals++;
    const started = arrivals.find((a) => a.m.type === 'SpeechStarted' && a.m.timestamp >= start - 0.5 && a.m.timestamp <= end);
    if (started) toSpeechStarted.push((started.at - sentAt(start)) / 1000);
    const interim = arrivals.find((a) => a.m.type === 'Results' && !a.m.is_final && windowEnd(a.m) > start && windowEnd(a.m) <= end + 1 && a.m.channel.alternatives[0].transcript);
    if (interim) toFirstInterim.push((interim.at - sentAt(start)) / 1000);
  }

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
  return { latencies, toSpeechStarted, toFirstInterim, timingErrors, lastWordErrors, missedFinals };
}

/** CPU seconds of this process and of its reaped children (ffmpeg) so far. */
function cpuSecondsWithChildren(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(stat[11]) + Number(stat[12]) + Number(stat[13]) + Number(stat[14])) / 100;
}

/** Earshot's decode path alone (decoder, mixing, resampling to 16 kHz), per format, on ~5 minutes of speech. */
async function decodeCosts(p: Passage): Promise<void> {
  const long = ffmpeg(p.file, cached('bench-long.wav', p.file), ['-filter_complex', 'aloop=loop=9:size=2e9', '-c:a', 'pcm_s16le']);
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

/** Copies of the passage in one file: long enough that start-up costs vanish from the figure. */
const PRERECORDED_COPIES = 22;

/** One file of over ten minutes through pre-recorded POST /v1/listen: audio seconds per wall second, and cores busy. */
async function prerecordedThroughput(server: { pid?: number }, port: number, p: Passage): Promise<void> {
  const file = joinWithSilence(Array.from({ length: PRERECORDED_COPIES }, () => p.file), GAP_SECONDS);
  const audio = readFileSync(file);
  const before = procStatus(server.pid!);
  let peak = before.rssMb;
  const sampler = setInterval(() => (peak = Math.max(peak, procStatus(server.pid!).rssMb)), 200);
  const started = performance.now();
  const answer = await postPrerecorded({ server: `http://127.0.0.1:${port}`, query: {}, audio });
  const wall = (performance.now() - started) / 1000;
  clearInterval(sampler);
  if (answer.status !== 200) throw new Error(`pre-recorded request failed: ${answer.status} ${answer.dgError}`);
  const cpu = procStatus(server.pid!).cpuSeconds - before.cpuSeconds;
  const seconds: number = answer.body.metadata.duration;
  const reference = Array.from({ length: PRERECORDED_COPIES }, () => SENTENCES.join(' ')).join(' ');
  console.log(`pre-recorded: one ${(seconds / 60).toFixed(1)} min WAV (the passage ${PRERECORDED_COPIES} times), POST /v1/listen`);
  console.log(`  ${seconds.toFixed(0)} s of audio in ${wall.toFixed(1)} s: ${(seconds / wall).toFixed(1)} audio seconds per wall second`);
  console.log(`  server CPU ${cpu.toFixed(1)} s = ${(cpu / wall).toFixed(2)} cores busy on average (of ${availableParallelism()}); peak RSS ${peak.toFixed(0)} MB`);
  console.log(`  WER ${(wer(reference, answer.body.results.channels[0].alternatives[0].transcript) * 100).toFixed(1)} %\n`);
}

/**
 * Streams run back to back (each the passage at real-time pace, a new one as soon as one closes)
 * until `minutes` pass; the server's RSS is sampled every 30 s. Flat memory over the second half
 * is the figure: a leak shows as a slope.
 */
async function soak(server: { pid?: number }, url: string, p: Passage, minutes: number, streams: number): Promise<void> {
  const until = performance.now() + minutes * 60_000;
  const samples: Array<{ minute: number; rssMb: number }> = [];
  const started = performance.now();
  const sample = () => samples.push({ minute: (performance.now() - started) / 60_000, rssMb: procStatus(server.pid!).rssMb });
  sample();
  const sampler = setInterval(sample, 30_000);
  let completed = 0;
  let missed = 0;
  await Promise.all(
    Array.from({ length: streams }, async (_, i) => {
      await new Promise((r) => setTimeout(r, (i * 1000) / streams));
      while (performance.now() + p.seconds * 1000 < until) {
        const outcome = await runStream(url, p, 0);
        completed++;
        missed += outcome.missedFinals;
      }
    }),
  );
  clearInterval(sampler);
  sample();
  console.log(`soak: ${streams} streams back to back for ${minutes} min, ${completed} streams of ${p.seconds.toFixed(1)} s completed, ${missed} speech_finals missing`);
  console.log('minute | server RSS');
  console.log('------ | ----------');
  for (const s of samples) console.log(`${s.minute.toFixed(1).padStart(6)} | ${s.rssMb.toFixed(0).padStart(7)} MB`);
  // Least-squares slope over the second half, after arenas and caches have grown to their working size.
  const half = samples.filter((s) => s.minute >= minutes / 2);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const mx = mean(half.map((s) => s.minute));
  const my = mean(half.map((s) => s.rssMb));
  const slope = half.reduce((a, s) => a + (s.minute - mx) * (s.rssMb - my), 0) / Math.max(1e-9, half.reduce((a, s) => a + (s.minute - mx) ** 2, 0));
  console.log(`\nRSS slope over the second half: ${slope.toFixed(2)} MB per minute (${half.length} samples)`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const streamsArg = args[args.indexOf('--streams') + 1];
  const levels = args.includes('--streams') ? streamsArg.split(',').map(Number) : quick ? [1, 4] : [1, 2, 4, 6, 8, 12, 16, 24];

  const p = passage();
  // The format table belongs to the full run; soak and pre-recorded-only runs skip it.
  if (!args.includes('--soak') && !args.includes('--prerecorded-only')) await decodeCosts(p);
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
  if (args.includes('--soak')) {
    const option = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
    await soak(server, url, p, option('--soak-minutes', 10), option('--soak-streams', 8));
    return stop(server);
  }
  if (args.includes('--prerecorded-only')) {
    await prerecordedThroughput(server, port, p);
    return stop(server);
  }
  const idle = procStatus(server.pid!);
  console.log(`passage: ${p.seconds.toFixed(1)} s of festival speech, ${SENTENCES.length} utterances, ${GAP_SECONDS} s pauses; ${CHUNK_MS} ms chunks at real-time pace`);
  console.log(`query: interim_results=true, vad_events=true, endpointing=${ENDPOINTING_MS}`);
  console.log(`server idle RSS ${idle.rssMb.toFixed(0)} MB (engines loaded)\n`);
  const columns = [
    'streams',
    'CPU s per audio s',
    'end → speech_final p50 / p95',
    'onset → SpeechStarted',
    'onset → first interim',
    'peak RSS',
    'RSS per added stream',
    'word time error p50 / p95',
    'last word end error',
    'real time',
  ];
  console.log(columns.join(' | '));
  console.log(columns.map((c) => '-'.repeat(c.length)).join(' | '));
  const seconds = (xs: number[]) => `${percentile(xs, 0.5).toFixed(2)} / ${percentile(xs, 0.95).toFixed(2)} s`;
  const millis = (xs: number[]) => `${(percentile(xs, 0.5) * 1000).toFixed(0)} / ${(percentile(xs, 0.95) * 1000).toFixed(0)} ms`;

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
    const all = (key: Exclude<keyof StreamOutcome, 'missedFinals'>) => outcomes.flatMap((o) => o[key]);
    const missed = outcomes.reduce((s, o) => s + o.missedFinals, 0);
    const cpuPerAudio = (after.cpuSeconds - before.cpuSeconds) / (n * p.seconds);
    const realTime = missed === 0 && percentile(all('latencies'), 0.95) <= REAL_TIME_P95_S;
    if (realTime) largestRealTime = n;
    const cells = [
      String(n),
      cpuPerAudio.toFixed(3),
      seconds(all('latencies')),
      seconds(all('toSpeechStarted')),
      seconds(all('toFirstInterim')),
      `${peak.toFixed(0)} MB`,
      first ? `${((peak - first.peak) / (n - first.n)).toFixed(1)} MB` : '—',
      millis(all('timingErrors')),
      millis(all('lastWordErrors')),
      realTime ? 'yes' : missed ? `no (${missed} speech_finals missing)` : 'no',
    ];
    console.log(cells.map((c, i) => c.padStart(columns[i].length)).join(' | '));
    first ??= { n, peak };
    if (!realTime && n > largestRealTime * 2) break;
  }
  console.log(`\nlargest N that stays real time (p95 end → speech_final <= ${REAL_TIME_P95_S} s, none missing): ${largestRealTime}`);
  console.log(`server peak RSS over the streams: ${procStatus(server.pid!).peakMb.toFixed(0)} MB\n`);
  // After the streams, so that their memory figures start from an idle server.
  await prerecordedThroughput(server, port, p);
  await stop(server);
}

async function stop(server: ReturnType<typeof spawn>): Promise<void> {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
}

await main();
