// A decode worker thread: owns one encoder/decoder pair and turns a segment of audio into words.
import { parentPort, workerData } from 'node:worker_threads';
import type { Transcription } from '../engine.js';
import { estimateWordTimes } from '../word-timing.js';
import { MoonshineDecoder } from './greedy-decoder.js';
import { tokensToWords } from './tokens-to-words.js';

/** A decode job: the audio, and the tokens of an earlier decode from the same sample, if any. */
export interface MoonshineJob {
  audio: Float32Array;
  draft: readonly number[];
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

port.on('message', async ({ audio, draft }: MoonshineJob) => {
  try {
    const { ids, probabilities } = await decoder.decode(audio, sampleRate, draft);
    const tokenWords = tokensToWords(ids, probabilities);
    const times = estimateWordTimes(tokenWords.map((w) => w.text), audio, sampleRate);
    const result: Transcription = {
      text: tokenWords.map((w) => w.text).join(' '),
      confidence: probabilities.length ? Math.exp(probabilities.reduce((s, p) => s + Math.log(p), 0) / probabilities.length) : 0,
      words: tokenWords.map((w, i) => ({ text: w.text, confidence: w.confidence, start: times[i].start, end: times[i].end })),
      tokens: ids,
    };
    port.postMessage({ type: 'result', result });
  } catch (err) {
    port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
});
