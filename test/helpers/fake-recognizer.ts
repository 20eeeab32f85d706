// A scripted Recognizer for the tests that need a server but not real speech (handshake, auth, limits,
// the request log, closing, the CLI…): no model is loaded, so a server starts in milliseconds and
// many run side by side. It implements the stream itself, as a streaming engine would, through the
// same seam (src/engines/recognizer.ts) the real engines use:
// - speech is any 20 ms frame louder than SPEECH_RMS; an utterance ends after `endSilenceSeconds` of
//   quieter frames (speech_final), or at a flush (Finalize, CloseStream);
// - each final says the next line of `script` (round robin), its words spread over the speech;
// - interims, while speech goes on, say the first words of that line, every INTERIM_SECONDS;
// - `decodeMs` delays each final as a busy engine would; `failAt` makes the n-th final fail.
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
const SAMPLE_RATE = 16000;
const FRAME = 320;
const SPEECH_RMS = 0.01;
const INTERIM_SECONDS = 0.5;

export class FakeRecognizer implements Recognizer {
  readonly info = { uuid: '00000000-0000-4000-8000-00000000fa4e', name: FAKE_MODEL, version: 'test', arch: 'scripted' };
  readonly sampleRate = SAMPLE_RATE;
  readonly capabilities: RecognizerCapabilities;
  readonly script: string[];
  readonly decodeMs: number;
  /** Finals decoded so far, all streams together; and those under way now. */
  finals = 0;
  decoding = 0;
  /** Every stream opened, with its settings: what the Session asked of the seam. */
  readonly opened: StreamSettings[] = [];
  private readonly failAt?: number;

  constructor(options: FakeRecognizerOptions = {}) {
    this.script = options.script ?? ['hello from the scripted engine'];
    this.decodeMs = options.decodeMs ?? 0;
    this.failAt = options.failAt;
    this.capabilities = { interimResults: true, keyterms: true, ...options.capabilities };
  }

  openStream(settings: StreamSettings, events: StreamEvents): RecognizeStream {
    this.opened.push(settings);
    return new FakeStream(this, settings, events);
  }

  /** The words of the next final, and whether its decode fails. */
  nextFinal(): { line: string; fails: boolean } {
    const n = ++this.finals;
    return { line: this.script[(n - 1) % this.script.length], fails: n === this.failAt };
  }

  stats(): EngineLoad {
    return { workers: 1, busy: Math.min(1, this.decoding), queued: Math.max(0, this.decoding - 1), costPerAudioSecond: 0.01, finalWaitSeconds: 0, interimWaitSeconds: 0 };
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
  /** The open utterance's first and last loud sample, while one is open. */
  private speech?: { start: number; end: number };
  private lastInterim = 0;
  private output: Promise<void> = Promise.resolve();
  private issued = 0;
  private emitted = 0;
  private closed = false;
  private lastWordEnd?: number;
  private utteranceEnded = true;

  constructor(
    private readonly recognizer: FakeRecognizer,
    private readonly settings: StreamSettings,
    private readonly events: StreamEvents,
  ) {}

  get finalsInFlight(): number {
    return this.issued - this.emitted;
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
        this.speech = { start: now - FRAME, end: now };
        this.lastInterim = now;
        this.events.onSpeechStarted(this.seconds(now - FRAME));
      }
      this.speech.end = now;
      if (this.settings.interimResults && now - this.lastInterim >= INTERIM_SECONDS * SAMPLE_RATE && this.emitted === this.issued) {
        this.lastInterim = now;
        const words = this.words(this.recognizer.script[this.recognizer.finals % this.recognizer.script.length], this.speech.start, now, 0.5);
        this.emit({ start: this.seconds(this.windowStart), end: this.seconds(now), isFinal: false, speechFinal: false, fromFinalize: false, confidence: 0.9, words });
      }
    } else if (this.speech && now - this.speech.end >= this.settings.endSilenceSeconds * SAMPLE_RATE) this.final(this.settings.speechFinalOnEndpoint, false);
  }

  private final(speechFinal: boolean, fromFinalize: boolean): void {
    const start = this.windowStart;
    const end = this.samples;
    const speech = this.speech;
    this.windowStart = end;
    this.speech = undefined;
    const { line, fails } = speech ? this.recognizer.nextFinal() : { line: '', fails: false };
    const words = speech ? this.words(line, speech.start, speech.end, 1) : [];
    this.issued++;
    this.recognizer.decoding++;
    const issuedAt = performance.now();
    const decoded = new Promise<void>((resolve) => setTimeout(resolve, speech ? this.recognizer.decodeMs : 0));
    this.output = this.output.then(async () => {
      await decoded;
      this.recognizer.decoding--;
      this.emitted++;
      if (fails) return this.fail(new Error('the scripted engine failed, as the test asked'));
      this.emit({ start: this.seconds(start), end: this.seconds(end), isFinal: true, speechFinal: speechFinal && words.length > 0, fromFinalize, confidence: words.length > 0 ? 0.9 : 0, words });
      this.events.onFinalLatency?.((performance.now() - issuedAt) / 1000);
      this.maybeUtteranceEnd();
    });
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
