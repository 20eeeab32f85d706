// Moonshine's token ids → words. Its vocabulary is Llama's SentencePiece one: a piece that starts
// with "▁" begins a word, any other piece (including punctuation) continues the word before it.
import llamaTokenizer from 'llama-tokenizer-js';

const WORD_START = '▁';

export interface TokenWord {
  text: string;
  /** Geometric mean of the word's token probabilities. */
  confidence: number;
}

export function tokensToWords(ids: number[], probabilities: number[]): TokenWord[] {
  const groups: Array<{ ids: number[]; logProb: number }> = [];
  ids.forEach((id, i) => {
    const piece: string | undefined = llamaTokenizer.vocabById[id];
    if (piece === undefined) return; // ids past the Llama vocabulary are Moonshine's special tokens
    const last = groups[groups.length - 1];
    if (piece.startsWith(WORD_START) || !last) groups.push({ ids: [id], logProb: Math.log(probabilities[i]) });
    else {
      last.ids.push(id);
      last.logProb += Math.log(probabilities[i]);
    }
  });
  const words: TokenWord[] = [];
  for (const g of groups) {
    const text = llamaTokenizer.decode(g.ids, false, false).trim();
    const confidence = Math.exp(g.logProb / g.ids.length);
    const last = words[words.length - 1];
    // A group with no letters or digits ("-", "…") is punctuation: it belongs to the word before.
    if (!/[\p{L}\p{N}]/u.test(text) && last) {
      last.text += text;
      last.confidence = Math.min(last.confidence, confidence);
    } else if (text) words.push({ text, confidence });
  }
  return words;
}
