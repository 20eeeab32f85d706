// The real-speech dev set (../shared/devset) as bench material: its 80 utterances joined with pauses
// for one stream, its long continuous recording for many, and WER scored as the set's README says
// (corpus WER: edits summed over files / reference words; numbers written as digits count as errors).
import { readFileSync } from 'node:fs';
import { DEVSET, speechSpan, type Utterance } from '../../test/helpers/devset.js';
import { joinWithSilence, wavData } from '../../test/helpers/fixtures.js';
import { wordEdits } from '../../test/helpers/wer.js';
import { endpointsOf, RATE, type StreamAudio } from './measure.js';

/** The pause put between utterances in the one-stream run. */
export const UTTERANCE_GAP_SECONDS = 1.5;
/** A pause this long after speech makes any endpointing ≤ 300 ms fire (VAD lag and frame included). */
const ENDPOINT_PAUSE_SECONDS = 0.5;

/** The utterances one after another with pauses, as one stream; each utterance's end is an endpoint. */
export function utteranceStream(files: Utterance[]): StreamAudio & { offsets: number[] } {
  const joined = joinWithSilence(files.map((u) => u.file), UTTERANCE_GAP_SECONDS, { trailing: true });
  const pcm = wavData(joined);
  const offsets: number[] = [];
  const spans: StreamAudio['utterances'] = [];
  let offset = 0;
  for (const u of files) {
    const own = wavData(u.file);
    const span = speechSpan(own);
    offsets.push(offset);
    spans.push({ start: offset + span.start, end: offset + span.end });
    offset += own.length / 2 / RATE + UTTERANCE_GAP_SECONDS;
  }
  const seconds = pcm.length / 2 / RATE;
  // Each utterance ends at the next file's start: a VAD that ends one early still closes it there.
  const endpoints = spans.map((s, i) => ({ start: s.start, end: s.end, until: offsets[i + 1] ?? seconds }));
  return { pcm, seconds, utterances: spans, endpoints, words: [], offsets };
}

export interface LongRecording extends StreamAudio {
  file: string;
  reference: string;
}

/** A long continuous recording; its endpoints are the piece ends followed by a pause long enough to end an utterance. */
export function longRecording(name: string): LongRecording {
  const file = `${DEVSET}long/${name}.wav`;
  const pcm = wavData(file);
  const [, ...rows] = readFileSync(`${DEVSET}long/${name}.segments.tsv`, 'utf8').trim().split('\n').map((l) => l.split('\t'));
  const spans = rows.map((r) => {
    const [start, end] = [Number(r[2]), Number(r[3])];
    const span = speechSpan(pcm.subarray(Math.round(start * RATE) * 2, Math.round(end * RATE) * 2));
    return { start: start + span.start, end: start + span.end };
  });
  const seconds = pcm.length / 2 / RATE;
  const endpoints = endpointsOf(spans, seconds, ENDPOINT_PAUSE_SECONDS);
  return { file, pcm, seconds, utterances: spans, endpoints, words: [], reference: readFileSync(`${DEVSET}long/${name}.reference.txt`, 'utf8').trim() };
}

/** Corpus WER in per cent over (reference, hypothesis) pairs. */
export function corpusWer(pairs: Array<[string, string]>): number {
  const total = pairs.map(([r, h]) => wordEdits(r, h)).reduce((a, b) => ({ edits: a.edits + b.edits, words: a.words + b.words }), { edits: 0, words: 0 });
  return (100 * total.edits) / total.words;
}
