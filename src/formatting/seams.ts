// Where two finals meet. Each segment is decoded alone, and the model ends every decode as if the
// speech ended there and starts every one as if a sentence began: where speech was cut at a breath,
// the text reads "through those woods. With dark secrets of pool" and "everything that passed. From
// brooks and children up" (the dev set's continuous LibriSpeech recording).
//
// Live, a window cut at a pause shorter than the endpointing (Segmenter reason "pause", or a cut at
// the length limit) is a cut inside an utterance: its final loses a closing full stop (openEnded),
// and the next final's first word is lower-cased if it is a common word (continued), so the finals
// read as one sentence; a question or exclamation mark stays. A whole file (pre-recorded) has both
// sides of every seam at hand, so mendSeams joins finals where the next opens with a word that
// continues a clause far more often than it starts a sentence (a preposition or relative, not
// "And", "But" or "The") after a short pause.
import type { TimedWord } from '../engines/recognizer.js';
import { splitWord } from './word-spans.js';

/** A word of a Results message: `word` plain, `punctuated_word` as written. */
interface ResultsWord {
  word: string;
  punctuated_word: string;
  start: number;
  end: number;
}

/** A pause this long or longer may well end a sentence (a file is cut at 0.8 s of silence, which estimated word times show as 0.5 s and more). */
const SENTENCE_PAUSE_SECONDS = 1;
const CONTINUING = new Set([
  'with', 'from', 'of', 'to', 'in', 'into', 'on', 'onto', 'at', 'for', 'by', 'than', 'that', 'which', 'whom', 'whose',
  'as', 'while', 'because', 'whether', 'or', 'nor', 'through', 'across', 'along', 'without', 'within', 'toward', 'towards', 'until',
]);

/** Words that, opening a final after a cut inside an utterance, go on with its sentence: lower-cased. */
const COMMON = new Set([
  ...CONTINUING, 'and', 'but', 'so', 'then', 'the', 'a', 'an', 'it', 'its', 'he', 'she', 'they', 'we', 'you', 'his', 'her', 'their',
  'our', 'my', 'your', 'this', 'these', 'those', 'there', 'when', 'where', 'who', 'what', 'not', 'no', 'is', 'was', 'are', 'were',
  'be', 'been', 'have', 'has', 'had', 'do', 'did', 'will', 'would', 'can', 'could', 'should', 'may', 'might', 'must', 'all', 'if',
]);

/** A live final cut inside an utterance: its closing full stop is the model's guess, and goes. */
export function openEnded(words: TimedWord[]): TimedWord[] {
  const last = words.at(-1);
  // "woods." loses it; "U.S.A." and "etc." keep theirs: an abbreviation's.
  if (!last || !/^[^.]+\.$/.test(last.text) || /^(etc|mr|mrs|ms|dr|st|jr|sr|vs)\.$/i.test(last.text)) return words;
  return [...words.slice(0, -1), { ...last, text: last.text.slice(0, -1) }];
}

/** The final after such a cut: a common first word goes on with the sentence. */
export function continued(words: TimedWord[]): TimedWord[] {
  const first = words[0];
  if (!first || !COMMON.has(splitWord(first.text).core.toLowerCase()) || !/^[A-Z][a-z]/.test(first.text)) return words;
  return [{ ...first, text: first.text.charAt(0).toLowerCase() + first.text.slice(1) }, ...words.slice(1)];
}

/** The words of one channel's finals of a file in order, with the seams between finals mended. */
export function mendSeams<W extends ResultsWord>(finals: W[][]): W[] {
  const words: W[] = [];
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

function mends(last: ResultsWord, first: ResultsWord): boolean {
  const shortPause = first.start - last.end < SENTENCE_PAUSE_SECONDS;
  return shortPause && last.punctuated_word.endsWith('.') && CONTINUING.has(first.word) && /^[A-Z][a-z]/.test(first.punctuated_word);
}
