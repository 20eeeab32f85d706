// What any recognizer must offer a stream. Engines know nothing of sockets or of Deepgram's schema:
// they take mono float PCM at `sampleRate` and give text, words, times and confidences.

export interface EngineInfo {
  /** Stable id of the loaded weights (reported as Deepgram's model_uuid). */
  uuid: string;
  name: string;
  version: string;
  arch: string;
}

export interface EngineWord {
  /** The word as the engine wrote it: cased, with any punctuation that follows it. */
  text: string;
  /** Seconds from the start of the decoded audio. */
  start: number;
  end: number;
  confidence: number;
}

/** What was said, in words. */
export interface Transcript {
  confidence: number;
  words: EngineWord[];
}

export interface Transcription extends Transcript {
  /**
   * The engine's own tokens for this text. Handed back as the draft of a later decode of audio that
   * starts at the same sample (the same speech, grown), they let the engine check rather than redo
   * the work; the result is the same whatever the draft.
   */
  tokens: number[];
}

/** Finals are never held up by interims. */
export type DecodePriority = 'final' | 'interim';

/** What a decode is for, beside its audio. */
export interface DecodeRequest {
  priority: DecodePriority;
  /**
   * Whose audio this is (a request id): the engine shares itself fairly across streams, so one
   * sending faster than real time cannot delay the others' finals.
   */
  stream: string;
  /** The tokens of an earlier decode of audio that starts at the same sample (Transcription.tokens). */
  draft?: readonly number[];
  /** Words and phrases to favour (`keyterm`, `keywords`): names the model would otherwise misspell. */
  keyterms?: readonly string[];
}

export interface EngineLoad {
  workers: number;
  busy: number;
  queued: number;
  /** Recent worker seconds per second of audio decoded, queueing excluded (0 before any decode). */
  costPerAudioSecond: number;
  /** How long the longest-waiting final decode has waited for a worker, in seconds (0: none waits): how late finals are. */
  finalWaitSeconds: number;
  /** The same for any decode, interims included: how late a new interim would come back. */
  interimWaitSeconds: number;
}

export interface Engine {
  readonly info: EngineInfo;
  readonly sampleRate: number;
  /** Longest audio the engine decodes well in one piece, in seconds. */
  readonly maxSegmentSeconds: number;
  load(): Promise<void>;
  transcribe(audio: Float32Array, request: DecodeRequest): Promise<Transcription>;
  stats(): EngineLoad;
  close(): Promise<void>;
}

/** Voice activity detection for one stream: speech probability per fixed-size frame, in order. */
export interface VadStream {
  /** Feeds samples; resolves with one probability per completed frame. Calls must not overlap. */
  process(samples: Float32Array): Promise<Float32Array>;
}

export interface VoiceActivityDetector {
  readonly frameSamples: number;
  readonly sampleRate: number;
  load(): Promise<void>;
  /** `stream`: whose audio (a request id), so that streams take turns at the VAD as at the engine. */
  createStream(stream: string): VadStream;
  close(): Promise<void>;
}
