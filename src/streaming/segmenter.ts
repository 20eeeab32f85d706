// Cuts one channel's audio into speech segments from VAD frame probabilities. A pure state machine
// (idle ⇄ speech), so the same cuts come out whether audio arrives in 20 ms frames or all at once.
//
//   idle ──(p ≥ onset)──► speech ──(trailing silence ≥ endSilence)──► idle   reason "endpoint"
//                           └──(segment reaches maxSegment)──► speech (new segment)  reason "max-length"

export interface SegmenterConfig {
  frameSamples: number;
  /** Probability at which speech starts. */
  onsetThreshold: number;
  /** Below this, a frame inside speech counts as silence (hysteresis). */
  offsetThreshold: number;
  /** How late the probability falls after speech ends: silence is counted from this far before that frame. */
  offsetLagSamples: number;
  /** Trailing silence that ends a segment. */
  endSilenceSamples: number;
  /** Audio kept before the detected onset, so first syllables are not clipped. */
  prerollSamples: number;
  /** Silence kept after the last speech frame when a segment ends. */
  postrollSamples: number;
  maxSegmentSamples: number;
  /** Where to look, back from the cap, for the quietest frame to cut at. */
  cutSearchSamples: number;
}

export interface Segment {
  /** Where the final Results window starts: the end of the previous one. */
  windowStart: number;
  /** First sample handed to the engine. */
  audioStart: number;
  /** One past the last sample handed to the engine. */
  audioEnd: number;
  /** Where the final Results window ends (the next window starts here). */
  windowEnd: number;
  reason: 'endpoint' | 'max-length' | 'flush';
}

export type SegmenterEvent = { type: 'speech-start'; at: number; onset: number } | { type: 'segment'; segment: Segment };

export class Segmenter {
  private inSpeech = false;
  private segmentStart = 0;
  /** First sample of the current run of silence inside speech, if any. */
  private silenceStart: number | undefined;
  /** Start of the audio not yet covered by a final window. */
  private floor = 0;
  /** Probabilities of the current segment's frames from `firstFrame` on, for choosing a cut at the cap. */
  private probabilities: number[] = [];
  private firstFrame = 0;

  constructor(private readonly config: SegmenterConfig) {}

  get speaking(): boolean {
    return this.inSpeech;
  }

  /** First sample of the open segment (only meaningful while speaking). */
  get openSegmentStart(): number {
    return this.segmentStart;
  }

  /** Start of the audio not yet covered by a final window. */
  get windowStart(): number {
    return this.floor;
  }

  /** Feeds frame `index` (covering samples [index·F, (index+1)·F)) with its speech probability. */
  push(index: number, probability: number): SegmenterEvent[] {
    const { frameSamples: F, onsetThreshold, offsetThreshold, endSilenceSamples, prerollSamples, maxSegmentSamples } = this.config;
    const frameStart = index * F;
    const frameEnd = frameStart + F;
    const events: SegmenterEvent[] = [];
    if (!this.inSpeech) {
      if (probability < onsetThreshold) return events;
      this.inSpeech = true;
      this.segmentStart = Math.max(this.floor, frameStart - prerollSamples);
      this.silenceStart = undefined;
      this.probabilities = [];
      this.firstFrame = index;
      events.push({ type: 'speech-start', at: this.segmentStart, onset: frameStart });
    }
    this.probabilities.push(probability);
    if (probability < offsetThreshold) this.silenceStart ??= Math.max(this.segmentStart, frameStart - this.config.offsetLagSamples);
    else this.silenceStart = undefined;

    if (this.silenceStart !== undefined && frameEnd - this.silenceStart >= endSilenceSamples) {
      events.push({ type: 'segment', segment: this.close(this.silenceStart, frameEnd, 'endpoint') });
    } else if (frameEnd - this.segmentStart >= maxSegmentSamples) {
      const quietest = this.quietestFrame();
      const cut = (this.firstFrame + quietest) * F;
      const segment: Segment = { windowStart: this.floor, audioStart: this.segmentStart, audioEnd: cut, windowEnd: cut, reason: 'max-length' };
      this.floor = cut;
      this.probabilities = this.probabilities.slice(quietest);
      this.firstFrame += quietest;
      this.segmentStart = cut;
      events.push({ type: 'segment', segment });
    }
    return events;
  }

  /** Ends any open segment at `at` (Finalize, CloseStream, end of input). */
  flush(at: number): Segment | undefined {
    if (!this.inSpeech) {
      const had = at > this.floor;
      const segment: Segment = { windowStart: this.floor, audioStart: at, audioEnd: at, windowEnd: at, reason: 'flush' };
      this.floor = Math.max(this.floor, at);
      return had ? segment : undefined;
    }
    return this.close(at, at, 'flush');
  }

  private close(lastSpeechEnd: number, windowEnd: number, reason: Segment['reason']): Segment {
    const audioEnd = Math.min(windowEnd, lastSpeechEnd + this.config.postrollSamples);
    const segment: Segment = { windowStart: this.floor, audioStart: this.segmentStart, audioEnd, windowEnd, reason };
    this.inSpeech = false;
    this.silenceStart = undefined;
    this.floor = windowEnd;
    return segment;
  }

  /** Index (into `probabilities`) of the least speech-like frame in the last stretch of the segment. */
  private quietestFrame(): number {
    const frames = this.probabilities.length;
    const from = Math.max(1, frames - Math.round(this.config.cutSearchSamples / this.config.frameSamples));
    let best = frames - 1;
    for (let i = from; i < frames; i++) if (this.probabilities[i] < this.probabilities[best]) best = i;
    return best;
  }
}
