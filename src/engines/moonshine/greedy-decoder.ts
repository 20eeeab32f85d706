// Moonshine's encoder-decoder loop: encode the whole segment once, then greedy decoding with the
// merged decoder's key/value cache. Each step keeps the chosen token's probability (softmax of the
// logits), which is what word confidence is made of.
import ort from 'onnxruntime-node';

const START_TOKEN = 1;
const END_TOKEN = 2;
const LAYERS = 6;
const KV_HEADS = 8;
const HEAD_DIM = 36;
/** Guard against the decoder looping: speech carries at most ~6 tokens a second. */
const MAX_TOKENS_PER_SECOND = 6.5;
const MIN_TOKEN_BUDGET = 4;

export interface DecodedTokens {
  ids: number[];
  probabilities: number[];
}

export class MoonshineDecoder {
  private constructor(
    private readonly encoder: ort.InferenceSession,
    private readonly decoder: ort.InferenceSession,
  ) {}

  static async load(encoderPath: string, decoderPath: string): Promise<MoonshineDecoder> {
    // One thread per session: parallelism comes from one worker per core (engine-notes.md).
    const options: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1 };
    const [encoder, decoder] = await Promise.all([
      ort.InferenceSession.create(encoderPath, options),
      ort.InferenceSession.create(decoderPath, options),
    ]);
    return new MoonshineDecoder(encoder, decoder);
  }

  async decode(audio: Float32Array, sampleRate: number): Promise<DecodedTokens> {
    const { last_hidden_state: hidden } = await this.encoder.run({ input_values: new ort.Tensor('float32', audio, [1, audio.length]) });
    const past: Record<string, ort.Tensor> = {};
    for (let layer = 0; layer < LAYERS; layer++) {
      for (const side of ['decoder', 'encoder']) {
        for (const kv of ['key', 'value']) {
          past[`past_key_values.${layer}.${side}.${kv}`] = new ort.Tensor('float32', new Float32Array(0), [0, KV_HEADS, 1, HEAD_DIM]);
        }
      }
    }
    const budget = Math.max(MIN_TOKEN_BUDGET, Math.ceil((audio.length / sampleRate) * MAX_TOKENS_PER_SECOND));
    const ids: number[] = [];
    const probabilities: number[] = [];
    let input = START_TOKEN;
    for (let step = 0; step < budget; step++) {
      const out = await this.decoder.run({
        input_ids: new ort.Tensor('int64', BigInt64Array.of(BigInt(input)), [1, 1]),
        encoder_hidden_states: hidden,
        use_cache_branch: new ort.Tensor('bool', [step > 0], [1]),
        ...past,
      });
      const { token, probability } = argmaxSoftmax(out.logits.data as Float32Array);
      if (token === END_TOKEN) break;
      ids.push(token);
      probabilities.push(probability);
      input = token;
      // The encoder's cross-attention cache is computed on the first step only; the decoder's grows.
      for (const name of Object.keys(past)) {
        if (step === 0 || name.includes('.decoder.')) past[name] = out[name.replace('past_key_values', 'present')];
      }
    }
    return { ids, probabilities };
  }
}

function argmaxSoftmax(logits: Float32Array): { token: number; probability: number } {
  let token = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i] > logits[token]) token = i;
  const max = logits[token];
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i] - max);
  return { token, probability: 1 / sum };
}
