// The two rules greedy decoding needs beyond the argmax, each measured on the dev set:
//
// - **No empty answer for speech the model half hears.** Every segment reaches the decoder because the
//   VAD heard speech in it, yet on AN4's spoken digits tiny often puts the end token first (p 0.33–0.82
//   on 8 of 24 files, whole or VAD-cut): the file comes out empty. Decoding on from the runner-up gives
//   the right digits on every one of them. Silence and noise put the end token first with p ≥ 0.995
//   (white noise at −60…−14 dBFS, a 440 Hz tone; measured), so an end token that sure still ends it.
//   Only for a second of audio or more: a shorter piece (a client that sends Finalize after every
//   20 ms frame) often holds no whole word, and decoding on from the runner-up there invents some
//   ("tshshsh", "high high high"); the AN4 files that came out empty hold 1.6 s of speech or more.
//   And only to a runner-up the model finds plausible (p ≥ 0.05; on those files 0.07–0.37): base,
//   given 1.3 s of a word's tail and silence, puts the end at 0.8 and "Oh" second at 0.02.
// - **No loops.** On speech the model cannot follow (real speech spliced out of order, a test's fuzz),
//   tiny falls into repeating a phrase or a number until the token budget: "18th and 18th and …",
//   "3. Have an ozone. 3. Have an ozone. …" (24 of 60 such clips). A loop is cut after its first copy.
//   Speech repeats too ("that that", "no, no, no", "eight, eight, eight, eight" in a phone number, a
//   card number read in groups: "one one one one, one one one one, one one one one"), so a short
//   unit must repeat many times before it counts, and a unit of digits more still. The cut falls at a word's end: a loop is
//   found at any rotation of its unit ("th. A 3" in "A 3th. A 3th. …"), so its first copy may end
//   inside a word, which is then kept whole (unless the whole loop is one word).
import llamaTokenizer from 'llama-tokenizer-js';

export const END_TOKEN = 2;

/** An end token put first with less probability than this is passed over (see above)… */
const SURE_END = 0.9;
/** …in a decode of at least this much audio, for a runner-up at least this likely. */
export const UNSURE_END_MIN_SECONDS = 1;
const MIN_RUNNER_UP = 0.05;
/** A unit of this many tokens or more is a loop at its third copy ("and could hold it." ×3)… */
const PHRASE_TOKENS = 3;
const PHRASE_COPIES = 3;
/** …a shorter one (a word, "no,") only at its eighth… */
const WORD_COPIES = 8;
/**
 * …and one of digits and punctuation only ("16.", "one,", "one one one one,") at its fifth and past
 * 19 digits' worth of tokens, the longest card number: "16. 16. 16. 16. 16." is a loop.
 */
const DIGIT_COPIES = 5;
const DIGIT_TOKENS = 20;
/** Longest unit looked for: a sentence-long loop has been seen at ~20 tokens. */
const MAX_UNIT_TOKENS = 40;

export interface Choice {
  token: number;
  probability: number;
}

/**
 * Greedy choice at one position from its logits, each raised by its boost if it has one (keyterms);
 * the probability kept for word confidence is the model's own (softmax of the plain logits).
 * `passOverUnsureEnd`: this is the first position of a decode of UNSURE_END_MIN_SECONDS or more.
 */
export function chooseToken(logits: Float32Array, offset: number, size: number, passOverUnsureEnd: boolean, boosts?: ReadonlyMap<number, number>): Choice {
  // The plain argmax, and the best token that is not the end, in one pass.
  let best = 0;
  let bestWord = -1;
  for (let i = 1; i < size; i++) {
    const value = logits[offset + i];
    if (value > logits[offset + best]) best = i;
    if (i !== END_TOKEN && (bestWord === -1 || value > logits[offset + bestWord])) bestWord = i;
  }
  const max = logits[offset + best];
  if (boosts) {
    const raised = (t: number) => logits[offset + t] + (boosts.get(t) ?? 0);
    for (const token of boosts.keys()) {
      if (raised(token) > raised(best)) best = token;
      if (raised(token) > raised(bestWord)) bestWord = token;
    }
  }
  let sum = 0;
  for (let i = 0; i < size; i++) sum += Math.exp(logits[offset + i] - max);
  const probability = (token: number) => Math.exp(logits[offset + token] - max) / sum;
  if (passOverUnsureEnd && best === END_TOKEN && probability(END_TOKEN) < SURE_END && probability(bestWord) >= MIN_RUNNER_UP) best = bestWord;
  return { token: best, probability: probability(best) };
}

/** Moonshine's vocabulary is Llama's SentencePiece one: a piece starting with "▁" starts a word. */
const piece = (id: number): string | undefined => llamaTokenizer.vocabById[id];
/** A token as copies are compared: "▁And" is "▁and". */
const key = (id: number): string => piece(id)?.toLowerCase() ?? String(id);
const startsWord = (id: number): boolean => piece(id)?.startsWith('▁') ?? true;
const NUMERIC_PIECE = /^▁?([0-9]+|zero|one|two|three|four|five|six|seven|eight|nine|oh|[,.\-:])?$/i;
const numeric = (id: number): boolean => NUMERIC_PIECE.test(piece(id) ?? 'x');

/** How many copies of a unit of `ids` make a loop. */
function loopCopies(unit: readonly number[]): number {
  if (unit.every(numeric)) return Math.max(DIGIT_COPIES, Math.ceil(DIGIT_TOKENS / unit.length));
  return unit.length >= PHRASE_TOKENS ? PHRASE_COPIES : WORD_COPIES;
}

/**
 * Where a loop that `ids` now ends in should be cut (the length to keep: its first copy, to the end
 * of the word it ends in), or undefined. Only the end is examined, after each new token, so a loop
 * is found the moment it forms; the work is bounded by MAX_UNIT_TOKENS × the copies looked at.
 */
export function loopCut(ids: readonly number[]): number | undefined {
  const end = ids.length;
  const same = (a: number, b: number) => ids[a] === ids[b] || key(ids[a]) === key(ids[b]);
  for (let unit = 1; unit <= MAX_UNIT_TOKENS && unit * PHRASE_COPIES <= end; unit++) {
    // Nearly every step ends no loop: its last token differs from the one a unit back.
    if (!same(end - 1, end - 1 - unit)) continue;
    const copies = loopCopies(ids.slice(end - unit));
    if (ids.length < unit * copies) continue;
    let repeats = true;
    for (let i = end - unit * copies; i < end - unit && repeats; i++) repeats = same(i, i + unit);
    if (!repeats) continue;
    // To the end of the word the first copy ends in, unless the loop is one word ("10-10-10-…").
    const cut = end - unit * (copies - 1);
    for (let k = cut; k < cut + unit; k++) if (startsWord(ids[k])) return k;
    return cut;
  }
  return undefined;
}
