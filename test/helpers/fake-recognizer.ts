// A scripted Recognizer for the tests that need a server but not real speech (handshake, auth, limits,
// the request log, closing, the CLI…): no model is loaded, so a server starts in milliseconds and
// many run side by side. It implements the stream itself, as a streaming engine would, through the
// same seam (src/engines/recognizer.ts) the real engines use:
// - speech is any 20 ms frame louder than SPEECH_RMS; an utterance ends after `endSilenceSeconds` of
//   quieter frames, and never at a gap shorter than MIN_PAUSE_SECONDS, so that a sentence of real
//   speech is one utterance (speech_final), or at a flush (Finalize, CloseStream);
// - a stream's script says one line per phrase (speech between gaps of MIN_PAUSE_SECONDS or more),
//   in turn from the first line; a final says the lines of the phrases it covers, their words spread
//   over the speech (JFK_SCRIPT: what jfk.wav says, cut where the fake hears its pauses);
// - interims, while speech goes on, say the first words of the open phrase, every INTERIM_SECONDS;
// - finals are decoded one at a time on one scripted worker, each taking `decodeMs` (0: at once), so
//   a fast client builds a backlog as on a busy engine; `failAt` makes the n-th final fail.
import type { EngineLoad } from '../../src/engines/engine.js';
import type { RecognizeStream, Recognizer, RecognizerCapabilities, StreamEvents, StreamSettings, TimedWord, WindowResult } from '../../src/engines/recognizer.js';
import { RecognizerSet } from '../../src/engines/recognizer-set.js';

export interface FakeRecognizerOptions {
  /** What the finals say, in turn; '' is a final that heard nothing. */
  script?: string[];
  /** Wall milliseconds each final takes to come back. */
  decodeMs?: number;
  /** The 1-based final (across all streams) whose decode fails: the stream must close with NET-0000. */
  failAt?: number;
  capabilities?: Partial<RecognizerCapabilities>;
}

export const FAKE_MODEL = 'fake-scripted';
/** jfk.wav's words as the fake cuts them (at its 0.4 s and 0.3 s pauses): its finals then say JFK_TEXT. */
export const JFK_SCRIPT = ['And so my fellow Americans,', 'ask not', 'what your country can do for you, ask what you can do for your country.'];
const SAMPLE_RATE = 16000;
const FRAME = 320;
const SPEECH_RMS = 0.01;
const INTERIM_SECONDS = 0.5;
/** Gaps between the words of a sentence (festival's, a recording's) last up to about a quarter second. */
const MIN_PAUSE_SECONDS = 0.3;

export class FakeRecognizer implements Recognizer {
  readonly info = { uuid: '00000000-0000-4000-8000-00000000fa4e', name: FAKE_MODEL, version: 'test', arch: 'scripted' };
  readonly sampleRate = SAMPLE_RATE;
  readonly capabilities: RecognizerCapabilities;
  script: string[];
  readonly decodeMs: number;
  /** Finals with speech asked for so far, all streams together. */
  finals = 0;
  /** Every stream opened, with its settings: what the Session asked of the seam. */
  readonly opened: StreamSettings[] = [];
  /** Every keyterms update a stream was given (Configure), in order. */
  readonly keyterms: Array<{ streamId: string; keyterms: readonly string[] }> = [];
  private readonly failAt?: number;
  /** When each decode waiting for the worker was asked for; the one worker's queue. */
  private readonly waiting: number[] = [];
  private busy = false;
  private worker: Promise<void> = Promise.resolve();

  constructor(options: FakeRecognizerOptions = {}) {
    this.script = options.script ?? ['hello from the scripted engine'];
    this.decodeMs = options.decodeMs ?? 0;
    this.failAt = options.failAt;
    this.capabilities = { interimResults: true, keyterms: true, ...options.capabilities };
  }

  /** From now on streams opened say these lines (the next test's words). */
  say(...lines: string[]): void {
    this.script = lines;
  }

  openStream(settings: StreamSettings, events: StreamEvents): RecognizeStream {
    this.opened.push(settings);
    return new FakeStream(this, [...this.script], settings, events);
  }

  /** Whether the next final with speech, of any stream, is the one to fail. */
  nextFails(): boolean {
    return ++this.finals === this.failAt;
  }

  /** A final's decode: it waits for the worker, then takes `decodeMs`. */
  decode(): Promise<void> {
    this.waiting.push(performance.now());
    const done = this.worker.then(async () => {
      this.waiting.shift();
      this.busy = true;
      await new Promise((resolve) => setTimeout(resolve, this.decodeMs));
      this.busy = false;
    });
    this.worker = done;
    return done;
  }

  stats(): EngineLoad {
    const wait = this.waiting.length > 0 ? (performance.now() - this.waiting[0]) / 1000 : 0;
    return { workers: 1, busy: this.busy ? 1 : 0, queued: this.waiting.length, costPerAudioSecond: 0.01, finalWaitSeconds: wait, interimWaitSeconds: wait };
  }

  async load(): Promise<void> {}
  async close(): Promise<void> {}
}

/** A server's recognizers: the fake alone, as the default. */
export function fakeRecognizers(fake = new FakeRecognizer()): RecognizerSet {
  return new RecognizerSet([[FAKE_MODEL, fake]]);
}

class FakeStream implements RecognizeStream {
  private samples = 0;
  private frameFill = 0;
  private frameEnergy = 0;
  private windowStart = 0;
  /** The open utterance's first and last loud sample and its phrases, while one is open. */
  private speech?: { start: number; end: number; phrases: number };
  private lastInterim = 0;
  private output: Promise<void> = Promise.resolve();
  private issued = 0;
  private emitted = 0;
  private closed = false;
  private lastWordEnd?: number;
  private utteranceEnded = true;
  /** Lines of the script this stream has said. */
  private said = 0;

  constructor(
    private readonly recognizer: FakeRecognizer,
    private readonly script: string[],
    private readonly settings: StreamSettings,
    private readonly events: StreamEvents,
  ) {}

  get finalsInFlight(): number {
    return this.issued - this.emitted;
  }

  setKeyterms(keyterms: readonly string[]): void {
    this.recognizer.keyterms.push({ streamId: this.settings.streamId, keyterms });
  }

  async push(samples: Float32Array): Promise<void> {
    for (const x of samples) {
      this.frameEnergy += x * x;
      this.samples++;
      if (++this.frameFill === FRAME) this.judgeFrame(Math.sqrt(this.frameEnergy / FRAME) > SPEECH_RMS);
    }
    this.maybeUtteranceEnd();
  }

  async flush(fromFinalize: boolean): Promise<void> {
    if (this.samples > this.windowStart) this.final(false, fromFinalize);
    await this.output;
  }

  close(): void {
    this.closed = true;
  }

  private judgeFrame(loud: boolean): void {
    this.frameFill = 0;
    this.frameEnergy = 0;
    const now = this.samples;
    if (loud) {
      if (!this.speech) {
        this.speech = { start: now - FRAME, end: now, phrases: 1 };
        this.lastInterim = now;
        this.events.onSpeechStarted(this.seconds(now - FRAME));
      }
      if (now - FRAME - this.speech.end >= MIN_PAUSE_SECONDS * SAMPLE_RATE) this.speech.phrases++;
      this.speech.end = now;
      if (this.settings.interimResults && now - this.lastInterim >= INTERIM_SECONDS * SAMPLE_RATE && this.emitted === this.issued) {
        this.lastInterim = now;
        const words = this.words(this.lines(this.speech.phrases), this.speech.start, now, 0.5);
        this.emit({ start: this.seconds(this.windowStart), end: this.seconds(now), isFinal: false, speechFinal: false, fromFinalize: false, confidence: 0.9, words });
      }
    } else if (this.speech && now - this.speech.end >= Math.max(this.settings.endSilenceSeconds, MIN_PAUSE_SECONDS) * SAMPLE_RATE) this.final(this.settings.speechFinalOnEndpoint, false);
  }

  private final(speechFinal: boolean, fromFinalize: boolean): void {
    const start = this.windowStart;
    const end = this.samples;
    const speech = this.speech;
    this.windowStart = end;
    this.speech = undefined;
    const fails = speech ? this.recognizer.nextFails() : false;
    const words = speech ? this.words(this.lines(speech.phrases), speech.start, speech.end, 1) : [];
    if (speech) this.said += speech.phrases;
    this.issued++;
    const issuedAt = performance.now();
    // Silence alone has nothing to decode.
    const decoded = speech ? this.recognizer.decode() : Promise.resolve();
    this.output = this.output.then(async () => {
      await decoded;
      this.emitted++;
      if (fails) return this.fail(new Error('the scripted engine failed, as the test asked'));
      this.emit({ start: this.seconds(start), end: this.seconds(end), isFinal: true, speechFinal: speechFinal && words.length > 0, fromFinalize, confidence: words.length > 0 ? 0.9 : 0, words });
      this.events.onFinalLatency?.((performance.now() - issuedAt) / 1000);
      this.maybeUtteranceEnd();
    });
  }

  /** The next `count` lines of the script, as one text. */
  private lines(count: number): string {
    return Array.from({ length: count }, (_, k) => this.script[(this.said + k) % this.script.length]).join(' ');
  }

  /** The first `share` of `line`'s words, spread evenly over [from, to). */
  private words(line: string, from: number, to: number, share: number): TimedWord[] {
    const all = line.split(/\s+/).filter(Boolean);
    const texts = all.slice(0, Math.max(1, Math.ceil(all.length * share)));
    const span = (to - from) / Math.max(1, all.length);
    return texts.map((text, i) => ({ text, start: this.seconds(from + i * span), end: this.seconds(from + (i + 1) * span), confidence: 0.9 }));
  }

  private emit(result: WindowResult): void {
    if (this.closed) return;
    this.events.onResult(result);
    const end = result.words.at(-1)?.end;
    if (result.isFinal && end !== undefined) {
      this.lastWordEnd = end;
      this.utteranceEnded = false;
    }
  }

  private maybeUtteranceEnd(): void {
    const gap = this.settings.utteranceEndSeconds;
    if (gap === undefined || this.utteranceEnded || this.lastWordEnd === undefined || this.emitted !== this.issued || this.speech) return;
    if (this.seconds(this.samples) - this.lastWordEnd < gap) return;
    this.utteranceEnded = true;
    this.events.onUtteranceEnd(this.lastWordEnd);
  }

  private fail(error: Error): void {
    if (!this.closed) this.events.onError(error);
  }

  private seconds(samples: number): number {
    return samples / SAMPLE_RATE;
  }
}

/**
 * linear16 16 kHz mono audio the fake hears as speech and silence: `seconds` alternate, speech first
 * (a 220 Hz tone at a third of full scale, then digital silence).
 */
export function scriptedAudio(...seconds: number[]): Buffer {
  const pcm = Buffer.alloc(2 * Math.round(seconds.reduce((a, b) => a + b, 0) * SAMPLE_RATE));
  let at = 0;
  seconds.forEach((s, i) => {
    const n = Math.round(s * SAMPLE_RATE);
    if (i % 2 === 0) for (let k = 0; k < n; k++) pcm.writeInt16LE(Math.round(10_000 * Math.sin((2 * Math.PI * 220 * k) / SAMPLE_RATE)), 2 * (at + k));
    at += n;
  });
  return pcm;
}
