// `profanity_filter=true`: profane words masked with asterisks, as Deepgram masks them ("****"). The
// word list and its matching (leetspeak, repeated letters, and no false hits inside "Scunthorpe" or
// "assassin") are obscenity's English dataset.
import { englishDataset, englishRecommendedTransformers, RegExpMatcher } from 'obscenity';
import type { TimedWord } from '../engines/recognizer.js';
import { splitWord } from './word-spans.js';

const matcher = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });

export function maskProfanity(words: TimedWord[]): TimedWord[] {
  return words.map((w) => {
    const { lead, core, trail } = splitWord(w.text);
    return matcher.hasMatch(core) ? { ...w, text: `${lead}${'*'.repeat(core.length)}${trail}` } : w;
  });
}
