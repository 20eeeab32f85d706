// Draft-verified decoding against plain greedy decoding (one decoder run per token), on real speech
// from the dev set, with the drafts a stream hands it: the last interim of the same speech, a longer
// decode whose speech was since cut at a pause, and a wrong one.
//
// The decoder is dynamically quantized (DynamicQuantizeLinear: one activation scale per tensor), so a
// pass over many positions rounds differently from single-token runs, and a near tie between two
// tokens can go either way (measured on the 80 dev-set utterances: every file that differs has a
// token of probability ≤ 0.52). Where the model is sure of every token, the two must agree token for
// token: a mistake in verification (an off-by-one, a cache cut at the wrong length) breaks that.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MoonshineDecoder, type DecodedTokens } from '../../src/engines/moonshine/greedy-decoder.js';
import { modelFile } from '../../src/engines/model-files.js';
import { utterances } from '../helpers/devset.js';
import { wavData } from '../helpers/fixtures.js';

const RATE = 16000;
/** Every token at least this likely: no near tie that rounding could turn. */
const SURE = 0.55;

function samples(file: string): Float32Array {
  const pcm = wavData(file);
  const out = new Float32Array(pcm.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = pcm.readInt16LE(i * 2) / 32768;
  return out;
}

const decoder = await MoonshineDecoder.load(modelFile('moonshine-tiny', 'encoder_model.onnx').path, modelFile('moonshine-tiny', 'decoder_model_merged.onnx').path);
const sure = (d: DecodedTokens) => d.ids.length > 0 && d.probabilities.every((p) => p >= SURE);

test('draft-verified decoding equals greedy decoding token for token where the model is sure, in fewer runs', async () => {
  // Every fourth utterance: all kinds of speaker and recording, in a few seconds.
  const files = utterances().filter((_, i) => i % 4 === 0);
  let compared = 0;
  let greedyRuns = 0;
  let verifiedRuns = 0;
  for (const { file } of files) {
    const audio = samples(file);
    const head = audio.slice(0, Math.round(audio.length * 0.6));
    const greedy = await decoder.decode(audio, RATE);
    const greedyHead = await decoder.decode(head, RATE);
    assert.equal(greedy.runs, greedy.ids.length + 1, 'without a draft, one run per token and one for the end');

    const own = await decoder.decode(audio, RATE, greedy.ids);
    const grown = await decoder.decode(audio, RATE, greedyHead.ids);
    greedyRuns += greedy.runs;
    verifiedRuns += grown.runs;
    if (sure(greedyHead)) {
      // The speech was cut at a pause since the draft: the draft runs past the end.
      assert.deepEqual((await decoder.decode(head, RATE, greedy.ids)).ids, greedyHead.ids, `${file}: a draft longer than the speech`);
    }
    if (!sure(greedy)) continue;
    compared++;
    assert.deepEqual(own.ids, greedy.ids, `${file}: its own tokens as the draft`);
    assert.equal(own.runs, 1, `${file}: a draft the pass confirms leaves nothing to generate`);
    for (const [i, p] of own.probabilities.entries()) assert.ok(Math.abs(p - greedy.probabilities[i]) < 0.1, `${file}: probability of token ${i}`);
    assert.deepEqual(grown.ids, greedy.ids, `${file}: the interim on its first 60 % as the draft`);
    assert.deepEqual((await decoder.decode(audio, RATE, [...greedy.ids].reverse())).ids, greedy.ids, `${file}: a wrong draft`);
  }
  assert.ok(compared >= 6, `enough sure decodes to compare (${compared} of ${files.length})`);
  assert.ok(verifiedRuns < greedyRuns * 0.7, `an interim's draft saves decoder runs (${verifiedRuns} against ${greedyRuns})`);
});
