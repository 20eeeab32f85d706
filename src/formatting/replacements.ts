// `replace=find:replacement`: a word or phrase of the transcript, matched whole and in any case, put
// in another's place (an empty replacement removes it). The replacement keeps the punctuation that
// followed the last word it replaces, so a sentence still ends where it did.
import type { TimedWord } from '../engines/recognizer.js';
import { mergeSpans, saidAt, splitWord, type WordSpan } from './word-spans.js';

export interface Replacement {
  /** The words to find, lower-case. */
  find: string[];
  replacement: string;
}

export function replaceTerms(words: TimedWord[], replacements: readonly Replacement[]): TimedWord[] {
  if (replacements.length === 0) return words;
  const parts = words.map((w) => splitWord(w.text));
  const cores = parts.map((p) => p.core.toLowerCase());
  const spans: WordSpan[] = [];
  for (let i = 0; i < cores.length; ) {
    // The longest phrase that matches here wins ("new york city" before "new york").
    let best: Replacement | undefined;
    for (const r of replacements) {
      if (r.find.length > (best?.find.length ?? 0) && saidAt(cores, i, r.find)) best = r;
    }
    if (!best) {
      i++;
      continue;
    }
    spans.push({ start: i, end: i + best.find.length, text: best.replacement });
    i += best.find.length;
  }
  // An empty replacement leaves a word of punctuation alone: it is dropped with it.
  return mergeSpans(words, parts, spans).filter((w) => /[\p{L}\p{N}]/u.test(w.text));
}
