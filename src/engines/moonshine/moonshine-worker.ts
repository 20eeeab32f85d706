// A decode worker thread: owns one encoder/decoder pair and turns a segment of audio into words.
import { parentPort, workerData } from 'node:worker_threads';
import type { Transcription } from '../engine.js';
import { estimateWordTimes } from '../word-timing.js';
import { MoonshineDecoder } from './greedy-decoder.js';
import { KeytermBias } from './keyterm-bias.js';
import { tokensToWords } from './tokens-to-words.js';

/** A decode job: the audio, the tokens of an earlier decode from the same sample, if any, and terms to favour. */
export interface MoonshineJob {
  audio: Float32Array;
  draft: readonly number[];
  keyterms: readonly string[];
}

export interface MoonshineWorkerData {
  encoderPath: string;
  decoderPath: string;
  sampleRate: number;
}

const { encoderPath, decoderPath, sampleRate } = workerData as MoonshineWorkerData;
const decoder = await MoonshineDecoder.load(encoderPath, decoderPath);
const port = parentPort!;
port.postMessage({ type: 'ready' });

/** A stream's decodes come with the same terms: they are tokenized once, not per decode. */
let lastBias: { key: string; bias?: KeytermBias } = { key: '' };
function biasFor(keyterms: readonly string[]): KeytermBias | undefined {
  const key = keyterms.join('\n');
  if (key !== lastBias.key) lastBias = { key, bias: KeytermBias.of(keyterms) };
  return lastBias.bias;
}

port.on('message', async ({ audio, draft, keyterms }: MoonshineJob) => {
  try {
    const { ids, probabilities } = await decoder.decode(audio, sampleRate, draft, biasFor(keyterms));
    const tokenWords = tokensToWords(ids, probabilities);
    const times = estimateWordTimes(tokenWords.map((w) => w.text), audio, sampleRate);
    const result: Transcription = {
      confidence: probabilities.length ? Math.exp(probabilities.reduce((s, p) => s + Math.log(p), 0) / probabilities.length) : 0,
      words: tokenWords.map((w, i) => ({ text: w.text, confidence: w.confidence, start: times[i].start, end: times[i].end })),
      tokens: ids,
    };
    port.postMessage({ type: 'result', result });
  } catch (err) {
    port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
});
