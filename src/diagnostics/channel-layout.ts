// Whether raw PCM really has the declared number of interleaved channels, from the samples alone.
//
// Mono read as stereo puts consecutive samples in "left" and "right": the difference inside a frame
// (L[i] - R[i]) is then as large as across frames (R[i] - L[i+1]) — both are one-sample steps of one
// signal — and the two "channels" are strongly correlated. Real stereo differs inside a frame far
// less (same instant) or far more (independent sources) than across frames. Stereo read as mono is
// the same test with the frame boundary at every other sample.

const SECONDS_TO_JUDGE = 4;
const FEWEST_SECONDS = 1;
/** Ratio of in-frame to cross-frame step energy that one signal read either way gives. */
const ONE_SIGNAL = { low: 0.8, high: 1.25 };
const MIN_RMS = 0.005;

export type LayoutVerdict = { declared: number; likely: number };

export class ChannelLayout {
  private inFrame = 0;
  private crossFrame = 0;
  private lr = 0;
  private ll = 0;
  private rr = 0;
  private samples = 0;
  private previous?: number;
  private parity = 0;
  private judged = false;

  constructor(
    private readonly declaredChannels: number,
    private readonly sampleRate: number,
  ) {}

  /** Source-rate planes as read from the stream; a verdict once, when the layout is contradicted. */
  push(planes: Float32Array[]): LayoutVerdict | undefined {
    if (this.judged || planes.length === 0 || this.declaredChannels > 2) return undefined;
    if (this.declaredChannels === 2) this.pushStereo(planes[0], planes[1]);
    else this.pushMono(planes[0]);
    return this.samples >= SECONDS_TO_JUDGE * this.sampleRate ? this.judge() : undefined;
  }

  /** The verdict on what was heard so far, if enough (at the end of a short stream). */
  judge(): LayoutVerdict | undefined {
    if (this.judged || this.samples < FEWEST_SECONDS * this.sampleRate) return undefined;
    this.judged = true;
    const ratio = this.inFrame / (this.crossFrame + 1e-12);
    if (this.declaredChannels === 2) {
      const correlation = this.lr / Math.sqrt(this.ll * this.rr + 1e-12);
      return ratio > ONE_SIGNAL.low && ratio < ONE_SIGNAL.high && correlation > 0.5 ? { declared: 2, likely: 1 } : undefined;
    }
    return ratio < ONE_SIGNAL.low / 2 || ratio > ONE_SIGNAL.high * 2 ? { declared: 1, likely: 2 } : undefined;
  }

  private pushStereo(left: Float32Array, right: Float32Array): void {
    for (let i = 0; i < left.length; i++) {
      const loud = Math.abs(left[i]) + Math.abs(right[i]) > MIN_RMS;
      if (loud) {
        this.inFrame += (left[i] - right[i]) ** 2;
        if (this.previous !== undefined) this.crossFrame += (this.previous - left[i]) ** 2;
        this.lr += left[i] * right[i];
        this.ll += left[i] * left[i];
        this.rr += right[i] * right[i];
        this.samples++;
      }
      this.previous = loud ? right[i] : undefined;
    }
  }

  private pushMono(x: Float32Array): void {
    for (let i = 0; i < x.length; i++) {
      if (this.previous !== undefined && Math.abs(x[i]) + Math.abs(this.previous) > MIN_RMS) {
        const step = (x[i] - this.previous) ** 2;
        // Odd positions close a would-be frame (samples 2k, 2k+1); even ones cross into the next.
        if (this.parity === 1) this.inFrame += step;
        else this.crossFrame += step;
        this.samples++;
      }
      this.previous = x[i];
      this.parity ^= 1;
    }
  }
}
