// Moonshine's encoder-decoder loop: encode the whole segment once, then greedy decoding with the
// merged decoder's key/value cache. Each step keeps the chosen token's probability (softmax of the
// logits), which is what word confidence is made of.
//
// Draft verification: a decode may be handed a draft, the tokens of an earlier decode of audio that
// starts at the same sample (the previous interim of a growing segment). The decoder's no-cache
// branch takes a whole token sequence, so one run over [start, …draft] gives, at every position, the
// token greedy decoding would choose after that prefix. The draft is kept while it agrees; at the
// first disagreement the pass has already given the greedy token, and decoding goes on step by step
// from the pass's cache cut to the agreed prefix. The output is greedy decoding's whatever the draft;
// only the number of decoder runs changes (one pass over 76 tokens: ~30 ms against ~390 ms one by
// one). One caveat, measured: the weights are dynamically quantized (one activation scale per
// tensor), so a pass over many positions rounds a little differently from single-token runs, and
// where two tokens nearly tie (probability ≤ 0.52 on the dev set) either may win. Where the model
// is sure, the tokens are the same (test/unit/draft-decoding.test.ts). Each choice follows
// decoding-rules.ts, in the pass as in the steps, so a draft is checked against the same rules.
import ort from 'onnxruntime-node';
import { chooseToken, END_TOKEN, loopCut, UNSURE_END_MIN_SECONDS } from './decoding-rules.js';
import type { KeytermBias } from './keyterm-bias.js';

const START_TOKEN = 1;
/** A bound on any decode, loop or not: speech carries at most ~6 tokens a second. */
const MAX_TOKENS_PER_SECOND = 6.5;
const MIN_TOKEN_BUDGET = 4;

export interface DecodedTokens {
  ids: number[];
  probabilities: number[];
  /** Decoder runs it took: what a good draft saves. */
  runs: number;
}

/** The decoder's cache layout, read from the model (tiny and base differ). */
interface CacheShape {
  layers: number;
  heads: number;
  headDim: number;
}

export class MoonshineDecoder {
  private constructor(
    private readonly encoder: ort.InferenceSession,
    private readonly decoder: ort.InferenceSession,
    private readonly cache: CacheShape,
  ) {}

  static async load(encoderPath: string, decoderPath: string): Promise<MoonshineDecoder> {
    // One thread per session: parallelism comes from one worker per core (engine-notes.md).
    const options: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1 };
    const [encoder, decoder] = await Promise.all([
      ort.InferenceSession.create(encoderPath, options),
      ort.InferenceSession.create(decoderPath, options),
    ]);
    return new MoonshineDecoder(encoder, decoder, cacheShape(decoder));
  }

  async decode(audio: Float32Array, sampleRate: number, draft: readonly number[] = [], bias?: KeytermBias): Promise<DecodedTokens> {
    const { last_hidden_state: hidden } = await this.encoder.run({ input_values: new ort.Tensor('float32', audio, [1, audio.length]) });
    const seconds = audio.length / sampleRate;
    const budget = Math.max(MIN_TOKEN_BUDGET, Math.ceil(seconds * MAX_TOKENS_PER_SECOND));
    const ids: number[] = [];
    const probabilities: number[] = [];

    // The pass over [start, …draft]: position i holds the greedy choice after the first i+1 tokens.
    const sequence = [START_TOKEN, ...draft.slice(0, budget - 1)];
    const empty = this.emptyCache();
    let out = await this.step(sequence, hidden, empty);
    const vocabulary = out.logits.dims[2];
    let agreed = sequence.length;
    for (let i = 0; i < sequence.length; i++) {
      const { token, probability } = chooseToken(out.logits.data as Float32Array, i * vocabulary, vocabulary, i === 0 && seconds >= UNSURE_END_MIN_SECONDS, bias?.boosts(ids));
      if (token === END_TOKEN) return { ids, probabilities, runs: 1 };
      if (taken(ids, probabilities, token, probability) || ids.length >= budget) return { ids, probabilities, runs: 1 };
      if (i + 1 < sequence.length && token !== sequence[i + 1]) {
        agreed = i + 1;
        break;
      }
    }
    // The encoder's cross-attention cache comes from the pass; the decoder's is cut to the agreed prefix.
    const past: Record<string, ort.Tensor> = {};
    for (const name of Object.keys(empty)) {
      const present = out[name.replace('past_key_values', 'present')];
      past[name] = name.includes('.decoder.') ? truncated(present, agreed) : present;
    }
    let runs = 1;
    while (ids.length < budget) {
      out = await this.step([ids.at(-1)!], hidden, past);
      runs++;
      const { token, probability } = chooseToken(out.logits.data as Float32Array, 0, vocabulary, false, bias?.boosts(ids));
      if (token === END_TOKEN || taken(ids, probabilities, token, probability)) break;
      for (const name of Object.keys(past)) if (name.includes('.decoder.')) past[name] = out[name.replace('past_key_values', 'present')];
    }
    return { ids, probabilities, runs };
  }

  /** One decoder run over `tokens`: with an empty cache it is the no-cache branch, else one cached step. */
  private step(tokens: number[], hidden: ort.Tensor, past: Record<string, ort.Tensor>): Promise<ort.InferenceSession.OnnxValueMapType> {
    const cached = past['past_key_values.0.decoder.key'].size > 0;
    return this.decoder.run({
      input_ids: new ort.Tensor('int64', BigInt64Array.from(tokens, BigInt), [1, tokens.length]),
      encoder_hidden_states: hidden,
      use_cache_branch: new ort.Tensor('bool', [cached], [1]),
      ...past,
    });
  }

  private emptyCache(): Record<string, ort.Tensor> {
    const { layers, heads, headDim } = this.cache;
    const past: Record<string, ort.Tensor> = {};
    for (let layer = 0; layer < layers; layer++) {
      for (const side of ['decoder', 'encoder']) {
        for (const kv of ['key', 'value']) past[`past_key_values.${layer}.${side}.${kv}`] = new ort.Tensor('float32', new Float32Array(0), [0, heads, 1, headDim]);
      }
    }
    return past;
  }
}

function cacheShape(decoder: ort.InferenceSession): CacheShape {
  const keys = decoder.inputMetadata.filter((m) => /^past_key_values\.\d+\.decoder\.key$/.test(m.name));
  const shape = keys[0]?.isTensor ? keys[0].shape : [];
  const [heads, headDim] = [shape[1], shape[3]];
  if (typeof heads !== 'number' || typeof headDim !== 'number') throw new Error(`the decoder's cache inputs have no fixed heads × head size (${JSON.stringify(shape)})`);
  return { layers: keys.length, heads, headDim };
}

/** A [1, heads, length, dim] cache with only its first `length` positions. */
function truncated(cache: ort.Tensor, length: number): ort.Tensor {
  const [batch, heads, full, dim] = cache.dims;
  if (length === full) return cache;
  const data = cache.data as Float32Array;
  const out = new Float32Array(batch * heads * length * dim);
  for (let h = 0; h < batch * heads; h++) out.set(data.subarray(h * full * dim, (h * full + length) * dim), h * length * dim);
  return new ort.Tensor('float32', out, [batch, heads, length, dim]);
}

/** Appends a choice; true when it closed a loop, which is then cut off and ends the decode. */
function taken(ids: number[], probabilities: number[], token: number, probability: number): boolean {
  ids.push(token);
  probabilities.push(probability);
  const cut = loopCut(ids);
  if (cut === undefined) return false;
  ids.length = cut;
  probabilities.length = cut;
  return true;
}
