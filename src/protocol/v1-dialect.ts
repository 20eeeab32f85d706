// /v1/listen's messages: a Results per window, SpeechStarted and UtteranceEnd as asked, Metadata at
// the end, and the v1 Configure (keyterms, numerals). Deepgram's schema for each is in server-messages.ts.
import type { StreamSettings, WindowResult } from '../engines/recognizer.js';
import type { TextOptions } from '../formatting/format-words.js';
import type { ControlType } from './client-messages.js';
import { planConfigure, refuseConfigure } from './configure.js';
import type { ListenOptions } from './listen-options.js';
import { metadataMessage, resultsMessage, schemaErrorMessage, speechStartedMessage, utteranceEndMessage } from './server-messages.js';
import type { DialectContext, StreamDialect, StreamTotals } from './stream-dialect.js';

export interface V1Policy {
  /** Segment gap used when the client disables endpointing. */
  unendpointedGapMs: number;
}

export class V1Dialect implements StreamDialect {
  readonly controlTypes: readonly ControlType[] = ['KeepAlive', 'Finalize', 'CloseStream', 'Configure'];
  /** The request's keyterms and text options, until a Configure changes them. */
  private keyterms: readonly string[];
  private text: TextOptions;

  constructor(
    private readonly context: DialectContext,
    private readonly options: ListenOptions,
    private readonly policy: V1Policy,
  ) {
    this.keyterms = options.keyterms;
    this.text = options.text;
  }

  streamSettings(base: Pick<StreamSettings, 'streamId' | 'live'>): StreamSettings {
    const { options, policy } = this;
    const { capabilities } = this.context.recognizer;
    const interimResults = options.interimResults && capabilities.interimResults;
    const endpointMs = options.endpointingMs === false ? policy.unendpointedGapMs : options.endpointingMs;
    return {
      ...base,
      keyterms: capabilities.keyterms ? this.keyterms : undefined,
      interimResults,
      endSilenceSeconds: endpointMs / 1000,
      speechFinalOnEndpoint: options.endpointingMs !== false,
      // Deepgram sends UtteranceEnd only with interim results on.
      utteranceEndSeconds: interimResults && options.utteranceEndMs !== undefined ? options.utteranceEndMs / 1000 : undefined,
    };
  }

  result(channel: [number, number], window: WindowResult): void {
    const { requestId, recognizer } = this.context;
    this.context.send(resultsMessage({ channel, window, text: this.text }, requestId, recognizer.info, this.options.extra));
  }

  speechStarted(channel: [number, number], seconds: number): void {
    if (this.options.vadEvents) this.context.send(speechStartedMessage(channel, seconds));
  }

  utteranceEnd(channel: [number, number], lastWordEnd: number): void {
    this.context.send(utteranceEndMessage(channel, lastWordEnd));
  }

  /** Applied, or nothing changed; either way exactly one answer. */
  configure(fields: Record<string, unknown>): void {
    const { recognizer, requestId, log } = this.context;
    const plan = planConfigure(fields, { keyterms: this.keyterms, numerals: this.text.numerals }, recognizer.capabilities.keyterms);
    if (!plan.ok) return refuseConfigure(this.context, (answer) => this.context.send(answer), fields, plan.description);
    this.keyterms = plan.next.keyterms;
    // smart_format writes digits whatever numerals says (formatNumbers), as at the handshake.
    this.text = { ...this.text, numerals: plan.next.numerals };
    if (plan.keytermsReplaced) this.context.setKeyterms(this.keyterms);
    log.info({ keyterms: plan.keytermsReplaced ? this.keyterms.length : undefined, numerals: this.text.numerals }, 'Configure applied');
    this.context.send({ type: 'ConfigureSuccess', request_id: requestId, ...(plan.keytermsReplaced ? { keyterms: [...this.keyterms] } : {}) });
  }

  unparsable(description: string, original: string): undefined {
    this.context.send(schemaErrorMessage(description, original));
    return undefined;
  }

  finished(totals: StreamTotals): void {
    const { requestId, recognizer } = this.context;
    this.context.send(metadataMessage({ requestId, ...totals, model: recognizer.info, extra: this.options.extra }));
  }
}
