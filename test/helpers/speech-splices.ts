// Speech-like audio the model cannot follow: real dev-set speech cut into short pieces and spliced in
// a seeded random order. Real voices, real words, no sentence — what makes a decoder loop.
import { utterances } from './devset.js';
import { wavData } from './fixtures.js';

const RATE = 16000;

/** A linear congruential generator: the same clips on every run. */
function generator(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
}

/** `count` clips of 4–16 s, as 16-bit PCM, of pieces ~0.3 s long (the length that loops most). */
export function speechSplices(count: number, seed = 1): Buffer[] {
  const random = generator(seed);
  const sources = utterances().map((u) => wavData(u.file));
  return Array.from({ length: count }, () => {
    const out = Buffer.alloc(Math.round((4 + random() * 12) * RATE) * 2);
    for (let at = 0; at < out.length; ) {
      const source = sources[Math.floor(random() * sources.length)];
      const length = Math.min(out.length - at, Math.round(0.3 * RATE * (0.5 + random())) * 2);
      const from = Math.floor(random() * Math.max(1, (source.length - length) / 2)) * 2;
      at += source.copy(out, at, from, from + length);
    }
    return out;
  });
}

/** The first 4-gram of `text` repeated three or more times in a row, if any. */
export function repeatedFourGram(text: string): string | undefined {
  const w = text.toLowerCase().replace(/[^\p{L}\p{N}' ]/gu, ' ').split(/\s+/).filter(Boolean);
  for (let i = 0; i + 12 <= w.length; i++) {
    const gram = w.slice(i, i + 4).join(' ');
    if (w.slice(i + 4, i + 8).join(' ') === gram && w.slice(i + 8, i + 12).join(' ') === gram) return gram;
  }
  return undefined;
}
