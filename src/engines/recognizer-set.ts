// The recognizers a server has loaded, built in one place from its configuration, and which one a
// request's `model` picks. Deepgram's own model names (nova-3, nova-2, general, base, …) mean "the
// server's default", so clients written for Deepgram work unchanged; Earshot's names pick exactly,
// and one that is not loaded is refused at the handshake, naming those that are.
import { SegmentedRecognizer } from '../streaming/segmented-recognizer.js';
import { MOONSHINE_MODELS, MoonshineEngine, type MoonshineModel } from './moonshine/moonshine-engine.js';
import type { Recognizer } from './recognizer.js';
import { SileroVad } from './silero-vad/silero-vad.js';

export const ENGINE_MODELS: readonly string[] = MOONSHINE_MODELS;
export type EngineModel = MoonshineModel;

export interface RecognizerSetOptions {
  /** In order: the first is the default. */
  models: readonly EngineModel[];
  workers: number;
  decodeTimeoutMs: number;
}

/** A part several recognizers share (the VAD), loaded and released once. */
interface SharedPart {
  load(): Promise<void>;
  close(): Promise<void>;
}

export class RecognizerSet {
  private readonly recognizers: ReadonlyMap<string, Recognizer>;

  /** `recognizers`: the default first, each under the name `model=` picks it by. */
  constructor(
    recognizers: ReadonlyArray<[name: string, recognizer: Recognizer]>,
    private readonly shared: readonly SharedPart[] = [],
  ) {
    if (recognizers.length === 0) throw new Error('no engine to load: name at least one model');
    this.recognizers = new Map(recognizers);
  }

  /** Moonshine's models, as segment decoders sharing one Silero VAD. */
  static build(options: RecognizerSetOptions): RecognizerSet {
    const vad = new SileroVad();
    const recognizers = options.models.map((model): [string, Recognizer] => [
      model,
      new SegmentedRecognizer(new MoonshineEngine({ model, workers: options.workers, decodeTimeoutMs: options.decodeTimeoutMs }), vad),
    ]);
    return new RecognizerSet(recognizers, [vad]);
  }

  get all(): Recognizer[] {
    return [...this.recognizers.values()];
  }

  /** Each loaded recognizer under its model's name, the default first. */
  get entries(): Array<[name: string, recognizer: Recognizer]> {
    return [...this.recognizers.entries()];
  }

  /** The loaded models' names, the default first. */
  get names(): string[] {
    return [...this.recognizers.keys()];
  }

  get defaultRecognizer(): Recognizer {
    return this.all[0];
  }

  /** The recognizer for a request's `model`: the default for Deepgram's names, undefined for one of ours not loaded. */
  forModel(model: string): Recognizer | undefined {
    const name = model.toLowerCase();
    return ENGINE_MODELS.includes(name) || this.recognizers.has(name) ? this.recognizers.get(name) : this.defaultRecognizer;
  }

  async load(): Promise<void> {
    await Promise.all([...this.shared, ...this.all].map((part) => part.load()));
  }

  async close(): Promise<void> {
    await Promise.all([...this.shared, ...this.all].map((part) => part.close()));
  }
}
