// Says in the log when the engine as a whole falls behind real time, and when it catches up. Per
// stream, back-pressure already logs its pauses; this is the server-wide view an operator acts on
// (more workers, more replicas, a lower --max-streams). Behind: a final decode has waited for a
// worker longer than BEHIND_AFTER_S, so finals reach clients that much late. Caught up: no check
// has seen that for CAUGHT_UP_AFTER_MS.
import type { Logger } from 'pino';
import type { Recognizer } from '../engines/recognizer.js';

const CHECK_INTERVAL_MS = 1000;
const BEHIND_AFTER_S = 2;
const CAUGHT_UP_AFTER_MS = 10_000;

export class EngineWatch {
  private timer?: NodeJS.Timeout;
  /** When the current episode began and when a final was last seen waiting too long; undefined when keeping up. */
  private behind?: { since: number; lastSeen: number; worstWaitSeconds: number };

  constructor(
    private readonly recognizer: Recognizer,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.check(), CHECK_INTERVAL_MS).unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private check(): void {
    const { finalWaitSeconds, queued, workers } = this.recognizer.stats();
    const now = performance.now();
    if (finalWaitSeconds > BEHIND_AFTER_S) {
      if (!this.behind) {
        this.behind = { since: now, lastSeen: now, worstWaitSeconds: finalWaitSeconds };
        this.log.warn(
          { finalWaitSeconds: round(finalWaitSeconds), queuedDecodes: queued, workers },
          `the engine is behind real time: a final has waited ${round(finalWaitSeconds)} s for a worker. Add --workers (one per core) or replicas, or lower --max-streams`,
        );
      }
      this.behind.lastSeen = now;
      this.behind.worstWaitSeconds = Math.max(this.behind.worstWaitSeconds, finalWaitSeconds);
    } else if (this.behind && now - this.behind.lastSeen >= CAUGHT_UP_AFTER_MS) {
      this.log.info({ behindSeconds: round((this.behind.lastSeen - this.behind.since) / 1000), worstFinalWaitSeconds: round(this.behind.worstWaitSeconds) }, 'the engine has caught up with real time');
      this.behind = undefined;
    }
  }
}

const round = (seconds: number) => Math.round(seconds * 10) / 10;
