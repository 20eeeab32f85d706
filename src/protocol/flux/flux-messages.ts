// The JSON messages Earshot sends on /v2/listen, shaped as @deepgram/sdk v5's listen.v2 types
// (ListenV2Connected, ListenV2TurnInfo, ListenV2ConfigureSuccess/Failure, ListenV2FatalError).
// Every message carries `sequence_id`, from 0, one more per message: FluxDialect numbers them.
import type { TimedWord } from '../../engines/recognizer.js';
import { formatWords, type TextOptions } from '../../formatting/format-words.js';
import { plainWord } from '../../formatting/word-spans.js';
import type { TurnEvent } from '../../turns/turn-tracker.js';
import { seconds } from '../transcript-format.js';

export interface FluxWord {
  /** Cased and punctuated, as Flux writes every word. */
  word: string;
  confidence: number;
  start: number;
  end: number;
}

export interface FluxThresholds {
  eot_threshold: number;
  eager_eot_threshold?: number;
  eot_timeout_ms: number;
}

export type FluxMessage =
  | { type: 'Connected'; request_id: string; sequence_id: number }
  | {
      type: 'TurnInfo';
      request_id: string;
      sequence_id: number;
      event: TurnEvent['event'];
      turn_index: number;
      audio_window_start: number;
      audio_window_end: number;
      transcript: string;
      words: FluxWord[];
      end_of_turn_confidence: number;
      trigger?: string;
    }
  | { type: 'ConfigureSuccess'; request_id: string; sequence_id: number; thresholds: FluxThresholds; keyterms: string[] }
  /** `description` says why (an Earshot addition). */
  | { type: 'ConfigureFailure'; request_id: string; sequence_id: number; description: string }
  | { type: 'Error'; sequence_id: number; code: string; description: string };

/** A message before its place in the stream is known. */
type Unnumbered<M> = M extends unknown ? Omit<M, 'sequence_id'> : never;
export type UnnumberedFluxMessage = Unnumbered<FluxMessage>;

/** Formats a turn's words window by window, as /v1/listen formats each Results' words. */
export class TurnWordFormatter {
  private formatted = new WeakMap<readonly TimedWord[], FluxWord[]>();

  constructor(private options: TextOptions) {}

  get text(): TextOptions {
    return this.options;
  }

  /** New text options (a Configure): every window is formatted again with them. */
  setText(text: TextOptions): void {
    this.options = text;
    this.formatted = new WeakMap();
  }

  /** Each window's words are formatted on the first event that carries them, so a long turn costs no more per event than its length. */
  words(segments: TurnEvent['segments']): FluxWord[] {
    return segments.flatMap((segment) => {
      let words = this.formatted.get(segment);
      if (!words) {
        words = formatWords([...segment], this.options)
          .filter((w) => plainWord(w.text).length > 0)
          .map((w) => ({ word: w.text, confidence: w.confidence, start: seconds(w.start), end: seconds(w.end) }));
        this.formatted.set(segment, words);
      }
      return words;
    });
  }
}

export function turnInfoMessage(turn: TurnEvent, requestId: string, words: FluxWord[]): UnnumberedFluxMessage {
  return {
    type: 'TurnInfo',
    request_id: requestId,
    event: turn.event,
    turn_index: turn.turnIndex,
    audio_window_start: seconds(turn.windowStart),
    audio_window_end: seconds(turn.windowEnd),
    transcript: words.map((w) => w.word).join(' '),
    words,
    end_of_turn_confidence: Math.round(turn.confidence * 1e4) / 1e4,
    ...(turn.trigger ? { trigger: turn.trigger } : {}),
  };
}
