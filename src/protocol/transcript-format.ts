// Deepgram's text conventions: without punctuate/smart_format, `transcript` and `word` are lower-case
// with no punctuation; `punctuated_word` always keeps the cased, punctuated form. The words are
// first formatted as the request's text options say (formatting/); `search` looks in those words.
import { formatWords, type TextOptions } from '../formatting/format-words.js';
import { searchWords, type SearchResult } from '../formatting/search.js';
import { plainWord } from '../formatting/word-spans.js';
import type { WindowResult } from '../engines/recognizer.js';

export interface ResultWord {
  word: string;
  punctuated_word: string;
  start: number;
  end: number;
  confidence: number;
}

/** Seconds on the audio clock, rounded as Deepgram's own figures are. */
export const seconds = (s: number): number => Math.round(s * 1e6) / 1e6;

export interface Alternative {
  transcript: string;
  confidence: number;
  words: ResultWord[];
}

export interface ResultChannel {
  alternatives: [Alternative];
  /** With `search`: the hits of each term in this result's words. */
  search?: SearchResult[];
}

export function formatChannel(result: WindowResult, text: TextOptions): ResultChannel {
  const formatted = formatWords(result.words, text);
  const words = formatted
    .map((w) => ({ word: plainWord(w.text), punctuated_word: w.text, start: seconds(w.start), end: seconds(w.end), confidence: w.confidence }))
    .filter((w) => w.word.length > 0);
  const alternative = { transcript: words.map((w) => (text.punctuate ? w.punctuated_word : w.word)).join(' '), confidence: result.confidence, words };
  return text.search.length > 0 ? { alternatives: [alternative], search: searchWords(formatted, text.search) } : { alternatives: [alternative] };
}
