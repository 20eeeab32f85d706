// How sure we are that a speaker has finished their turn: the silence since their last word,
// weighed by what the words say. Earshot has no turn-taking model (Flux's is trained on
// conversations); what a segment decoder gives is the words, cased and punctuated, and the audio
// clock. So the confidence is the chance that the silence goes on, growing with its length at a
// pace set by how the turn's latest segment ends:
//
//   finished    a sentence's end (. ? !) after three words or more        SCALE.finished
//   unfinished  no terminal mark, or a comma; or a mark after a number or
//               a one- or two-word fragment (Moonshine ends every segment
//               with a period: "Lived." "Six, five, five." are cuts at
//               pauses)                                                   SCALE.unfinished
//   open        a word that cannot end a sentence ("and", "to", "the",
//               "um", "I'd", …), or ; : – … after the last word           SCALE.open
//
//   confidence = 1 − 2^(−(silence / scale)^SHAPE)
//
// It is 0.5 when the silence equals the scale, so an EagerEndOfTurn at 0.5 goes out as soon as the
// final is decoded; SHAPE < 1 makes it climb slowly after that, so that eot_threshold is a real
// choice between speed and false ends: at the default 0.7 a finished sentence ends its turn after
// 0.5 s of silence, at 0.8 after 0.95 s, at 0.9 after 2 s.
//
// A trailing comma is weak evidence: Moonshine-tiny ends the same finished sentence with a comma or
// a full stop by chance (kathleen_arctic_a0031, "They were three hundred yards apart", decoded after
// 0.1, 0.3, 0.5 and 1 s of leading silence: , . , ,), so a comma waits as a cut does, not as "and".
//
// Calibrated on the dev set's utterances (scripts/bench/turn-runs.ts prints the figures): their
// pauses inside an utterance after a fragment, a number or a comma were all under 0.6 s (the VAD's
// onset included), so those wait 0.65 s; after an open word under 0.5 s, which waits 1.2 s; pauses
// after a finished sentence inside an audiobook reading run to 1.7 s, which text alone cannot tell
// from an end of turn (see the README's limits).
import type { TimedWord } from '../engines/recognizer.js';

export type TurnEnding = 'finished' | 'unfinished' | 'open';

const SHAPE = 0.46;
/** The silence, in seconds, at which each ending reaches confidence 0.5. */
const SCALE: Record<TurnEnding, number> = { finished: 0.15, unfinished: 0.195, open: 0.36 };
/** A segment this short that "ends a sentence" is most often a phrase cut at a pause. */
const FRAGMENT_WORDS = 2;

/**
 * Words after which English goes on: conjunctions, prepositions, articles and determiners, subject
 * pronouns and auxiliaries, and fillers. A model's period after one of them ("I want to.") is a
 * decode of a cut-off phrase, not the end of a sentence.
 */
const GOES_ON = new Set(
  (
    'and but or nor so because cause if that which who whom whose when while whereas although though unless until than as ' +
    'to of in on at for with from by about into onto over under after before between through during without like ' +
    'a an the my your our their his her its this these those some any every each no another ' +
    "i you we they he she it i'm you're we're they're he's she's it's i'd you'd we'd i'll you'll we'll i've you've we've " +
    'is are was were am be been being have has had do does did will would can could should shall may might must ' +
    "um umm uh uhh er erm hmm mm ah eh well let's"
  ).split(' '),
);

const NUMBER_WORD = /^(\d+|zero|oh|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|(thir|four|fif|six|seven|eigh|nine)teen|(twen|thir|for|fif|six|seven|eigh|nine)ty|hundred|thousand|million)$/;

/** The word without its punctuation and case, as GOES_ON spells it. */
function bare(word: string): string {
  return word.toLowerCase().replace(/[’]/g, "'").replace(/^[^a-z0-9']+|[^a-z0-9']+$/g, '');
}

/** `segment`: the words of the turn's latest final that has any. */
export function turnEnding(segment: readonly TimedWord[]): TurnEnding {
  const last = segment.at(-1)?.text.trim();
  if (!last) return 'open';
  if (/[;:\-–—]$|\.\.\.$|…$/.test(last) || GOES_ON.has(bare(last))) return 'open';
  if (!/[.?!]["')\]]*$/.test(last)) return 'unfinished';
  return segment.length <= FRAGMENT_WORDS || NUMBER_WORD.test(bare(last)) ? 'unfinished' : 'finished';
}

/** 0 while speech goes on; tends to 1 as the silence after the turn's words grows. */
export function endOfTurnConfidence(silenceSeconds: number, ending: TurnEnding): number {
  if (silenceSeconds <= 0) return 0;
  return 1 - 2 ** -((silenceSeconds / SCALE[ending]) ** SHAPE);
}
