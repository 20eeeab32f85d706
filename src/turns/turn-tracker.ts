// One speaker's turns, folded from what a recognizer stream says (its windows of words, its speech
// starts) and the audio clock. A pure state machine: no timers, no I/O; the audio clock is the
// only time it knows, so a stream fed faster than real time ends its turns at the same places.
//
//            words ──► StartOfTurn ─┐
//   (no turn) ◄─────────────────────┤ speaking ── words, or UPDATE_SECONDS of audio ──► Update
//       ▲                           │   │ silence, confidence ≥ eager ──► EagerEndOfTurn ──┐
//       │                           │   │                                                  │ speech starts
//       │                           │   ◄──────────────────────────── TurnResumed ◄────────┘
//       └──── EndOfTurn ◄───────────┴── silence, confidence ≥ eot (trigger "model"),
//             turn_index + 1            or silence ≥ eot_timeout_ms ("timeout"), ForceEndTurn ("manual"),
//                                       the stream closing ("close_stream")
//
// "Silence" begins at the last word of the turn's latest final, and only once no speech the VAD
// heard is waiting to be finalized: EagerEndOfTurn and EndOfTurn always carry the final
// transcript, never a guess from an interim. Their confidence is end-of-turn.ts's.
import type { TimedWord, WindowResult } from '../engines/recognizer.js';
import { endOfTurnConfidence, turnEnding } from './end-of-turn.js';

/** Flux reports an open turn about every 0.25 s of audio, words or not: its Update cadence, here and for the interims. */
export const UPDATE_SECONDS = 0.25;

export interface TurnThresholds {
  /** Confidence at which the turn ends (0.5–1; at 1 the model never ends one). */
  eotThreshold: number;
  /** Confidence at which an EagerEndOfTurn goes out first (0.3–0.9), or none. */
  eagerEotThreshold?: number;
  /** Silence after which the turn ends whatever the confidence. */
  eotTimeoutMs: number;
}

export type TurnEventName = 'StartOfTurn' | 'Update' | 'EagerEndOfTurn' | 'TurnResumed' | 'EndOfTurn';
export type TurnTrigger = 'model' | 'timeout' | 'manual' | 'close_stream';

export interface TurnEvent {
  event: TurnEventName;
  turnIndex: number;
  /** The audio of the turn so far, in seconds on the stream's clock: turns tile the stream. */
  windowStart: number;
  windowEnd: number;
  /**
   * The turn's words as the recognizer's windows gave them: each final's, then the latest interim's.
   * The same arrays from event to event, so each can be formatted once however long the turn.
   */
  segments: readonly (readonly TimedWord[])[];
  confidence: number;
  /** EndOfTurn only: what ended it. */
  trigger?: TurnTrigger;
}

export class TurnTracker {
  private turnIndex = 0;
  private open = false;
  private windowStart = 0;
  private windowEnd = 0;
  /** The words of each of the turn's finals that has any; the latest one's ending sets the pace of the confidence. */
  private finals: TimedWord[][] = [];
  private interimWords: TimedWord[] = [];
  private finalWordCount = 0;
  /** Where the latest speech the VAD heard began, while no final has covered it yet. */
  private speechSince?: number;
  private eagerSent = false;
  private clock = 0;
  /** The audio clock at the last event told. */
  private toldAt = 0;

  constructor(
    private current: TurnThresholds,
    private readonly emit: (event: TurnEvent) => void,
  ) {}

  get thresholds(): TurnThresholds {
    return this.current;
  }

  /** New thresholds judge the silence already heard. */
  setThresholds(thresholds: TurnThresholds): void {
    this.current = thresholds;
    this.judge();
  }

  speechStarted(at: number): void {
    this.speechSince = at;
    if (!this.eagerSent) return;
    this.eagerSent = false;
    this.tell('TurnResumed');
  }

  result(window: WindowResult): void {
    if (!this.open) this.windowStart = window.start;
    const before = this.wordCount;
    if (window.isFinal) {
      this.interimWords = [];
      if (window.words.length > 0) {
        this.finals.push(window.words);
        this.finalWordCount += window.words.length;
      }
      // A final at an endpoint covers the speech that began inside its window; a cut at the
      // length limit does not end the speech.
      if ((window.speechFinal || window.fromFinalize) && this.speechSince !== undefined && this.speechSince < window.end) this.speechSince = undefined;
    } else this.interimWords = window.words;
    this.windowEnd = Math.max(this.windowEnd, window.end);
    if (!this.open && this.wordCount > 0) {
      this.open = true;
      this.tell('StartOfTurn');
    } else if (this.open && (this.wordCount !== before || window.words.length > 0)) {
      if (this.eagerSent) {
        this.eagerSent = false;
        this.tell('TurnResumed');
      }
      this.tell('Update');
    }
    this.judge();
  }

  /** The recognizer has judged the audio up to `seconds`. */
  heard(seconds: number): void {
    this.clock = Math.max(this.clock, seconds);
    this.judge();
    if (this.open && this.clock - this.toldAt >= UPDATE_SECONDS) this.tell('Update');
  }

  /** Ends the open turn now (ForceEndTurn, or the stream closing), if there is one. */
  end(trigger: Extract<TurnTrigger, 'manual' | 'close_stream'>): void {
    if (this.open) this.endTurn(trigger);
  }

  private get wordCount(): number {
    return this.finalWordCount + this.interimWords.length;
  }

  private get silence(): number {
    const last = this.finals.at(-1)?.at(-1);
    if (!this.open || this.speechSince !== undefined || this.interimWords.length > 0 || !last) return 0;
    return Math.max(0, this.clock - last.end);
  }

  private get confidence(): number {
    return endOfTurnConfidence(this.silence, turnEnding(this.finals.at(-1) ?? []));
  }

  private judge(): void {
    if (!this.open) return;
    const { eotThreshold, eagerEotThreshold, eotTimeoutMs } = this.current;
    const confidence = this.confidence;
    if (eagerEotThreshold !== undefined && !this.eagerSent && confidence >= eagerEotThreshold) {
      this.eagerSent = true;
      this.tell('EagerEndOfTurn');
    }
    if (eotThreshold < 1 && confidence >= eotThreshold) this.endTurn('model');
    else if (this.silence > 0 && this.silence * 1000 >= eotTimeoutMs) this.endTurn('timeout');
  }

  private endTurn(trigger: TurnTrigger): void {
    this.tell('EndOfTurn', trigger);
    this.turnIndex++;
    this.open = false;
    this.eagerSent = false;
    this.finals = [];
    this.interimWords = [];
    this.finalWordCount = 0;
    this.windowStart = this.windowEnd;
  }

  private tell(event: TurnEventName, trigger?: TurnTrigger): void {
    this.toldAt = this.clock;
    this.emit({
      event,
      turnIndex: this.turnIndex,
      windowStart: this.windowStart,
      windowEnd: this.windowEnd,
      segments: this.interimWords.length > 0 ? [...this.finals, this.interimWords] : [...this.finals],
      confidence: this.confidence,
      ...(trigger ? { trigger } : {}),
    });
  }
}
