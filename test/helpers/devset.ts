// The shared real-speech dev set (../shared/devset, beside the repository): its utterances with
// their references, and where speech lies in a recording.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const RATE = 16000;
export const DEVSET = fileURLToPath(new URL('../../../shared/devset/', import.meta.url));
export interface Utterance {
  file: string;
  seconds: number;
  reference: string;
  /** AN4's phone numbers, dates and ZIP codes: digits against spelled-out references. */
  numbers: boolean;
}

export function devsetAvailable(): boolean {
  return existsSync(`${DEVSET}manifest.tsv`);
}

export function utterances(): Utterance[] {
  const [header, ...rows] = readFileSync(`${DEVSET}manifest.tsv`, 'utf8').trim().split('\n').map((l) => l.split('\t'));
  const col = (name: string) => header.indexOf(name);
  return rows.map((r) => ({ file: DEVSET + r[col('file')], seconds: Number(r[col('duration_s')]), reference: r[col('reference')], numbers: r[col('file')].includes('an4_') }));
}

/** A burst of loudness this short, this far from any other, is a click (a cut at a clip's edge), not speech. */
const CLICK_FRAMES = 3;
const CLICK_ISOLATION_FRAMES = 30;

/**
 * Which 10 ms frames are speech: those whose peak rises well above the recording's own floor (the
 * set has digital silence, studio hiss and 0–15 dB SNR noise), less isolated clicks (three files
 * open with one, kathleen_arctic_b0533 ends 0.9 s after its last word with one).
 */
function speechFrames(pcm: Buffer): boolean[] {
  const samples = new Int16Array(pcm.buffer, pcm.byteOffset, pcm.length / 2);
  const frame = RATE / 100;
  const peaks: number[] = [];
  for (let at = 0; at < samples.length; at += frame) {
    let peak = 0;
    for (let i = at; i < Math.min(samples.length, at + frame); i++) peak = Math.max(peak, Math.abs(samples[i]));
    peaks.push(peak);
  }
  const floor = [...peaks].sort((a, b) => a - b)[Math.floor(peaks.length * 0.05)];
  const threshold = Math.max(0.005 * 32768, 4 * floor);
  const loud = peaks.map((p) => p > threshold);
  const runs: Array<{ start: number; end: number }> = [];
  loud.forEach((l, f) => {
    if (!l) return;
    const run = runs.at(-1);
    if (run && run.end === f) run.end = f + 1;
    else runs.push({ start: f, end: f + 1 });
  });
  runs.forEach((run, k) => {
    const isolated = (k === 0 || run.start - runs[k - 1].end >= CLICK_ISOLATION_FRAMES) && (k === runs.length - 1 || runs[k + 1].start - run.end >= CLICK_ISOLATION_FRAMES);
    if (run.end - run.start < CLICK_FRAMES && isolated) loud.fill(false, run.start, run.end);
  });
  return loud;
}

/** Where speech starts and ends in 16-bit PCM: its first and last speech frame. */
export function speechSpan(pcm: Buffer): { start: number; end: number } {
  const speech = speechFrames(pcm);
  const first = speech.indexOf(true);
  if (first === -1) throw new Error('no speech in the audio');
  const last = speech.lastIndexOf(true);
  return { start: first / 100, end: Math.min(pcm.length / 2 / RATE, (last + 1) / 100) };
}

/** How many silences of at least `minSeconds` lie between speech's start and end, judged as speechSpan judges its edges. */
export function pausesInSpeech(pcm: Buffer, minSeconds: number): number {
  const speech = speechFrames(pcm);
  let pauses = 0;
  let quiet = 0;
  for (let f = speech.indexOf(true); f <= speech.lastIndexOf(true); f++) {
    if (!speech[f]) quiet++;
    else {
      if (quiet >= minSeconds * 100) pauses++;
      quiet = 0;
    }
  }
  return pauses;
}
