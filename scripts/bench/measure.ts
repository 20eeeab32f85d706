// What the bench measures of one client stream and of the server process: shared by the festival
// passage and the real-speech dev set, so both report the same figures the same way.
import { readFileSync } from 'node:fs';
import { MAX_SEGMENT_SECONDS } from '../../src/engines/moonshine/moonshine-engine.js';
import { SileroVad } from '../../src/engines/silero-vad/silero-vad.js';
import { channelSegmenter } from '../../src/streaming/channel-transcriber.js';
import { connect, listenUrl } from '../../test/helpers/client.js';

export const RATE = 16000;
export const ENDPOINTING_MS = 300;

export interface TrueWord {
  word: string;
  start: number;
  end: number;
}

/** Audio sent as one stream, with what is known of it. */
export interface StreamAudio {
  pcm: Buffer;
  seconds: number;
  /** Where each utterance's speech starts and ends, on the audio. */
  utterances: Array<{ start: number; end: number }>;
  /**
   * Utterance ends after which a pause long enough for an endpoint follows, where speech_final
   * latency is measured: from `end` (the end of speech, on the audio) to the last speech_final whose
   * window ends after `start` and no later than `until` (where the next speech starts).
   */
  endpoints: Endpoint[];
  /** True word times, where known (festival's own). */
  words: TrueWord[];
}

export interface Endpoint {
  start: number;
  end: number;
  until: number;
}

/** The utterances' ends that are followed by at least `pause` seconds before the next speech (or the audio's end). */
export function endpointsOf(utterances: Array<{ start: number; end: number }>, seconds: number, pause: number): Endpoint[] {
  return utterances
    .map((u, i) => ({ start: u.start, end: u.end, until: utterances[i + 1]?.start ?? seconds }))
    .filter((e) => e.until - e.end >= pause);
}

/** The window end of the speech_final (or endpoint segment) that closes `e`, among `windowEnds` in order. */
export function closing<T>(items: T[], windowEnd: (item: T) => number, e: Endpoint): T | undefined {
  return items.filter((item) => windowEnd(item) > e.start && windowEnd(item) <= e.until + 0.05).at(-1);
}

export function procStatus(pid: number): { rssMb: number; peakMb: number; cpuSeconds: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)![1]);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticks = Number(stat[11]) + Number(stat[12]);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024, cpuSeconds: ticks / 100 };
}

export const percentile = (xs: number[], p: number) => {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
};

export interface StreamOutcome {
  /** Per endpoint: the end of speech → the speech_final Results that closes it. */
  latencies: number[];
  /** Per utterance: its true onset → SpeechStarted, and → the first interim with words. */
  toSpeechStarted: number[];
  toFirstInterim: number[];
  /** Per interim: how far behind the audio it arrived (arrival − when its window's end was sent). */
  interimLags: number[];
  /** Interims with words per second of speech. */
  interimsPerSpeechSecond: number;
  /** CloseStream sent → the server's close. */
  closeSeconds: number;
  timingErrors: number[];
  lastWordErrors: number[];
  missedFinals: number;
  /** The final words, in order, with their times on the audio clock. */
  words: Array<{ word: string; start: number; end: number }>;
}

/** One client: streams `audio` at real-time pace in `chunkMs` frames, as a voice agent would, and measures what comes back. */
export async function runStream(url: string, audio: StreamAudio, { startDelayMs = 0, chunkMs = 50 } = {}): Promise<StreamOutcome> {
  await new Promise((r) => setTimeout(r, startDelayMs));
  const c = await connect(
    listenUrl(url, { encoding: 'linear16', sample_rate: RATE, interim_results: true, vad_events: true, endpointing: ENDPOINTING_MS, punctuate: true }),
  );
  const arrivals: Array<{ at: number; m: any }> = [];
  c.ws.on('message', (d) => arrivals.push({ at: performance.now(), m: JSON.parse(d.toString()) }));
  const chunkBytes = (RATE * 2 * chunkMs) / 1000;
  const t0 = performance.now();
  for (let i = 0, k = 0; i < audio.pcm.length; i += chunkBytes, k++) {
    // Paced against the wall clock, so timer drift does not slow the stream below real time.
    const wait = t0 + k * chunkMs - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    c.ws.send(audio.pcm.subarray(i, i + chunkBytes));
  }
  const closeSent = performance.now();
  c.send({ type: 'CloseStream' });
  await c.closed;
  const closeSeconds = (performance.now() - closeSent) / 1000;
  // Audio time t was sent at t0 + t (the chunk holding it, at the latest).
  const sentAt = (t: number) => t0 + Math.ceil((t * 1000) / chunkMs) * chunkMs;
  const results = arrivals.filter((a) => a.m.type === 'Results');
  const finals = results.filter((a) => a.m.is_final);
  const interims = results.filter((a) => !a.m.is_final && a.m.channel.alternatives[0].transcript);
  const windowEnd = (m: any) => m.start + m.duration;
  const latencies: number[] = [];
  const lastWordErrors: number[] = [];
  let missedFinals = 0;
  const speechFinals = finals.filter((a) => a.m.speech_final);
  for (const e of audio.endpoints) {
    const closer = closing(speechFinals, (a) => windowEnd(a.m), e);
    if (closer) {
      latencies.push((closer.at - sentAt(e.end)) / 1000);
      const lastWord = closer.m.channel.alternatives[0].words.at(-1);
      if (lastWord) lastWordErrors.push(Math.abs(lastWord.end - e.end));
    } else missedFinals++;
  }
  const toSpeechStarted: number[] = [];
  const toFirstInterim: number[] = [];
  for (const { start, end } of audio.utterances) {
    const started = arrivals.find((a) => a.m.type === 'SpeechStarted' && a.m.timestamp >= start - 0.5 && a.m.timestamp <= end);
    if (started) toSpeechStarted.push((started.at - sentAt(start)) / 1000);
    const interim = interims.find((a) => windowEnd(a.m) > start && windowEnd(a.m) <= end + 1);
    if (interim) toFirstInterim.push((interim.at - sentAt(start)) / 1000);
  }
  const speechSeconds = audio.utterances.reduce((s, u) => s + (u.end - u.start), 0);
  const words = finals.flatMap((a) => a.m.channel.alternatives[0].words as Array<{ word: string; start: number; end: number }>);

  // Word timing: pair each recognised word with the same word in the truth, in order.
  const timingErrors: number[] = [];
  let j = 0;
  for (const w of words) {
    const k = audio.words.slice(j, j + 4).findIndex((t) => t.word === w.word);
    if (k === -1) continue;
    const truth = audio.words[j + k];
    timingErrors.push(Math.abs(w.start - truth.start), Math.abs(w.end - truth.end));
    j += k + 1;
  }
  return {
    latencies,
    toSpeechStarted,
    toFirstInterim,
    interimLags: interims.map((a) => (a.at - sentAt(windowEnd(a.m))) / 1000),
    interimsPerSpeechSecond: interims.length / speechSeconds,
    closeSeconds,
    timingErrors,
    lastWordErrors,
    missedFinals,
    words,
  };
}

export const seconds = (xs: number[]) => `${percentile(xs, 0.5).toFixed(2)} / ${percentile(xs, 0.95).toFixed(2)} s`;
export const millis = (xs: number[]) => `${(percentile(xs, 0.5) * 1000).toFixed(0)} / ${(percentile(xs, 0.95) * 1000).toFixed(0)} ms`;

/**
 * How long after each endpoint's end of speech the VAD itself ends the utterance: the audio through
 * Silero and the channel's own segmentation, offline. This share of speech_final latency is the
 * VAD's judgement (a breath heard as speech), not decoding; the rest is the server's.
 */
export async function vadEndpointDelays(audio: StreamAudio): Promise<number[]> {
  const vad = new SileroVad();
  await vad.load();
  const samples = Float32Array.from(new Int16Array(audio.pcm.buffer, audio.pcm.byteOffset, audio.pcm.length / 2), (x) => x / 32768);
  const probabilities = await vad.createStream('bench').process(samples);
  await vad.close();
  const segmenter = channelSegmenter({ rate: RATE, frameSamples: vad.frameSamples, endSilenceSeconds: ENDPOINTING_MS / 1000, maxSegmentSeconds: MAX_SEGMENT_SECONDS, live: true });
  const ends: number[] = [];
  probabilities.forEach((p, i) => {
    for (const event of segmenter.push(i, p)) if (event.type === 'segment' && event.segment.reason === 'endpoint') ends.push(event.segment.windowEnd / RATE);
  });
  return audio.endpoints.flatMap((e) => {
    const end = closing(ends, (t) => t, e);
    return end === undefined ? [] : [end - e.end];
  });
}
