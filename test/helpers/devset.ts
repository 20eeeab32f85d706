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

/** Each 10 ms frame's peak, and the level above which a frame is speech: well above the recording's own floor. */
function loudness(pcm: Buffer): { peaks: number[]; threshold: number } {
  const samples = new Int16Array(pcm.buffer, pcm.byteOffset, pcm.length / 2);
  const frame = RATE / 100;
  const peaks: number[] = [];
  for (let at = 0; at < samples.length; at += frame) {
    let peak = 0;
    for (let i = at; i < Math.min(samples.length, at + frame); i++) peak = Math.max(peak, Math.abs(samples[i]));
    peaks.push(peak);
  }
  const floor = [...peaks].sort((a, b) => a - b)[Math.floor(peaks.length * 0.05)];
  return { peaks, threshold: Math.max(0.005 * 32768, 4 * floor) };
}

/**
 * Where speech starts and ends in 16-bit PCM: the first and last 10 ms frame whose peak rises well
 * above the recording's own floor (the set has digital silence, studio hiss and 0–15 dB SNR noise).
 */
export function speechSpan(pcm: Buffer): { start: number; end: number } {
  const { peaks, threshold } = loudness(pcm);
  const first = peaks.findIndex((p) => p > threshold);
  let last = peaks.length - 1;
  while (last > first && peaks[last] <= threshold) last--;
  if (first === -1) throw new Error('no speech in the audio');
  return { start: first / 100, end: Math.min(pcm.length / 2 / RATE, (last + 1) / 100) };
}

/** How many silences of at least `minSeconds` lie between speech's start and end, judged as speechSpan judges its edges. */
export function pausesInSpeech(pcm: Buffer, minSeconds: number): number {
  const { peaks, threshold } = loudness(pcm);
  const span = speechSpan(pcm);
  let pauses = 0;
  let quiet = 0;
  for (let f = Math.round(span.start * 100); f < Math.round(span.end * 100); f++) {
    if (peaks[f] <= threshold) quiet++;
    else {
      if (quiet >= minSeconds * 100) pauses++;
      quiet = 0;
    }
  }
  return pauses;
}
