// Short segments decode badly on their own: Moonshine-tiny returns nothing for a lone "ask" cut out
// of jfk.wav, yet gets it right with the words before it. So a segment that follows recent speech is
// decoded together with that speech as left context, and the words the context repeats are dropped.
//
// Where the new words begin is found from the text, not from the estimated word times: the decoded
// prefix that best matches (by word edit distance) the words already sent for the context audio is
// the repeat. Times only break ties. Context words the earlier decode missed are kept, so a word lost
// in a too-short segment is recovered by the next one.
import type { EngineWord, Transcript } from '../engines/engine.js';
import { capitalized, plainWord, SENTENCE_END } from '../formatting/word-spans.js';

/** "fellow-American," → ["fellow", "american"]: engines join and split compounds differently. */
const tokens = (word: string): string[] => plainWord(word).split(/[-–]/).filter(Boolean);

/**
 * 0 for the same token, up to 2 (a deletion plus an insertion) for nothing in common: "americans" for
 * "american" costs 0.22, "ask" for "as" 0.67. So unrelated words are never cheaper to pair than to leave.
 */
function substitutionCost(a: string, b: string): number {
  if (a === b) return 0;
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return (2 * row[b.length]) / Math.max(a.length, b.length);
}

/** Index of the first word of `decoded` that `alreadySaid` does not cover. */
export function firstNewWord(decoded: EngineWord[], alreadySaid: string[], boundary: number): number {
  const said = alreadySaid.flatMap(tokens);
  const heard = decoded.flatMap((w) => tokens(w.text));
  // Token count at the end of each decoded word: the only places the split can fall.
  const wordEnds = decoded.reduce<number[]>((ends, w) => [...ends, ends[ends.length - 1] + tokens(w.text).length], [0]);
  // distance[j]: token edit distance between heard[0..j) and all of said (the DP's last row).
  let distance = Array.from({ length: heard.length + 1 }, (_, j) => j);
  for (let i = 1; i <= said.length; i++) {
    const next = [i];
    for (let j = 1; j <= heard.length; j++) {
      next[j] = Math.min(distance[j] + 1, next[j - 1] + 1, distance[j - 1] + substitutionCost(said[i - 1], heard[j - 1]));
    }
    distance = next;
  }
  // Words whose middle lies before the boundary were placed in the context audio by the timing estimate.
  const byTime = decoded.filter((w) => (w.start + w.end) / 2 < boundary).length;
  let best = 0;
  for (let k = 1; k < wordEnds.length; k++) {
    const [d, dBest] = [distance[wordEnds[k]], distance[wordEnds[best]]];
    if (d < dBest - 1e-9 || (Math.abs(d - dBest) <= 1e-9 && Math.abs(k - byTime) < Math.abs(best - byTime))) best = k;
  }
  return best;
}

/**
 * `transcription` without its first `count` words; confidence from the words that remain. After a
 * sentence already ended (`lastSaid`), the first remaining word is capitalized: the context decode
 * may have run the sentences together.
 */
export function dropWords(transcription: Transcript, count: number, lastSaid?: string): Transcript {
  if (count === 0) return transcription;
  const words = transcription.words.slice(count);
  if (words.length > 0 && lastSaid && SENTENCE_END.test(lastSaid)) words[0] = { ...words[0], text: capitalized(words[0].text) };
  const logMean = words.reduce((sum, w) => sum + Math.log(Math.max(w.confidence, 1e-9)), 0) / Math.max(1, words.length);
  return { confidence: words.length ? Math.exp(logMean) : 0, words };
}
