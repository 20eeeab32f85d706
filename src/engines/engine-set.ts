// The speech engines a server has loaded, built in one place from its configuration, and which one
// a request's `model` picks. Deepgram's own model names (nova-3, nova-2, general, base, …) mean "the
// server's default", so clients written for Deepgram work unchanged; Earshot's names pick exactly,
// and one that is not loaded is refused at the handshake, naming those that are.
import type { Engine, VoiceActivityDetector } from './engine.js';
import { MOONSHINE_MODELS, MoonshineEngine, type MoonshineModel } from './moonshine/moonshine-engine.js';

export const ENGINE_MODELS: readonly string[] = MOONSHINE_MODELS;
export type EngineModel = MoonshineModel;

export interface EngineSetOptions {
  /** In order: the first is the default. */
  models: readonly EngineModel[];
  workers: number;
  decodeTimeoutMs: number;
}

export class EngineSet {
  private constructor(private readonly engines: ReadonlyMap<string, Engine>, readonly defaultEngine: Engine) {}

  /** Builds the engines, each checked against the VAD's sample rate. */
  static build(options: EngineSetOptions, vad: VoiceActivityDetector): EngineSet {
    if (options.models.length === 0) throw new Error('no engine to load: name at least one model');
    const engines = new Map<string, Engine>();
    for (const model of options.models) {
      const engine = new MoonshineEngine({ model, workers: options.workers, decodeTimeoutMs: options.decodeTimeoutMs });
      if (engine.sampleRate !== vad.sampleRate) throw new Error(`${model} decodes ${engine.sampleRate} Hz audio but the VAD judges ${vad.sampleRate} Hz`);
      engines.set(model, engine);
    }
    return new EngineSet(engines, engines.get(options.models[0])!);
  }

  get all(): Engine[] {
    return [...this.engines.values()];
  }

  /** The loaded models' names, the default first. */
  get names(): string[] {
    return [...this.engines.keys()];
  }

  /** The engine for a request's `model`: the default for Deepgram's names, undefined for an Earshot name not loaded. */
  forModel(model: string): Engine | undefined {
    const name = model.toLowerCase();
    return ENGINE_MODELS.includes(name) ? this.engines.get(name) : this.defaultEngine;
  }

  async load(): Promise<void> {
    await Promise.all(this.all.map((e) => e.load()));
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((e) => e.close()));
  }
}
