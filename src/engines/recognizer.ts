// The seam between a stream and whatever recognizes its speech. A Session opens one RecognizeStream
// per channel, pushes audio at the recognizer's rate, flushes on Finalize and CloseStream, and
// forwards what comes out; it knows nothing of how the words are found. Two shapes fit behind it
// (as in LiveKit agents' STT / RecognizeStream / StreamAdapter, and sherpa-onnx's OnlineRecognizer):
// - a segment decoder (an Engine, such as Moonshine): streaming/segmented-recognizer.ts gives it a
//   VAD that cuts speech into segments, re-decodes the open segment for interims, decodes short
//   segments with left context and times the words;
// - a streaming model (a transducer with its own state and endpoints) implements the stream itself.
// Nothing here knows Deepgram's schema: protocol/ turns WindowResults into Results messages.
import type { EngineInfo, EngineLoad } from './engine.js';

export interface TimedWord {
  /** As the recognizer wrote it: cased, with any punctuation that follows it. */
  text: string;
  /** Seconds on the stream's audio clock. */
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
  confidence: number;
  /** Numbers and addresses in spoken words ("seven one six"): formatting/ writes them as the client asked. */
  words: TimedWord[];
}

/** What a recognizer can do: a request asking for more is served without it, and the log says so. */
export interface RecognizerCapabilities {
  /** Results for speech still going on (`interim_results`). */
  interimResults: boolean;
  /** Favours the words in StreamSettings.keyterms (`keyterm`, `keywords`). */
  keyterms: boolean;
}

/** How one channel's speech is to be cut and reported, from the request. */
export interface StreamSettings {
  /** Whose audio this is (a request id): a recognizer shared by streams takes turns between them. */
  streamId: string;
  keyterms?: readonly string[];
  interimResults: boolean;
  /** The shortest audio between two interims, in seconds, when the engine has time for them (the recognizer's own cadence if absent). */
  interimIntervalSeconds?: number;
  /** Trailing silence that ends an utterance's segment, in seconds. */
  endSilenceSeconds: number;
  /** Whether a segment ended by silence is an utterance end (`speech_final`). */
  speechFinalOnEndpoint: boolean;
  /** Audio-clock gap after the last word that ends an utterance (`UtteranceEnd`), if wanted. */
  utteranceEndSeconds?: number;
  /**
   * Audio that arrives as it is spoken, or a file read at once: only live audio gains from finals
   * decoded early and from windows cut at pauses.
   */
  live: boolean;
}

export interface StreamEvents {
  onResult: (result: WindowResult) => void;
  onSpeechStarted: (seconds: number) => void;
  /** The gap after the last word reached `utteranceEndSeconds`; told once per utterance. */
  onUtteranceEnd: (lastWordEnd: number) => void;
  /** The recognizer failed: the stream cannot go on. */
  onError: (error: Error) => void;
  /** Told, for each final, the wall seconds from its end being known to its Results going out. */
  onFinalLatency?: (seconds: number) => void;
}

/** One channel's recognition, fed in order. */
export interface RecognizeStream {
  /** Takes samples at the recognizer's rate; resolves once they are judged and any finals they end are under way. */
  push(samples: Float32Array): Promise<void>;
  /** Finalizes everything pushed so far; resolves once its Results have been handed out. */
  flush(fromFinalize: boolean): Promise<void>;
  /** Finals under way and not yet handed out: the backlog back-pressure waits on. */
  readonly finalsInFlight: number;
  /** New keyterms (a Configure message) for the audio pushed from now on. */
  setKeyterms(keyterms: readonly string[]): void;
  /** Stops all output: the client is gone. */
  close(): void;
}

export interface Recognizer {
  readonly info: EngineInfo;
  /** The rate of the mono float audio its streams take. */
  readonly sampleRate: number;
  readonly capabilities: RecognizerCapabilities;
  openStream(settings: StreamSettings, events: StreamEvents): RecognizeStream;
  /** How loaded it is, for metrics and the behind-real-time warning. */
  stats(): EngineLoad;
  load(): Promise<void>;
  close(): Promise<void>;
}
