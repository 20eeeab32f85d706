// Silero VAD v5 (MIT): speech probability for every 32 ms frame of 16 kHz audio. Inference runs on
// its own worker thread so that VAD, which decides when speech ends, never waits behind decodes.
import type { VadStream, VoiceActivityDetector } from '../engine.js';
import { modelFile } from '../model-files.js';
import { siblingScript, WorkerPool } from '../worker-pool.js';
import { CONTEXT, FRAME, STATE_SIZE, type SileroReply, type SileroRequest } from './silero-protocol.js';

export class SileroVad implements VoiceActivityDetector {
  readonly frameSamples = FRAME;
  readonly sampleRate = 16000;
  private readonly pool: WorkerPool<SileroRequest, SileroReply>;

  constructor(options: { timeoutMs?: number } = {}) {
    this.pool = new WorkerPool({
      name: 'silero-vad',
      script: siblingScript(import.meta.url, 'silero-worker'),
      size: 1,
      workerData: { modelPath: modelFile('silero-vad-v5', 'silero_vad_v5.onnx').path },
      jobTimeoutMs: options.timeoutMs ?? 30_000,
    });
  }

  load(): Promise<void> {
    return this.pool.start();
  }

  createStream(stream: string): VadStream {
    let state: Float32Array = new Float32Array(STATE_SIZE);
    let context: Float32Array = new Float32Array(CONTEXT);
    let pending = new Float32Array(0);
    return {
      process: async (samples) => {
        const all = new Float32Array(pending.length + samples.length);
        all.set(pending);
        all.set(samples, pending.length);
        const whole = all.length - (all.length % FRAME);
        pending = all.slice(whole);
        if (whole === 0) return new Float32Array(0);
        const { result: reply } = await this.pool.run({ samples: all.slice(0, whole), state, context }, 0, stream);
        state = reply.state;
        context = reply.context;
        return reply.probabilities;
      },
    };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
