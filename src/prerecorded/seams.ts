// Where two finals of a file meet. Each segment is decoded alone, and the model ends every decode
// as if the speech ended there and starts every one as if a sentence began: where a long stretch of
// speech was cut at a breath, the text reads "through those woods. With dark secrets of pool" and
// "everything that passed. From brooks and children up" (the dev set's continuous LibriSpeech
// recording). A whole file has both sides of each seam at hand, so a seam is mended where the next
// final opens with a word that continues a clause far more often than it starts a sentence (a
// preposition or relative, not "And", "But" or "The") after a short pause: the full stop goes, the
// word is lower-cased. Live, the first side has already been sent, so finals keep the model's text.
import type { ResultWord } from '../protocol/transcript-format.js';

/** A pause this long or longer may well end a sentence (a file is cut at 0.8 s of silence, which estimated word times show as 0.5 s and more). */
const SENTENCE_PAUSE_SECONDS = 1;
const CONTINUING = new Set([
  'with', 'from', 'of', 'to', 'in', 'into', 'on', 'onto', 'at', 'for', 'by', 'than', 'that', 'which', 'whom', 'whose',
  'as', 'while', 'because', 'whether', 'or', 'nor', 'through', 'across', 'along', 'without', 'within', 'toward', 'towards', 'until',
]);

/** The words of one channel's finals in order, with the seams between finals mended. */
export function mendSeams(finals: ResultWord[][]): ResultWord[] {
  const words: ResultWord[] = [];
  for (const final of finals) {
    const last = words.at(-1);
    const first = final[0];
    if (last && first && mends(last, first)) {
      words[words.length - 1] = { ...last, punctuated_word: last.punctuated_word.slice(0, -1) };
      words.push({ ...first, punctuated_word: first.punctuated_word.charAt(0).toLowerCase() + first.punctuated_word.slice(1) }, ...final.slice(1));
    } else words.push(...final);
  }
  return words;
}

function mends(last: ResultWord, first: ResultWord): boolean {
  const shortPause = first.start - last.end < SENTENCE_PAUSE_SECONDS;
  return shortPause && last.punctuated_word.endsWith('.') && CONTINUING.has(first.word) && /^[A-Z][a-z]/.test(first.punctuated_word);
}
