// Moonshine (MIT), tiny or base, one decode worker per core, one shared queue. The two differ only in
// their weights and the decoder's cache shape, which the decoder reads from the model.
import { availableParallelism } from 'node:os';
import type { DecodePriority, DecodeRequest, Engine, EngineInfo, EngineLoad, Transcription } from '../engine.js';
import { modelFile, weightsUuid } from '../model-files.js';
import { siblingScript, WorkerPool } from '../worker-pool.js';
import type { MoonshineJob, MoonshineWorkerData } from './moonshine-worker.js';

const SAMPLE_RATE = 16000;
/** Past ~30 s the model repeats itself (engine-notes.md); 20 s keeps a safe margin. */
export const MAX_SEGMENT_SECONDS = 20;
const PRIORITY: Record<DecodePriority, number> = { final: 0, interim: 1 };
/**
 * Shortest input the encoder's convolutions take (kernels 127/7/3, strides 64/3/2: 895 samples);
 * shorter audio, which a client may legally produce (a Finalize after every 20 ms frame), is padded
 * with silence to this, a little over, rather than failing the stream.
 */
const MIN_INPUT_SAMPLES = 1024;
/** Weight of the newest decode in the running cost estimate. */
const COST_SMOOTHING = 0.2;

/** The Moonshine models Earshot installs (models/manifest.json), by their Earshot names. */
export const MOONSHINE_MODELS = ['moonshine-tiny', 'moonshine-base'] as const;
export type MoonshineModel = (typeof MOONSHINE_MODELS)[number];

export interface MoonshineOptions {
  model?: MoonshineModel;
  workers?: number;
  /** A decode that takes longer than this means the engine is stuck (NET-0000). */
  decodeTimeoutMs?: number;
}

export class MoonshineEngine implements Engine {
  readonly sampleRate = SAMPLE_RATE;
  readonly maxSegmentSeconds = MAX_SEGMENT_SECONDS;
  readonly info: EngineInfo;
  private readonly pool: WorkerPool<MoonshineJob, Transcription>;
  private cost = 0;

  constructor(options: MoonshineOptions = {}) {
    const model = options.model ?? 'moonshine-tiny';
    const encoder = modelFile(model, 'encoder_model.onnx');
    const decoder = modelFile(model, 'decoder_model_merged.onnx');
    this.info = { uuid: weightsUuid([encoder, decoder]), name: model, version: encoder.source.split('@').pop()!, arch: 'moonshine' };
    const workerData: MoonshineWorkerData = { encoderPath: encoder.path, decoderPath: decoder.path, sampleRate: SAMPLE_RATE };
    this.pool = new WorkerPool({
      name: model,
      script: siblingScript(import.meta.url, 'moonshine-worker'),
      size: options.workers ?? availableParallelism(),
      workerData,
      jobTimeoutMs: options.decodeTimeoutMs ?? 30_000,
    });
  }

  /**
   * Starts the workers and has each decode a second of faint noise once, counted in the cost
   * estimate. The estimate is a running average whose first sample used to be a stream's first
   * decode: one made while the machine was busy (a browser starting, in CI) set the interim cadence
   * so long that the rest of the utterance had no interims. Seeded here on an idle machine, one
   * slow decode moves it by the smoothing weight only.
   */
  async load(): Promise<void> {
    await this.pool.start();
    // All workers are idle, so these run one per worker. A warm-up that fails (a decode timeout set
    // below any decode) does not stop the server: real decodes then fail the same way, and each
    // stream reports it as NET-0000 with the error in the log.
    await Promise.all(Array.from({ length: this.pool.size }, () => this.transcribe(warmUpAudio(), { priority: 'final', stream: 'warm-up' }).catch(() => undefined)));
  }

  async transcribe(audio: Float32Array, { priority, stream, draft = [], keyterms = [] }: DecodeRequest): Promise<Transcription> {
    const seconds = audio.length / SAMPLE_RATE;
    const input = audio.length >= MIN_INPUT_SAMPLES ? audio : padded(audio, MIN_INPUT_SAMPLES);
    const { result, runMs } = await this.pool.run({ audio: input, draft, keyterms }, PRIORITY[priority], stream, [input.buffer as ArrayBuffer]);
    if (seconds > 0) {
      // Decode time alone: waiting in the queue is accounted for separately by the callers.
      const cost = runMs / 1000 / seconds;
      this.cost = this.cost === 0 ? cost : this.cost + COST_SMOOTHING * (cost - this.cost);
    }
    return result;
  }

  stats(): EngineLoad {
    return {
      workers: this.pool.size,
      busy: this.pool.busy,
      queued: this.pool.queued,
      costPerAudioSecond: this.cost,
      finalWaitSeconds: this.pool.oldestWaitMs(PRIORITY.final) / 1000,
      interimWaitSeconds: this.pool.oldestWaitMs(PRIORITY.interim) / 1000,
    };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

function warmUpAudio(): Float32Array {
  const audio = new Float32Array(SAMPLE_RATE);
  for (let i = 0; i < audio.length; i++) audio[i] = (Math.random() - 0.5) * 0.002;
  return audio;
}

function padded(audio: Float32Array, length: number): Float32Array {
  const out = new Float32Array(length);
  out.set(audio);
  return out;
}
