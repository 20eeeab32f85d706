// Cuts one channel's audio into speech segments from VAD frame probabilities. A pure state machine
// (idle ⇄ speech), so the same cuts come out whether audio arrives in 20 ms frames or all at once.
//
//   idle ──(p ≥ onset)──► speech ──(trailing silence ≥ endSilence)──► idle   reason "endpoint"
//                           ├──(speech resumes after a pause, segment ≥ window)──► speech (new segment)  reason "pause"
//                           └──(segment reaches maxSegment)──► speech (new segment)  reason "max-length"
//
// A "pause" cut bounds how much audio is still open when an endpoint comes in long speech: the
// window up to the middle of the pause is final at once, and only the speech since is left to decode.

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
  /** A segment at least this long is cut at its next pause… */
  windowSamples: number;
  /** …a silence at least this long, followed by speech. */
  pauseSamples: number;
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
  reason: 'endpoint' | 'pause' | 'max-length' | 'flush';
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

  /**
   * During a silence inside speech: the audio the endpoint will cut if the silence holds long
   * enough (exactly, when endSilence exceeds the post-roll). Decoding it early has the final ready
   * when the endpoint comes; speech resuming makes it void.
   */
  get pendingEndpoint(): { audioStart: number; audioEnd: number } | undefined {
    if (!this.inSpeech || this.silenceStart === undefined) return undefined;
    return { audioStart: this.segmentStart, audioEnd: this.silenceStart + this.config.postrollSamples };
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
    else {
      if (this.silenceStart !== undefined) {
        const cut = this.cutAtPause(this.silenceStart, frameStart);
        if (cut) events.push({ type: 'segment', segment: cut });
      }
      this.silenceStart = undefined;
    }

    if (this.silenceStart !== undefined && frameEnd - this.silenceStart >= endSilenceSamples) {
      events.push({ type: 'segment', segment: this.close(this.silenceStart, frameEnd, 'endpoint') });
    } else if (frameEnd - this.segmentStart >= maxSegmentSamples) {
      events.push({ type: 'segment', segment: this.cut(this.firstFrame + this.quietestFrame(), 'max-length') });
    }
    return events;
  }

  /** Speech resumed at `resumed` after silence from `silenceStart`: a long enough segment is cut in the pause's middle. */
  private cutAtPause(silenceStart: number, resumed: number): Segment | undefined {
    const { frameSamples: F, windowSamples, pauseSamples } = this.config;
    if (resumed - silenceStart < pauseSamples || silenceStart - this.segmentStart < windowSamples) return undefined;
    return this.cut(Math.round((silenceStart + resumed) / 2 / F), 'pause');
  }

  /** Ends the segment at the start of frame `frame` and opens the next one there, still in speech. */
  private cut(frame: number, reason: 'pause' | 'max-length'): Segment {
    const at = frame * this.config.frameSamples;
    const segment: Segment = { windowStart: this.floor, audioStart: this.segmentStart, audioEnd: at, windowEnd: at, reason };
    this.floor = at;
    this.probabilities = this.probabilities.slice(frame - this.firstFrame);
    this.firstFrame = frame;
    this.segmentStart = at;
    return segment;
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
