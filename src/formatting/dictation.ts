// `dictation=true` (with `punctuate`, as Deepgram requires): spoken punctuation commands become the
// marks ("hello comma world period" → "Hello, world."). The mark said replaces whatever punctuation
// the model put on the word before it, a sentence's end capitalizes the next word, and after a
// determiner the word stays a word ("a period of time", "the comma").
import type { TimedWord } from '../engines/recognizer.js';
import { capitalized, saidAt, SENTENCE_END, splitWord } from './word-spans.js';

/** Each command's words and its mark; the longest match wins ("question mark" before "mark"). */
const COMMANDS: Array<[string[], string]> = [
  [['question', 'mark'], '?'],
  [['exclamation', 'point'], '!'],
  [['exclamation', 'mark'], '!'],
  [['full', 'stop'], '.'],
  [['period'], '.'],
  [['comma'], ','],
  [['colon'], ':'],
  [['semicolon'], ';'],
];
const DETERMINERS = new Set(['a', 'an', 'the', 'this', 'that', 'every', 'each', 'no', 'any', 'some', 'one', 'another']);

export function applyDictation(words: TimedWord[]): TimedWord[] {
  const cores = words.map((w) => splitWord(w.text).core.toLowerCase());
  const out: TimedWord[] = [];
  let sentenceEnded = false;
  for (let i = 0; i < words.length; i++) {
    const command = COMMANDS.find(([said]) => saidAt(cores, i, said));
    const previous = out.at(-1);
    if (!command || !previous || DETERMINERS.has(splitWord(previous.text).core.toLowerCase())) {
      out.push(sentenceEnded ? { ...words[i], text: capitalized(words[i].text) } : words[i]);
      sentenceEnded = false;
      continue;
    }
    // The mark goes on the word before, in place of the model's own; the word spans the command's time.
    const [said, mark] = command;
    const { lead, core } = splitWord(previous.text);
    out[out.length - 1] = { ...previous, text: `${lead}${core}${mark}`, end: words[i + said.length - 1].end };
    sentenceEnded = SENTENCE_END.test(mark);
    i += said.length - 1;
  }
  return out;
}
