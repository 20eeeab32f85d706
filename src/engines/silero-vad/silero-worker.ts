// The VAD worker thread: runs Silero VAD v5 for every stream. The recurrent state travels with each
// request, so one thread serves any number of streams without mixing them up.
import ort from 'onnxruntime-node';
import { parentPort, workerData } from 'node:worker_threads';
import { CONTEXT, FRAME, type SileroReply, type SileroRequest } from './silero-protocol.js';

const port = parentPort!;
const { modelPath } = workerData as { modelPath: string };
const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1, interOpNumThreads: 1 });
const sr = new ort.Tensor('int64', BigInt64Array.of(16000n), []);
port.postMessage({ type: 'ready' });

port.on('message', async ({ samples, state, context }: SileroRequest) => {
  try {
    const frames = samples.length / FRAME;
    const probabilities = new Float32Array(frames);
    const input = new Float32Array(CONTEXT + FRAME);
    let stateTensor: ort.Tensor = new ort.Tensor('float32', state, [2, 1, 128]);
    input.set(context, 0);
    for (let f = 0; f < frames; f++) {
      // Silero v5 sees each frame with the 64 samples before it, as its reference wrapper feeds it.
      input.set(samples.subarray(f * FRAME, (f + 1) * FRAME), CONTEXT);
      const out = await session.run({ input: new ort.Tensor('float32', input.slice(), [1, CONTEXT + FRAME]), state: stateTensor, sr });
      probabilities[f] = (out.output.data as Float32Array)[0];
      stateTensor = out.stateN as ort.Tensor;
      input.copyWithin(0, FRAME, FRAME + CONTEXT);
    }
    const reply: SileroReply = { probabilities, state: new Float32Array(stateTensor.data as Float32Array), context: input.slice(0, CONTEXT) };
    port.postMessage({ type: 'result', result: reply });
  } catch (err) {
    port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
});
