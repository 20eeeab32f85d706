// One channel of a live stream as a segment decoder hears it (the stream SegmentedRecognizer opens):
// audio → VAD → segments → engine → windows of text, in order.
//
// Every sample belongs to exactly one final window ([windowStart, windowEnd) tiles the stream), and
// every speech sample is decoded in a final, so nothing is lost. Numbers and addresses are taken in
// spoken words (formatting writes them as the client asked). A segment that closely follows
// earlier speech is decoded with that speech as left context (left-context.ts), and the words
// already sent are dropped, so nothing is said twice. Interim results re-decode the open segment on
// a cadence that stretches when the engine is busy; they are dropped, never queued behind, when a
// final overtakes them.
//
// What keeps a final fast whatever the utterance's length:
// - long speech is cut into windows at its pauses (Segmenter, reason "pause"), so little audio is
//   open when the endpoint comes;
// - each decode hands the engine the tokens of the last decode from the same sample as a draft
//   (the previous interim), which it verifies in one pass instead of generating token by token;
// - when silence starts, the final the endpoint would cut is decoded at once ("eager"): if the
//   endpoint confirms it, that answer goes out; if speech resumes first, it is dropped unseen.
import type { DecodePriority, Engine, EngineWord, Transcript, VadStream } from '../engines/engine.js';
import type { RecognizeStream, StreamEvents, StreamSettings, TimedWord, WindowResult } from '../engines/recognizer.js';
import { estimateWordTimes } from '../engines/word-timing.js';
import { spellNumbers } from '../formatting/number-format.js';
import { continued, openEnded } from '../formatting/seams.js';
import { spellAddresses } from '../formatting/spoken-addresses.js';
import { dropWords, firstNewWord } from './left-context.js';
import { SampleBuffer } from './sample-buffer.js';
import { Segmenter, type Segment } from './segmenter.js';

export interface ChannelTranscriberOptions extends StreamSettings, StreamEvents {
  engine: Engine;
  vad: VadStream;
  vadFrameSamples: number;
}

const ONSET_THRESHOLD = 0.5;
const OFFSET_THRESHOLD = 0.35;
/**
 * Silero's probability drops below the offset threshold one frame after speech ends (measured on six
 * festival phrases: 30–70 ms after the last sample above 0.5 % of full scale). Counting silence from
 * the frame before puts the end within 40 ms, so `endpointing` is measured from the true end.
 */
const OFFSET_LAG_FRAMES = 1;
const PREROLL_SECONDS = 0.3;
const POSTROLL_SECONDS = 0.2;
const CUT_SEARCH_SECONDS = 4;
/**
 * Shortest silence that ends a segment. Silero's probability dips for a frame or two inside words
 * (stop closures, a quiet word ending), and a cut there garbles the word (measured: an 8 kHz sentence
 * cut at a one-frame dip lost half its words). Three 32 ms frames tell a pause from a dip.
 */
const MIN_PAUSE_SECONDS = 0.1;
/** No interim sooner than this much new audio after the last one, unless the stream asks for more (more than one a second of speech). */
const MIN_INTERIM_SECONDS = 0.7;
/** While decodes already wait this long for a worker, a new interim would come back late: none is asked for. */
const MAX_INTERIM_WAIT_SECONDS = 0.5;
/** An interim this far behind the audio when it comes back is dropped: a fresher one follows. */
const MAX_INTERIM_LAG_SECONDS = 1;
/** Interims wait at least this many times the decode they would cost, so they never swamp the engine. */
const INTERIM_COST_FACTOR = 2;
/** A segment starting within this much audio of the previous one's end is decoded with it as left context… */
const CONTEXT_GAP_SECONDS = 1;
/** …if either is shorter than this: longer ones decode well alone, and context costs decode time. */
const SHORT_SEGMENT_SECONDS = 2;
/** At most this much earlier audio is decoded again as left context. */
const MAX_CONTEXT_SECONDS = 4;
/** Speech this long is cut at its next pause, so a final never waits on much more than this. */
const WINDOW_SECONDS = 4;

/** The segmentation a channel makes of its VAD's judgement (the bench replays it to tell the VAD's share of latency). */
export function channelSegmenter(c: { rate: number; frameSamples: number; endSilenceSeconds: number; maxSegmentSeconds: number; live: boolean }): Segmenter {
  const samples = (seconds: number) => Math.round(seconds * c.rate);
  return new Segmenter({
    frameSamples: c.frameSamples,
    onsetThreshold: ONSET_THRESHOLD,
    offsetThreshold: OFFSET_THRESHOLD,
    offsetLagSamples: OFFSET_LAG_FRAMES * c.frameSamples,
    endSilenceSamples: samples(Math.max(c.endSilenceSeconds, MIN_PAUSE_SECONDS)),
    prerollSamples: samples(PREROLL_SECONDS),
    postrollSamples: samples(POSTROLL_SECONDS),
    maxSegmentSamples: samples(c.maxSegmentSeconds),
    cutSearchSamples: samples(CUT_SEARCH_SECONDS),
    windowSamples: c.live ? samples(WINDOW_SECONDS) : Infinity,
    pauseSamples: samples(MIN_PAUSE_SECONDS),
  });
}

/** What a decode contributes to a Results window. */
type Heard = Pick<WindowResult, 'confidence' | 'words'>;
const NOTHING_HEARD: Heard = { confidence: 0, words: [] };
/** A decode under way; what it resolves to gives the words, called once every earlier final is out. */
type Decoding = Promise<() => Heard>;

export class ChannelTranscriber implements RecognizeStream {
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
  /** Recent speech segments [start, end) in samples, closely spaced: the left context on offer. */
  private recent: Array<{ start: number; end: number }> = [];
  /** Words of the finals sent for the audio a later segment may take as context. */
  private said: TimedWord[] = [];
  /** The tokens of the latest decode and the sample it started at: the draft of the next decode from there. */
  private draft: { from: number; tokens: number[] } = { from: -1, tokens: [] };
  /** The last final with words was cut inside an utterance: the next one goes on with its sentence. */
  private afterInnerCut = false;
  /** The final decoded early, while silence may yet become an endpoint. */
  private eager?: { audioStart: number; audioEnd: number; decoding: Decoding };
  private keyterms?: readonly string[];

  constructor(private readonly options: ChannelTranscriberOptions) {
    this.keyterms = options.keyterms;
    this.rate = options.engine.sampleRate;
    this.segmenter = channelSegmenter({ rate: this.rate, frameSamples: options.vadFrameSamples, endSilenceSeconds: options.endSilenceSeconds, maxSegmentSeconds: options.engine.maxSegmentSeconds, live: options.live });
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
    this.maybeEagerFinal();
    this.maybeInterim();
    this.maybeUtteranceEnd();
    const nextStart = this.segmenter.speaking ? this.segmenter.openSegmentStart : this.vadEnd - this.samples(PREROLL_SECONDS);
    // The widest context the next segment could take (a longer segment takes less).
    const keepFrom = this.leftContextStart(nextStart, nextStart);
    this.buffer.dropBefore(keepFrom);
  }

  private samples(seconds: number): number {
    return Math.round(seconds * this.rate);
  }

  /** Where to start decoding a segment [audioStart, audioEnd): earlier if recent speech gives it context. */
  private leftContextStart(audioStart: number, audioEnd: number): number {
    const previous = this.recent.at(-1);
    if (!previous || audioStart - previous.end > this.samples(CONTEXT_GAP_SECONDS)) return audioStart;
    const short = this.samples(SHORT_SEGMENT_SECONDS);
    if (audioEnd - audioStart >= short && previous.end - previous.start >= short) return audioStart;
    // Begin at a segment start (a pause) if one is near enough, never past the engine's longest input.
    const earliest = Math.max(audioStart - this.samples(MAX_CONTEXT_SECONDS), audioEnd - this.samples(this.options.engine.maxSegmentSeconds));
    return this.recent.find((s) => s.start >= earliest)?.start ?? Math.min(audioStart, earliest);
  }

  private rememberSpeech(segment: Segment): void {
    const previous = this.recent.at(-1);
    if (previous && segment.audioStart - previous.end > this.samples(CONTEXT_GAP_SECONDS)) this.recent = [];
    this.recent = this.recent.filter((s) => s.end >= segment.audioStart - this.samples(MAX_CONTEXT_SECONDS));
    this.recent.push({ start: segment.audioStart, end: segment.audioEnd });
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

  /** Finals being decoded or waiting for an earlier one to go out. */
  get finalsInFlight(): number {
    return this.finalsIssued - this.finalsEmitted;
  }

  /** Decodes asked for from now on favour these (a decode under way keeps the terms it started with). */
  setKeyterms(keyterms: readonly string[]): void {
    this.keyterms = keyterms;
  }

  /** Stops all output: the client is gone. */
  close(): void {
    this.closed = true;
  }

  /** Starts decoding the final a silence under way would end, once its audio is all in. */
  private maybeEagerFinal(): void {
    const pending = this.options.live ? this.segmenter.pendingEndpoint : undefined;
    if (this.eager && (this.eager.audioStart !== pending?.audioStart || this.eager.audioEnd !== pending.audioEnd)) this.eager = undefined;
    if (this.eager || !pending || pending.audioEnd > this.vadEnd) return;
    const decoding = this.decode(pending.audioStart, pending.audioEnd, 'final');
    // Dropped unseen if speech resumes, so its failure must not go unhandled; a final that uses it
    // still awaits it and reports the failure.
    decoding.catch(() => undefined);
    this.eager = { ...pending, decoding };
  }

  private issueFinal(segment: Segment, fromFinalize: boolean): void {
    this.finalsIssued++;
    const issuedAt = performance.now();
    const eager = this.eager?.audioStart === segment.audioStart && this.eager.audioEnd === segment.audioEnd ? this.eager.decoding : undefined;
    this.eager = undefined;
    const decoding = eager ?? this.decode(segment.audioStart, segment.audioEnd, 'final');
    if (segment.audioEnd > segment.audioStart) this.rememberSpeech(segment);
    // Decodes run in parallel across workers; their Results go out strictly in stream order.
    this.output = this.output.then(async () => {
      try {
        const heard = (await decoding)();
        this.emit({
          start: segment.windowStart / this.rate,
          end: segment.windowEnd / this.rate,
          isFinal: true,
          speechFinal: segment.reason === 'endpoint' && this.options.speechFinalOnEndpoint,
          fromFinalize,
          ...this.acrossCuts(heard, segment.reason === 'pause' || segment.reason === 'max-length'),
        });
        this.options.onFinalLatency?.((performance.now() - issuedAt) / 1000);
      } catch (err) {
        this.fail(err);
      } finally {
        this.finalsEmitted++;
      }
      this.maybeUtteranceEnd();
    });
  }

  /**
   * Live, a window cut inside an utterance (at a pause shorter than the endpointing, or at the length
   * limit) reads on into the next final and its interims (formatting/seams.ts); a whole file is
   * mended at its end. `finalCutInside`: this is a final, so cut, or not.
   */
  private acrossCuts(heard: Transcript, finalCutInside?: boolean): Transcript {
    if (!this.options.live || heard.words.length === 0) return heard;
    const opened = this.afterInnerCut ? continued(heard.words) : heard.words;
    const words = finalCutInside ? openEnded(opened) : opened;
    if (finalCutInside !== undefined) this.afterInnerCut = finalCutInside;
    return words === heard.words ? heard : { ...heard, words };
  }

  private maybeInterim(): void {
    // An eager final covers the same speech, and better: the silence after it adds nothing to say.
    if (!this.options.interimResults || !this.segmenter.speaking || this.interimInFlight || this.eager) return;
    // A final still on its way out would drop this interim, and its words are not yet known as context.
    if (this.finalsEmitted !== this.finalsIssued) return;
    const segmentStart = this.segmenter.openSegmentStart;
    const end = this.vadEnd;
    const load = this.options.engine.stats();
    if (load.interimWaitSeconds > MAX_INTERIM_WAIT_SECONDS) return;
    const expectedDecode = load.costPerAudioSecond * ((end - this.leftContextStart(segmentStart, end)) / this.rate) * Math.max(1, (load.busy + load.queued) / load.workers);
    const interval = Math.max(this.options.interimIntervalSeconds ?? MIN_INTERIM_SECONDS, INTERIM_COST_FACTOR * expectedDecode);
    if ((end - this.lastInterimEnd) / this.rate < interval) return;

    this.interimInFlight = true;
    this.lastInterimEnd = end;
    const issuedAfter = this.finalsIssued;
    const windowStart = this.segmenter.windowStart;
    this.decode(segmentStart, end, 'interim').then(
      (heard) => {
        this.interimInFlight = false;
        // A final issued since (or still on its way out) supersedes this interim.
        if (this.finalsIssued !== issuedAfter || this.finalsEmitted !== this.finalsIssued) return;
        if ((this.buffer.end - end) / this.rate > MAX_INTERIM_LAG_SECONDS) return;
        this.emit({
          start: windowStart / this.rate,
          end: end / this.rate,
          isFinal: false,
          speechFinal: false,
          fromFinalize: false,
          ...this.acrossCuts(heard()),
        });
      },
      (err) => {
        this.interimInFlight = false;
        this.fail(err);
      },
    );
  }

  /**
   * Starts decoding [segmentStart, end), with left context if recent speech offers it. What it resolves
   * to gives the new words on the stream clock when called: call it once every earlier final is out,
   * since the words those finals said are what the context repeats.
   */
  private decode(segmentStart: number, end: number, priority: DecodePriority): Decoding {
    // A segment with no audio of its own (a flush in silence) has nothing new to say, context or not.
    if (end <= segmentStart) return Promise.resolve(() => NOTHING_HEARD);
    const from = this.leftContextStart(segmentStart, end);
    const draft = this.draft.from === from ? this.draft.tokens : [];
    const audio = this.buffer.slice(from, end);
    // The engine takes ownership of `audio`; the segment's own audio re-times the words it keeps.
    const ownAudio = from < segmentStart ? this.buffer.slice(segmentStart, end) : undefined;
    const onClock = (words: EngineWord[], offset: number): TimedWord[] =>
      words.map((w) => ({ text: w.text, confidence: w.confidence, start: offset + w.start, end: offset + w.end }));
    return this.options.engine.transcribe(audio, { priority, stream: this.options.streamId, draft, keyterms: this.keyterms }).then((decoded) => {
      this.draft = { from, tokens: decoded.tokens };
      const t = spoken(decoded);
      return () => {
        if (!ownAudio) return { confidence: t.confidence, words: onClock(t.words, from / this.rate) };
        const contextStart = from / this.rate;
        const words = onClock(t.words, contextStart);
        const context = this.said.filter((w) => (w.start + w.end) / 2 >= contextStart).map((w) => w.text);
        const fresh = dropWords({ ...t, words }, firstNewWord(words, context, segmentStart / this.rate), this.said.at(-1)?.text);
        // Times laid over context and segment together drift across the seam; the segment alone has only its words.
        const times = estimateWordTimes(fresh.words.map((w) => w.text), ownAudio, this.rate);
        return { confidence: fresh.confidence, words: onClock(fresh.words.map((w, i) => ({ ...w, ...times[i] })), segmentStart / this.rate) };
      };
    });
  }

  private emit(result: WindowResult): void {
    if (this.closed) return;
    // Words that start a gap's length after the last one: the utterance before them has ended.
    const start = result.words[0]?.start;
    if (start !== undefined) this.endUtteranceIfSilentUntil(start);
    this.options.onResult(result);
    if (result.isFinal) {
      // Later segments start after this window, so their context reaches back no further than this.
      const oldest = result.end - MAX_CONTEXT_SECONDS;
      this.said = this.said.filter((w) => w.end >= oldest).concat(result.words);
    }
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

/**
 * A decode in spoken words: the model writes the same number as "716-244", "seven one six two" or
 * "Seven, one, six" from one decode to the next (and an email either way), so words are compared
 * with what earlier finals said (left context), and formatted for the client (formatting/), only in
 * the form they were said.
 */
function spoken(t: Transcript): Transcript {
  return { ...t, words: spellAddresses(spellNumbers(t.words)) };
}
