// The pitch of a voice tells whether audio was read at the rate it was recorded at: a sample_rate
// declared 3x too low (48 kHz audio sent as sample_rate=16000, the commonest browser mistake) plays
// the speech 3x slow, and a human voice's ~80-300 Hz fundamental shows up at 30-100 Hz; declared too
// high, it shows up far above any adult voice. Music or a tone is not judged: a voice's pitch moves.
//
// Runs on engine-rate (16 kHz) audio, halved to 8 kHz: pitch needs no more, and each 64 ms frame
// then costs ~0.1 ms of autocorrelation, spread over the stream's chunks.

const RATE = 8000;
const FRAME = 512;
const MIN_HZ = 25;
const MAX_HZ = 1000;
const MIN_LAG = Math.floor(RATE / MAX_HZ);
const MAX_LAG = Math.ceil(RATE / MIN_HZ);
/** A frame quieter than this (RMS, full scale 1) is not analysed. */
const MIN_RMS = 0.01;
/** Normalised autocorrelation at the pitch period for a frame to count as voiced. */
const VOICED = 0.7;
/** Voiced frames gathered before judging (~4 s of voiced speech); at the end of a stream fewer do. */
const FRAMES_TO_JUDGE = 120;
const FEWEST_FRAMES = 40;

/**
 * Speaking voices' median F0, deep men to children: outside this the rate is wrong. Measured: festival's
 * slt voice 178 Hz, read as 3x slow 62 Hz, 3x fast 533 Hz; jfk.wav 258 Hz (an orator), 3x slow 92 Hz.
 * So a 3x error is caught for most voices, a 2x one only for deep or high voices.
 */
export const VOICE_F0_HZ = { low: 70, high: 420 };

export interface PitchVerdict {
  medianHz: number;
}

export class SpeechPitch {
  /** The 8 kHz frame being filled; each analysis then keeps its second half (frames overlap by half). */
  private readonly frame = new Float32Array(FRAME);
  private filled = 0;
  private pendingOdd?: number;
  private readonly f0: number[] = [];
  private judged = false;

  constructor(sourceRate: number) {
    if (sourceRate !== RATE * 2) throw new Error(`SpeechPitch expects ${RATE * 2} Hz audio`);
  }

  /**
   * Feeds engine-rate samples; returns a verdict once enough voiced speech was heard, then never again.
   * Linear in `samples`: a frame of minutes of audio costs one pass, whatever was fed before.
   */
  push(samples: Float32Array): PitchVerdict | undefined {
    if (this.judged) return undefined;
    let i = 0;
    if (this.pendingOdd !== undefined && samples.length > 0) {
      this.add((this.pendingOdd + samples[0]) / 2);
      this.pendingOdd = undefined;
      i = 1;
    }
    // Once enough is heard, the rest of a huge frame is not analysed for nothing.
    for (; i + 1 < samples.length && !this.heardEnough; i += 2) this.add((samples[i] + samples[i + 1]) / 2);
    if (i < samples.length) this.pendingOdd = samples[i];
    return this.heardEnough ? this.judge() : undefined;
  }

  private get heardEnough(): boolean {
    return this.f0.length >= FRAMES_TO_JUDGE;
  }

  private add(sample: number): void {
    this.frame[this.filled++] = sample;
    if (this.filled < FRAME) return;
    const hz = framePitch(this.frame);
    if (hz !== undefined) this.f0.push(hz);
    this.frame.copyWithin(0, FRAME / 2);
    this.filled = FRAME / 2;
  }

  /** The verdict on what was heard so far, if enough (at the end of a short stream). */
  judge(): PitchVerdict | undefined {
    if (this.judged || this.f0.length < FEWEST_FRAMES) return undefined;
    this.judged = true;
    return verdict(this.f0);
  }
}

function verdict(f0: number[]): PitchVerdict | undefined {
  const sorted = [...f0].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.floor(p * (sorted.length - 1))];
  // A steady tone or a held note: not a voice, no verdict.
  if (q(0.75) / q(0.25) < 1.04) return undefined;
  const medianHz = q(0.5);
  return { medianHz };
}

function framePitch(frame: Float32Array): number | undefined {
  let energy = 0;
  for (const x of frame) energy += x * x;
  if (Math.sqrt(energy / frame.length) < MIN_RMS) return undefined;
  const n = frame.length;
  const scores = new Float64Array(MAX_LAG + 1);
  let best = 0;
  for (let lag = MIN_LAG; lag <= Math.min(MAX_LAG, n - 64); lag++) {
    let xy = 0;
    let xx = 0;
    let yy = 0;
    for (let t = 0; t + lag < n; t++) {
      xy += frame[t] * frame[t + lag];
      xx += frame[t] * frame[t];
      yy += frame[t + lag] * frame[t + lag];
    }
    scores[lag] = xy / Math.sqrt(xx * yy + 1e-12);
    if (scores[lag] > best) best = scores[lag];
  }
  if (best < VOICED) return undefined;
  // The shortest period scoring near the best: multiples of the period score as high (octave errors).
  for (let lag = MIN_LAG + 1; lag < MAX_LAG; lag++) {
    if (scores[lag] >= 0.9 * best && scores[lag] >= scores[lag - 1] && scores[lag] >= scores[lag + 1]) return RATE / lag;
  }
  return undefined;
}

