// A word as the engine writes it ("(655-8740),": its core and the punctuation around it), and the
// one way formatting splits a word in several or merges several in one.
import type { TimedWord } from '../engines/recognizer.js';

/** A word's punctuation that ends a sentence ("end.", "end?\"", "end!)"). */
export const SENTENCE_END = /[.?!]["')\]]*$/;

/** "Americans," → "americans"; inner apostrophes and hyphens stay ("don't", "well-known"), as does a mask ("****"). */
export function plainWord(text: string): string {
  return text.toLowerCase().replace(/^[^\p{L}\p{N}*]+|[^\p{L}\p{N}*]+$/gu, '');
}

export const capitalized = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/** A word's text split around its core: "(655-8740)," → "(", "655-8740", "),". */
export function splitWord(text: string): { lead: string; core: string; trail: string } {
  const m = text.match(/^([^\p{L}\p{N}$]*)(.*?)([^\p{L}\p{N}%]*)$/u)!;
  return { lead: m[1], core: m[2], trail: m[3] };
}

/** `word` said as several words (`texts`): its punctuation at the ends, its span shared, its confidence kept. */
export function splitInto(word: TimedWord, texts: string[]): TimedWord[] {
  const { lead, trail } = splitWord(word.text);
  const span = (word.end - word.start) / texts.length;
  return texts.map((text, k) => ({
    text: `${k === 0 ? lead : ''}${text}${k === texts.length - 1 ? trail : ''}`,
    start: word.start + k * span,
    end: word.start + (k + 1) * span,
    confidence: word.confidence,
  }));
}

/** Words [start, end) to be written as one word, `text`. */
export interface WordSpan {
  start: number;
  end: number;
  text: string;
}

/** Whether the words `said` (lower-case) stand in `cores` from index `at` on. */
export const saidAt = (cores: readonly string[], at: number, said: readonly string[]): boolean => said.every((w, k) => cores[at + k] === w);

/** Words with each span (in order) replaced by one word of its text: the first start, the last end, the least confidence. */
export function mergeSpans(words: TimedWord[], parts: ReturnType<typeof splitWord>[], spans: readonly WordSpan[]): TimedWord[] {
  const out: TimedWord[] = [];
  let i = 0;
  for (const span of spans) {
    out.push(...words.slice(i, span.start));
    const merged = words.slice(span.start, span.end);
    out.push({
      text: `${parts[span.start].lead}${span.text}${parts[span.end - 1].trail}`,
      start: merged[0].start,
      end: merged.at(-1)!.end,
      confidence: Math.min(...merged.map((w) => w.confidence)),
    });
    i = span.end;
  }
  out.push(...words.slice(i));
  return out;
}
