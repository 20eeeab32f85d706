// Deepgram's pre-recorded response, built from the finals of a whole file: per channel the joined
// transcript and every word; `utterances` split where the silence between words reaches utt_split;
// `paragraphs` of sentences (told by their final punctuation) split at longer pauses.
import { randomUUID } from 'node:crypto';
import type { MetadataMessage } from '../protocol/server-messages.js';
import type { SearchResult } from '../formatting/search.js';
import { mendSeams } from '../formatting/seams.js';
import { SENTENCE_END } from '../formatting/word-spans.js';
import type { ResultWord } from '../protocol/transcript-format.js';
import type { PrerecordedOptions, Warning } from './prerecorded-options.js';
import type { FileTranscription } from './transcribe-file.js';

interface Sentence {
  text: string;
  start: number;
  end: number;
}

interface Paragraph {
  sentences: Sentence[];
  num_words: number;
  start: number;
  end: number;
}

interface Alternative {
  transcript: string;
  confidence: number;
  words: ResultWord[];
  paragraphs?: { transcript: string; paragraphs: Paragraph[] };
}

export interface Utterance {
  id: string;
  channel: number;
  start: number;
  end: number;
  confidence: number;
  transcript: string;
  words: ResultWord[];
}

export interface PrerecordedResponse {
  metadata: Omit<MetadataMessage, 'type'> & { warnings?: Warning[] };
  results: { channels: Array<{ alternatives: Alternative[]; search?: SearchResult[] }>; utterances?: Utterance[] };
}

/** A pause at least this long between sentences starts a new paragraph. */
const PARAGRAPH_PAUSE_SECONDS = 1.5;

export function prerecordedResponse({ finals, metadata }: FileTranscription, options: PrerecordedOptions): PrerecordedResponse {
  const { punctuate, search } = options.listen.text;
  const finalWords: ResultWord[][][] = Array.from({ length: metadata.channels }, () => []);
  // Each term's hits over the whole file: those of every final, best first.
  const searches: SearchResult[][] = Array.from({ length: metadata.channels }, () => search.map((query) => ({ query, hits: [] })));
  for (const final of finals) {
    const [channel] = final.channel_index;
    finalWords[channel].push(final.channel.alternatives[0].words);
    final.channel.search?.forEach((result, i) => searches[channel][i].hits.push(...result.hits));
  }
  for (const result of searches.flat()) result.hits.sort((a, b) => b.confidence - a.confidence);
  const words = finalWords.map(mendSeams);
  const { type: _type, ...meta } = metadata;
  return {
    metadata: options.warnings.length > 0 ? { ...meta, warnings: options.warnings } : meta,
    results: {
      channels: words.map((channelWords, channel) => {
        const transcript = channelWords.map((w) => (punctuate ? w.punctuated_word : w.word)).join(' ');
        const alternative: Alternative = { transcript, confidence: meanConfidence(channelWords), words: channelWords };
        if (options.paragraphs) alternative.paragraphs = paragraphsOf(channelWords);
        return search.length > 0 ? { search: searches[channel], alternatives: [alternative] } : { alternatives: [alternative] };
      }),
      ...(options.utterances ? { utterances: utterancesOf(words, options.uttSplitSeconds, punctuate) } : {}),
    },
  };
}

function meanConfidence(words: ResultWord[]): number {
  return words.length === 0 ? 0 : words.reduce((sum, w) => sum + w.confidence, 0) / words.length;
}

/** Runs of words with no pause of `gap` seconds or more inside; all channels, by start time. */
function utterancesOf(channels: ResultWord[][], gap: number, punctuate: boolean): Utterance[] {
  const utterances = channels.flatMap((words, channel) =>
    splitRuns(words, (previous, next) => next.start - previous.end >= gap).map((run) => ({
      id: randomUUID(),
      channel,
      start: run[0].start,
      end: run.at(-1)!.end,
      confidence: meanConfidence(run),
      transcript: run.map((w) => (punctuate ? w.punctuated_word : w.word)).join(' '),
      words: run,
    })),
  );
  return utterances.sort((a, b) => a.start - b.start);
}

function paragraphsOf(words: ResultWord[]): { transcript: string; paragraphs: Paragraph[] } {
  const sentences = splitRuns(words, (previous) => SENTENCE_END.test(previous.punctuated_word));
  const paragraphs = splitRuns(sentences, (previous, next) => next[0].start - previous.at(-1)!.end >= PARAGRAPH_PAUSE_SECONDS).map((run) => ({
    sentences: run.map((s) => ({ text: s.map((w) => w.punctuated_word).join(' '), start: s[0].start, end: s.at(-1)!.end })),
    num_words: run.reduce((n, s) => n + s.length, 0),
    start: run[0][0].start,
    end: run.at(-1)!.at(-1)!.end,
  }));
  // Deepgram's paragraph transcript opens with a line break and puts a blank line between paragraphs.
  const transcript = paragraphs.map((p) => `\n${p.sentences.map((s) => s.text).join(' ')}`).join('\n');
  return { transcript, paragraphs };
}

/** Splits `items` into runs, starting a new run before each item for which `breaksBefore` holds. */
function splitRuns<T>(items: T[], breaksBefore: (previous: T, next: T) => boolean): T[][] {
  const runs: T[][] = [];
  for (const item of items) {
    const run = runs.at(-1);
    if (run && !breaksBefore(run.at(-1)!, item)) run.push(item);
    else runs.push([item]);
  }
  return runs;
}
