// Word error rate: word-level edit distance over the reference length, after Deepgram-style
// normalisation (lower case, no punctuation).
export function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}'\s-]/gu, ' ')
    .split(/[\s-]+/)
    .map((w) => w.replace(/^'+|'+$/g, ''))
    .filter(Boolean);
}

/** Word edits (Levenshtein over normalised words) between a reference and a hypothesis, and the reference's length. */
export function wordEdits(reference: string, hypothesis: string): { edits: number; words: number } {
  const r = words(reference);
  const h = words(hypothesis);
  let prev = Array.from({ length: h.length + 1 }, (_, j) => j);
  for (let i = 1; i <= r.length; i++) {
    const row = [i];
    for (let j = 1; j <= h.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (r[i - 1] === h[j - 1] ? 0 : 1));
    prev = row;
  }
  return { edits: prev[h.length], words: r.length };
}

export function wer(reference: string, hypothesis: string): number {
  const { edits, words: n } = wordEdits(reference, hypothesis);
  return n === 0 ? (edits === 0 ? 0 : 1) : edits / n;
}
