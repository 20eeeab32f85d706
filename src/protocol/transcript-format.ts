// Deepgram's text conventions: without punctuate/smart_format, `transcript` and `word` are lower-case
// with no punctuation; `punctuated_word` always keeps the engine's cased, punctuated form.
import type { WindowResult } from '../streaming/channel-transcriber.js';

export interface ResultWord {
  word: string;
  punctuated_word: string;
  start: number;
  end: number;
  confidence: number;
}

/** Seconds on the audio clock, rounded as Deepgram's own figures are. */
export const seconds = (s: number): number => Math.round(s * 1e6) / 1e6;

/** "Americans," → "americans"; inner apostrophes and hyphens stay ("don't", "well-known"). */
export function plainWord(text: string): string {
  return text.toLowerCase().replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
}

export function formatAlternative(result: WindowResult, punctuate: boolean): { transcript: string; confidence: number; words: ResultWord[] } {
  const words = result.words
    .map((w) => ({ word: plainWord(w.text), punctuated_word: w.text, start: seconds(w.start), end: seconds(w.end), confidence: w.confidence }))
    .filter((w) => w.word.length > 0);
  return {
    transcript: punctuate ? result.text : words.map((w) => w.word).join(' '),
    confidence: result.confidence,
    words,
  };
}
