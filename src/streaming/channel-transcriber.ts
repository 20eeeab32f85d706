// One channel of a live stream: audio → VAD → segments → engine → windows of text, in order.
//
// Every sample belongs to exactly one final window ([windowStart, windowEnd) tiles the stream), and
// every speech sample is decoded in exactly one final, so nothing is lost or said twice. Interim
// results re-decode the open segment on a cadence that stretches when the engine is busy; they are
// dropped, never queued behind, when a final overtakes them.
import type { Engine, Transcription, VadStream } from '../engines/engine.js';
import { SampleBuffer } from './sample-buffer.js';
import { Segmenter, type Segment } from './segmenter.js';

export interface TimedWord {
  text: string;
  start: number;
  end: number;
  confidence: number;
}

/** A Results window, in seconds on the stream's audio clock. */
export interface WindowResult {
  start: number;
  end: number;
  isFinal: boolean;
  speechFinal: boolean;
  fromFinalize: boolean;
  text: string;
  confidence: number;
  words: TimedWord[];
}

export interface ChannelTranscriberOptions {
  engine: Engine;
  vad: VadStream;
  vadFrameSamples: number;
  interimResults: boolean;
  /** Trailing silence that ends a segment. */
  endSilenceSeconds: number;
  /** Whether a segment ended by silence is an utterance end (`speech_final`). */
  speechFinalOnEndpoint: boolean;
  /** Audio-clock gap after the last word that ends an utterance (`UtteranceEnd`), if wanted. */
  utteranceEndSeconds?: number;
  onResult: (result: WindowResult) => void;
  onSpeechStarted: (seconds: number) => void;
  /** The gap after the last word reached `utteranceEndSeconds`; told once per utterance. */
  onUtteranceEnd: (lastWordEnd: number) => void;
  onError: (error: Error) => void;
}

const ONSET_THRESHOLD = 0.5;
const OFFSET_THRESHOLD = 0.35;
const PREROLL_SECONDS = 0.3;
const POSTROLL_SECONDS = 0.2;
const CUT_SEARCH_SECONDS = 4;
/** No interim sooner than this much new audio after the last one. */
const MIN_INTERIM_SECONDS = 0.5;
/** Interims wait at least this many times the decode they would cost, so they never swamp the engine. */
const INTERIM_COST_FACTOR = 2;

const EMPTY: Transcription = { text: '', confidence: 0, words: [] };

export class ChannelTranscriber {
  private readonly buffer = new SampleBuffer();
  private readonly segmenter: Segmenter;
  private readonly rate: number;
  private vadFrames = 0;
  private finalsIssued = 0;
  private finalsEmitted = 0;
  private output: Promise<void> = Promise.resolve();
  private interimInFlight = false;
  private lastInterimEnd = 0;
  private closed = false;
  /** End of the latest word sent in any Results, and whether its UtteranceEnd went out. */
  private lastWordEnd?: number;
  private utteranceEnded = true;
  /** Where the open speech segment's speech began (audio clock, seconds). */
  private speechOnset = 0;

  constructor(private readonly options: ChannelTranscriberOptions) {
    this.rate = options.engine.sampleRate;
    const samples = (s: number) => Math.round(s * this.rate);
    this.segmenter = new Segmenter({
      frameSamples: options.vadFrameSamples,
      onsetThreshold: ONSET_THRESHOLD,
      offsetThreshold: OFFSET_THRESHOLD,
      endSilenceSamples: samples(options.endSilenceSeconds),
      prerollSamples: samples(PREROLL_SECONDS),
      postrollSamples: samples(POSTROLL_SECONDS),
      maxSegmentSamples: samples(options.engine.maxSegmentSeconds),
      cutSearchSamples: samples(CUT_SEARCH_SECONDS),
    });
  }

  /** Takes engine-rate samples; resolves once the VAD has judged them and any finals are queued. */
  async push(samples: Float32Array): Promise<void> {
    this.buffer.append(samples);
    const probabilities = await this.options.vad.process(samples);
    for (const p of probabilities) {
      for (const event of this.segmenter.push(this.vadFrames++, p)) {
        if (event.type === 'speech-start') {
          this.lastInterimEnd = event.at;
          this.speechOnset = event.onset / this.rate;
          this.options.onSpeechStarted(this.speechOnset);
        } else this.issueFinal(event.segment, false);
      }
    }
    this.maybeInterim();
    this.maybeUtteranceEnd();
    const keepFrom = this.segmenter.speaking ? this.segmenter.openSegmentStart : this.vadEnd - Math.round(PREROLL_SECONDS * this.rate);
    this.buffer.dropBefore(keepFrom);
  }

  /** One past the last sample the VAD has judged. */
  private get vadEnd(): number {
    return this.vadFrames * this.options.vadFrameSamples;
  }

  /** Finalizes everything received so far; resolves once its Results have been handed out. */
  async flush(fromFinalize: boolean): Promise<void> {
    const segment = this.segmenter.flush(this.buffer.end);
    if (segment) this.issueFinal(segment, fromFinalize);
    await this.output;
  }

  /** Stops all output: the client is gone. */
  close(): void {
    this.closed = true;
  }

  private issueFinal(segment: Segment, fromFinalize: boolean): void {
    this.finalsIssued++;
    const audio = this.buffer.slice(segment.audioStart, segment.audioEnd);
    const decoding = audio.length > 0 ? this.options.engine.transcribe(audio, 'final') : Promise.resolve(EMPTY);
    // Decodes run in parallel across workers; their Results go out strictly in stream order.
    this.output = this.output.then(async () => {
      try {
        const transcription = await decoding;
        this.emit({
          start: segment.windowStart / this.rate,
          end: segment.windowEnd / this.rate,
          isFinal: true,
          speechFinal: segment.reason === 'endpoint' && this.options.speechFinalOnEndpoint,
          fromFinalize,
          ...this.timed(transcription, segment.audioStart),
        });
      } catch (err) {
        this.fail(err);
      } finally {
        this.finalsEmitted++;
      }
      this.maybeUtteranceEnd();
    });
  }

  private maybeInterim(): void {
    if (!this.options.interimResults || !this.segmenter.speaking || this.interimInFlight) return;
    const start = this.segmenter.openSegmentStart;
    const end = this.vadEnd;
    const load = this.options.engine.stats();
    const expectedDecode = load.costPerAudioSecond * ((end - start) / this.rate) * Math.max(1, (load.busy + load.queued) / load.workers);
    const interval = Math.max(MIN_INTERIM_SECONDS, INTERIM_COST_FACTOR * expectedDecode);
    if ((end - this.lastInterimEnd) / this.rate < interval) return;

    this.interimInFlight = true;
    this.lastInterimEnd = end;
    const issuedAfter = this.finalsIssued;
    const windowStart = this.segmenter.windowStart;
    this.options.engine.transcribe(this.buffer.slice(start, end), 'interim').then(
      (transcription) => {
        this.interimInFlight = false;
        // A final issued since (or still on its way out) supersedes this interim.
        if (this.finalsIssued !== issuedAfter || this.finalsEmitted !== this.finalsIssued) return;
        this.emit({
          start: windowStart / this.rate,
          end: end / this.rate,
          isFinal: false,
          speechFinal: false,
          fromFinalize: false,
          ...this.timed(transcription, start),
        });
      },
      (err) => {
        this.interimInFlight = false;
        this.fail(err);
      },
    );
  }

  private timed(t: Transcription, audioStart: number): Pick<WindowResult, 'text' | 'confidence' | 'words'> {
    const offset = audioStart / this.rate;
    return {
      text: t.text,
      confidence: t.confidence,
      words: t.words.map((w) => ({ text: w.text, confidence: w.confidence, start: offset + w.start, end: offset + w.end })),
    };
  }

  private emit(result: WindowResult): void {
    if (this.closed) return;
    // Words that start a gap's length after the last one: the utterance before them has ended.
    const start = result.words[0]?.start;
    if (start !== undefined) this.endUtteranceIfSilentUntil(start);
    this.options.onResult(result);
    const end = result.words.at(-1)?.end;
    if (end !== undefined && end > (this.lastWordEnd ?? -1)) {
      this.lastWordEnd = end;
      this.utteranceEnded = false;
    }
    this.maybeUtteranceEnd();
  }

  /**
   * Deepgram's UtteranceEnd: judged on the audio clock from word timings. Not while a final is still
   * being decoded, since it may yet carry a later word.
   */
  private maybeUtteranceEnd(): void {
    if (this.finalsEmitted !== this.finalsIssued) return;
    // Silence after the last word lasts until speech resumes, or until now.
    this.endUtteranceIfSilentUntil(this.segmenter.speaking ? this.speechOnset : this.vadEnd / this.rate);
  }

  private endUtteranceIfSilentUntil(silenceEnd: number): void {
    const gap = this.options.utteranceEndSeconds;
    if (gap === undefined || this.utteranceEnded || this.lastWordEnd === undefined) return;
    if (silenceEnd - this.lastWordEnd < gap) return;
    this.utteranceEnded = true;
    this.options.onUtteranceEnd(this.lastWordEnd);
  }

  private fail(err: unknown): void {
    if (this.closed) return;
    this.options.onError(err instanceof Error ? err : new Error(String(err)));
  }
}
