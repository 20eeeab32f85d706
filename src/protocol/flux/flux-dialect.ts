// /v2/listen's messages (Deepgram's Flux): Connected, then TurnInfo for each turn event the
// TurnTracker finds in the recognizer's windows, Configure answers, and a fatal Error before a
// close for cause. The audio path, limits and failures are the Session's, as on /v1/listen.
//
// Where Earshot differs from Deepgram's Flux, on purpose: CloseStream ends the open turn with an
// EndOfTurn (trigger "close_stream") and closes with 1000, so the last words are a final transcript
// and the SDK, which reconnects on any other code, does not reconnect.
import type { StreamSettings, WindowResult } from '../../engines/recognizer.js';
import { TurnTracker, UPDATE_SECONDS } from '../../turns/turn-tracker.js';
import type { ControlType } from '../client-messages.js';
import { failures, type StreamFailure, type StreamFailureCode } from '../failure-codes.js';
import type { DialectContext, StreamDialect } from '../stream-dialect.js';
import { refuseConfigure } from '../configure.js';
import { planFluxConfigure } from './flux-configure.js';
import { turnInfoMessage, TurnWordFormatter, type FluxMessage, type FluxThresholds, type UnnumberedFluxMessage } from './flux-messages.js';
import type { FluxOptions } from './flux-options.js';

export class FluxDialect implements StreamDialect {
  readonly controlTypes: readonly ControlType[] = ['CloseStream', 'Configure', 'ForceEndTurn', 'KeepAlive'];
  private sequence = 0;
  private readonly tracker: TurnTracker;
  private readonly formatter: TurnWordFormatter;
  private keyterms: readonly string[];

  constructor(
    private readonly context: DialectContext,
    options: FluxOptions,
  ) {
    this.keyterms = options.listen.keyterms;
    this.formatter = new TurnWordFormatter(options.listen.text);
    this.tracker = new TurnTracker(options.thresholds, (turn) => this.send(turnInfoMessage(turn, context.requestId, this.formatter.words(turn.segments))));
  }

  streamSettings(base: Pick<StreamSettings, 'streamId' | 'live'>): StreamSettings {
    const { capabilities } = this.context.recognizer;
    return {
      ...base,
      keyterms: capabilities.keyterms ? this.keyterms : undefined,
      interimResults: capabilities.interimResults,
      // New words as often as Flux's Updates, when the engine has time.
      interimIntervalSeconds: UPDATE_SECONDS,
      // The recognizer's shortest pause ends a segment: the tracker, not the segmenter, decides when the turn ends.
      endSilenceSeconds: 0,
      speechFinalOnEndpoint: true,
    };
  }

  opened(): void {
    this.send({ type: 'Connected', request_id: this.context.requestId });
  }

  result(_channel: [number, number], window: WindowResult): void {
    this.tracker.result(window);
  }

  speechStarted(_channel: [number, number], seconds: number): void {
    this.tracker.speechStarted(seconds);
  }

  heard(seconds: number): void {
    this.tracker.heard(seconds);
  }

  configure(fields: Record<string, unknown>): void {
    const { recognizer, requestId, log } = this.context;
    const plan = planFluxConfigure(fields, { thresholds: this.tracker.thresholds, keyterms: this.keyterms, numerals: this.formatter.text.numerals }, recognizer.capabilities.keyterms);
    if (!plan.ok) return refuseConfigure(this.context, (answer) => this.send(answer), fields, plan.description);
    this.keyterms = plan.next.keyterms;
    this.formatter.setText({ ...this.formatter.text, numerals: plan.next.numerals });
    if (plan.keytermsReplaced) this.context.setKeyterms(this.keyterms);
    const { eotThreshold, eagerEotThreshold, eotTimeoutMs } = plan.next.thresholds;
    const thresholds: FluxThresholds = { eot_threshold: eotThreshold, eot_timeout_ms: eotTimeoutMs, ...(eagerEotThreshold !== undefined ? { eager_eot_threshold: eagerEotThreshold } : {}) };
    log.info({ thresholds, keyterms: this.keyterms.length, numerals: plan.next.numerals }, 'Configure applied');
    this.send({ type: 'ConfigureSuccess', request_id: requestId, thresholds, keyterms: [...this.keyterms] });
    this.tracker.setThresholds(plan.next.thresholds);
  }

  forceEndTurn(): void {
    this.tracker.end('manual');
  }

  /** Flux ends the stream: its Error (from failing) says what came. */
  unparsable(): StreamFailureCode {
    return 'UNPARSABLE_CLIENT_MESSAGE';
  }

  finished(): void {
    this.tracker.end('close_stream');
  }

  failing(code: StreamFailureCode, detail: string): void {
    const failure: StreamFailure = failures[code];
    this.send({ type: 'Error', code: failure.fluxCode ?? code, description: `${detail}. ${failure.fix}` });
  }

  private send(message: UnnumberedFluxMessage): void {
    this.context.send({ ...message, sequence_id: this.sequence++ } as FluxMessage);
  }
}
