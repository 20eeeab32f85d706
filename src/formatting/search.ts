// `search=term` (repeatable): where each term was said, with Deepgram's hits (confidence, start, end,
// snippet). Deepgram searches the audio by sound; Earshot searches the words it heard, by spelling:
// a window of as many words as the term (hyphenated words counted by their parts: "fellow-american"
// is two), scored by letter edit distance against it (so "claflin" finds "Claflin" and "clafflin"),
// times the words' own confidence. Searched per result, so the
// cost per Results message is bounded by MAX_SEARCH_TERMS × its words × the term's length.
import { distance } from 'fastest-levenshtein';
import type { TimedWord } from '../engines/recognizer.js';
import { splitWord } from './word-spans.js';

export const MAX_SEARCH_TERMS = 25;
export const MAX_SEARCH_CHARS = 100;
/** Letters alike at least this much make a hit; below it a word only shares some letters. */
const MIN_SIMILARITY = 0.6;

export interface SearchHit {
  confidence: number;
  start: number;
  end: number;
  snippet: string;
}

export interface SearchResult {
  query: string;
  hits: SearchHit[];
}

/** The words' parts ("Fellow-American," → "fellow", "american"), each with the word it is part of. */
function parts(words: readonly TimedWord[]): Array<{ text: string; word: TimedWord }> {
  return words.flatMap((word) => splitWord(word.text).core.toLowerCase().split(/[-–]/).filter(Boolean).map((text) => ({ text, word })));
}

export function searchWords(words: readonly TimedWord[], queries: readonly string[]): SearchResult[] {
  const said = parts(words);
  return queries.map((query) => {
    const terms = query.toLowerCase().split(/[\s-–]+/).filter(Boolean);
    const wanted = terms.join(' ');
    const hits: SearchHit[] = [];
    for (let i = 0; i + terms.length <= said.length; i++) {
      const window = said.slice(i, i + terms.length);
      const snippet = window.map((p) => p.text).join(' ');
      // The edit distance is at least the difference in length: most windows are out at once.
      if (Math.abs(snippet.length - wanted.length) > (1 - MIN_SIMILARITY) * Math.max(snippet.length, wanted.length)) continue;
      const similarity = 1 - distance(wanted, snippet) / Math.max(wanted.length, snippet.length);
      if (similarity < MIN_SIMILARITY) continue;
      const heard = window.reduce((sum, p) => sum + p.word.confidence, 0) / window.length;
      hits.push({ confidence: similarity * heard, start: window[0].word.start, end: window.at(-1)!.word.end, snippet });
    }
    return { query, hits: hits.sort((a, b) => b.confidence - a.confidence) };
  });
}
