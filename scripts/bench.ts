// `npm run bench [-- --models base --streams 1,2,4,8 --quick --devset [--utterances 20 --devset-streams 8,16,24,32] --turns [--turn-streams 1,8] --formats-only --prerecorded-only --soak [--soak-minutes 10 --soak-streams 8]]`:
// N concurrent clients stream speech to a real `earshot serve` at real-time pace, as a voice agent
// would (interim_results, vad_events, endpointing=300), and the figures are printed. On festival's
// passage (known word times): server CPU per audio second, end of utterance → speech_final latency,
// onset → SpeechStarted and → first interim (p50/p95), peak RSS (process and per stream), word-timing
// error, the largest N that stays real time, the decode cost of every audio format, and pre-recorded
// throughput on a file of over ten minutes. On the real-speech dev set (bench/devset-runs.ts, alone
// with --devset): one stream of its utterances, the set pre-recorded, and N streams of its long
// recording, each figure against its target; then /v2/listen's turn-taking (bench/turn-runs.ts, alone with --turns). --soak instead keeps streams running back to back for a
// bounded time and prints the server's memory over it. Speed targets live here, never in timed tests.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { postPrerecorded } from '../src/client/prerecorded-client.js';
import { wer } from '../test/helpers/wer.js';
import { freePort } from '../test/helpers/ports.js';
import { CACHE, cached, ffmpeg, joinWithSilence, oggPackets, PASSAGE, speechBounds, wavData } from '../test/helpers/fixtures.js';
import { plainWord } from '../src/formatting/word-spans.js';
import { AudioInput, type RawEncoding } from '../src/audio/audio-input.js';
import { devsetAvailable } from '../test/helpers/devset.js';
import { loadRun, prerecordedRun, utteranceRun } from './bench/devset-runs.js';
import { turnRun } from './bench/turn-runs.js';
import { endpointsOf, ENDPOINTING_MS, millis, percentile, procStatus, RATE, runStream, seconds, type StreamAudio, type TrueWord } from './bench/measure.js';

const SENTENCES = PASSAGE;
const GAP_SECONDS = 1.0;
const CHUNK_MS = 50;
/** A stream keeps up with real time while 95 % of its speech_finals arrive within this of the utterance end. */
const REAL_TIME_P95_S = 1.5;

interface Passage extends StreamAudio {
  file: string;
}

/** Festival speech with its word times: the ground truth for timing and endpoint latency. */
function passage(): Passage {
  const meta = cached('bench-truth.json', ...SENTENCES, String(GAP_SECONDS));
  if (!existsSync(meta)) {
    const words: TrueWord[] = [];
    const utterances: StreamAudio['utterances'] = [];
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
  const seconds = pcm.length / 2 / RATE;
  return { file, pcm, seconds, words, utterances, endpoints: endpointsOf(utterances, seconds, GAP_SECONDS / 2) };
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
        const outcome = await runStream(url, p);
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

  const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const devsetOnly = args.includes('--devset');
  const devsetLevels = (option('--devset-streams') ?? '8,16,24,32').split(',').map(Number);

  const p = passage();
  // The format table belongs to the full run; soak, pre-recorded-only and dev-set runs skip it.
  if (!args.includes('--soak') && !args.includes('--prerecorded-only') && !devsetOnly) await decodeCosts(p);
  if (args.includes('--formats-only')) return;
  const port = await freePort();
  // --models tiny | base | tiny,base: what the server loads, the first serving every stream.
  const models = option('--models');
  if (models) console.log(`models: ${models} (the first serves every stream)\n`);
  const server = spawn(process.execPath, ['dist/cli/main.js', 'serve', '--port', String(port), '--max-streams', '200', ...(models ? ['--models', models] : [])], {
    env: { ...process.env, EARSHOT_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    server.stderr.on('data', (d) => /listening on/.test(String(d)) && resolve());
    server.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  const url = `ws://127.0.0.1:${port}`;
  if (args.includes('--soak')) {
    await soak(server, url, p, Number(option('--soak-minutes') ?? 10), Number(option('--soak-streams') ?? 8));
    return stop(server);
  }
  if (args.includes('--prerecorded-only')) {
    await prerecordedThroughput(server, port, p);
    return stop(server);
  }
  if (devsetOnly) {
    await devsetRuns(server, url, port, option('--utterances'), devsetLevels);
    return stop(server);
  }
  if (args.includes('--turns')) {
    await turnRun(url, (option('--turn-streams') ?? '1,8').split(',').map(Number));
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

  let largestRealTime = 0;
  // The first streams also pay for onnxruntime's memory arenas; what each further stream costs is the slope.
  let first: { n: number; peak: number } | undefined;
  for (const n of levels) {
    const before = procStatus(server.pid!);
    let peak = before.rssMb;
    const sampler = setInterval(() => (peak = Math.max(peak, procStatus(server.pid!).rssMb)), 200);
    const outcomes = await Promise.all(Array.from({ length: n }, (_, i) => runStream(url, p, { startDelayMs: (i * 1000) / n, chunkMs: CHUNK_MS })));
    clearInterval(sampler);
    const after = procStatus(server.pid!);
    const all = (key: 'latencies' | 'toSpeechStarted' | 'toFirstInterim' | 'timingErrors' | 'lastWordErrors') => outcomes.flatMap((o) => o[key]);
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
  if (!quick && devsetAvailable()) {
    await devsetRuns(server, url, port, option('--utterances'), devsetLevels);
    await turnRun(url, [1, 8]);
  }
  else if (!quick) console.log('../shared/devset not found: the real-speech figures are skipped');
  await stop(server);
}

async function devsetRuns(server: { pid?: number }, url: string, port: number, utterances: string | undefined, levels: number[]): Promise<void> {
  const streamedWer = await utteranceRun(server, url, utterances ? Number(utterances) : undefined);
  await prerecordedRun(server, port, utterances ? undefined : streamedWer);
  await loadRun(server, url, levels);
}

async function stop(server: ReturnType<typeof spawn>): Promise<void> {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
}

await main();
