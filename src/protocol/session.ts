// One /v1/listen or /v2/listen stream after its handshake, as a state machine (the messages are its dialect's):
//
//   streaming ──CloseStream / empty frame──► finalizing ──Results, Metadata, 1000──► closed
//       │    ──max duration / server drain──►                                          ▲
//       ├──undecodable audio──► (Results so far, Metadata) ─── 1008 DATA-0000 ─────────┤
//       ├──10 s without frames──► (Results so far, Metadata) ── 1011 NET-0001 ─────────┤
//       ├──engine failure────────────────────────────────────── 1011 NET-0000 ─────────┤
//       ├──client leaves messages unread past the limit──────── 1008 (named) ──────────┤
//       └──client went away──────────────────────────────────── (nothing sent) ────────┘
//
// Inbound frames are handled strictly in arrival order on one task chain, so a Finalize or
// CloseStream always applies to exactly the audio sent before it, and a Configure to the audio sent
// after it. The session needs no network:
// tests drive it with a fake transport and clock.
import { isUtf8 } from 'node:buffer';
import { createHash, type Hash } from 'node:crypto';
import { AudioFormatError, AudioInput } from '../audio/audio-input.js';
import type { ContainerName } from '../audio/containers.js';
import { StreamDiagnostics } from '../diagnostics/stream-diagnostics.js';
import type { RequestRecord } from '../store/request-record.js';
import type { RecognizeStream, Recognizer, WindowResult } from '../engines/recognizer.js';
import { bounded } from './bounded-text.js';
import { parseTextFrame } from './client-messages.js';
import { closeReason, failures, mistakes, StreamError, type FailureCode, type StreamFailureCode } from './failure-codes.js';
import { MAX_CHANNELS, type ListenOptions } from './listen-options.js';
import type { ServerMessage } from './server-messages.js';
import type { DialectContext, SessionLog, StreamDialect } from './stream-dialect.js';
import { V1Dialect } from './v1-dialect.js';

export type SessionState = 'streaming' | 'finalizing' | 'closed';

export interface SessionTransport {
  /** A message for the client; a network transport serializes it, an in-memory one keeps it. */
  send(message: ServerMessage): void;
  close(code: number, reason: string): void;
  /** Stop and restart reading the client's frames (TCP then pushes back on the client). */
  pause?(): void;
  resume?(): void;
  /** Bytes sent to the client that it has not read yet (0 for a transport that does not buffer). */
  unreadBytes?(): number;
}

export interface Clock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface SessionPolicy {
  /** NET-0001 window: no audio yet, or no frame at all once audio has flowed. */
  inactivityTimeoutMs: number;
  /** Let text frames (KeepAlive) keep a stream alive before its first audio (the seed's rule says no). */
  keepAliveBeforeAudio: boolean;
  /** Segment gap used when the client disables endpointing. */
  unendpointedGapMs: number;
  /**
   * A live client's stream, or an uploaded file the server cuts into frames and reads at once. Only
   * a live client's frame sizes and pacing say anything about the client, and only live audio gains
   * from decoding a final before its endpoint confirms it.
   */
  live: boolean;
  /**
   * Audio received but not yet finalized, in seconds, past which the client's frames are not read
   * until the engine catches up: a client sending faster than the engine decodes is slowed down
   * instead of buffered without bound.
   */
  maxBacklogSeconds: number;
  /** Bytes received but not yet read by the VAD, past which the client's frames are not read either. */
  maxQueuedBytes: number;
  /**
   * How long a stream may stay open, in ms (0: no limit). At the limit it ends as a CloseStream
   * would (every Results, Metadata, 1000), with a reason naming the limit, so nothing accepted is lost.
   */
  maxDurationMs: number;
  /**
   * Bytes of messages the client has left unread past which it is disconnected (CLIENT_NOT_READING):
   * messages are never buffered without bound for a client that does not read them.
   */
  maxUnreadBytes: number;
}

export interface SessionDeps {
  requestId: string;
  options: ListenOptions;
  /** Opens one stream per channel: the session knows nothing of how the words are found. */
  recognizer: Recognizer;
  /** What the API says over the stream: /v1/listen's when not given. */
  dialect?: (context: DialectContext) => StreamDialect;
  transport: SessionTransport;
  log: SessionLog;
  policy: SessionPolicy;
  clock?: Clock;
  /** Told once, when the stream has ended for any reason. */
  onClosed?: (outcome: StreamOutcome) => void;
  /** Told how long each final took, from its segment being cut to its Results going out. */
  onFinalLatency?: (seconds: number) => void;
}

export interface StreamOutcome {
  /** The close code sent, or 1005 when the client went away first. */
  code: number;
  reason: string;
  failure?: FailureCode;
}

/** What the request log keeps of a stream. */
export type StreamSummary = Pick<RequestRecord, 'bytesReceived' | 'audioSeconds' | 'format' | 'messagesSent' | 'framesReceived' | 'diagnoses'>;

/** Control messages a client may send by mistake in a binary frame: short, and JSON. */
const LONGEST_CONTROL_FRAME = 64;
/**
 * A frame is decoded and transcribed in slices of at most this many bytes (two seconds of 16 kHz
 * linear16, the frame size of a pre-recorded file, so files are not cut again), yielding to the event loop between them: the largest frame a client may send (8 MB by
 * default, minutes of audio) then never holds up other streams for longer than one slice.
 */
const SLICE_BYTES = 64 * 1024;

export class Session {
  private state: SessionState = 'streaming';
  private readonly created = new Date();
  private readonly hash: Hash = createHash('sha256');
  private readonly input: AudioInput;
  private transcribers: RecognizeStream[] = [];
  private tasks: Promise<void> = Promise.resolve();
  private timer: unknown;
  private lifetime: unknown;
  private audioSeen = false;
  private bytesIn = 0;
  private readonly clock: Clock;
  private readonly diagnostics: StreamDiagnostics;
  private readonly messagesSent: Record<string, number> = {};
  private readonly framesReceived: Record<string, number> = {};
  private container?: ContainerName;
  private format?: string;
  /** Stream time up to which finals have covered the audio (first channel). */
  private finalizedUntil = 0;
  private intakePaused = false;
  /** Bytes of frames received and waiting on the task chain. */
  private queuedBytes = 0;
  /** Seconds of the first channel's audio the recognizer has judged. */
  private heardSeconds = 0;
  private readonly dialect: StreamDialect;

  constructor(private readonly deps: SessionDeps) {
    this.clock = deps.clock ?? systemClock;
    const { options, recognizer } = deps;
    const context: DialectContext = {
      requestId: deps.requestId,
      recognizer,
      send: (message) => this.send(message),
      setKeyterms: (keyterms) => {
        for (const t of this.transcribers) t.setKeyterms(keyterms);
      },
      log: deps.log,
    };
    this.dialect = deps.dialect?.(context) ?? new V1Dialect(context, options, { unendpointedGapMs: deps.policy.unendpointedGapMs });
    this.diagnostics = new StreamDiagnostics({
      declared: { encoding: options.encoding, sampleRate: options.sampleRate, channels: options.channels },
      audioSeconds: () => this.input.durationSeconds,
      report: (d) => this.deps.log.warn({ clientMistake: d.code, detail: d.detail }, `${mistakes[d.code].title} ${mistakes[d.code].fix}`),
    });
    this.input = new AudioInput(
      {
        encoding: options.encoding,
        sampleRate: options.sampleRate,
        channels: options.channels,
        multichannel: options.multichannel,
        targetRate: recognizer.sampleRate,
        maxChannels: MAX_CHANNELS,
      },
      {
        // ffmpeg's output arrives on its own schedule; it joins the task chain like a frame would.
        onDecoded: () => this.enqueue(() => this.transcribe(this.input.take())),
        onError: (err) =>
          this.enqueue(async () => {
            await this.transcribe(this.input.take());
            throw err;
          }),
        onContainer: (container) => {
          this.container = container;
          this.diagnostics.container(container);
        },
        onSourceFormat: (format, how) => {
          const source = this.container ?? (options.encoding ? options.encoding : 'audio');
          this.format = `${source}, ${format.sampleRate} Hz, ${format.channels} channel${format.channels === 1 ? '' : 's'}`;
          this.diagnostics.sourceFormat({ ...format, fromHeader: how.fromHeader }, how.rawPcm);
        },
        onSourceAudio: (planes) => this.diagnostics.sourceAudio(planes),
      },
    );
    this.armInactivityTimer();
    this.dialect.opened?.();
    const { maxDurationMs } = deps.policy;
    if (maxDurationMs > 0) this.lifetime = this.clock.setTimeout(() => this.expire(maxDurationMs), maxDurationMs);
  }

  onBinary(data: Buffer): void {
    if (this.state !== 'streaming') return;
    if (data.length === 0) {
      // Deepgram treats b'' as the legacy CloseStream; clients usually send it by mistake.
      this.count(this.framesReceived, 'empty');
      this.diagnostics.emptyFrame();
      this.closeStream();
      return;
    }
    // Deepgram reads a binary frame as audio whatever it holds, and so does Earshot; a control message
    // in one is named, since the client is surely waiting for it to act.
    const control = data.length <= LONGEST_CONTROL_FRAME && data[0] === 0x7b ? parseTextFrame(data.toString('latin1'), this.dialect.controlTypes) : undefined;
    if (control?.ok) this.diagnostics.jsonAsBinary(control.message.type);
    this.count(this.framesReceived, 'audio');
    if (this.deps.policy.live) this.diagnostics.audioFrame();
    this.audioSeen = true;
    this.armInactivityTimer();
    this.bytesIn += data.length;
    this.hash.update(data);
    this.queuedBytes += data.length;
    this.enqueue(() => this.ingest(data));
    this.regulateIntake();
  }

  /** A text frame; as bytes when the transport skipped UTF-8 validation, so audio sent as text is recognised. */
  onText(frame: string | Buffer): void {
    if (this.state !== 'streaming') return;
    if (this.audioSeen || this.deps.policy.keepAliveBeforeAudio) this.armInactivityTimer();
    if (typeof frame !== 'string' && !isUtf8(frame)) {
      this.count(this.framesReceived, 'invalid text');
      this.diagnostics.audioAsText(frame.length);
      this.unparsable('Could not deserialize last text message: it is not UTF-8 text. Send audio as binary frames.', '');
      return;
    }
    const text = frame.toString();
    const parsed = parseTextFrame(text, this.dialect.controlTypes);
    if (!parsed.ok) {
      this.count(this.framesReceived, 'invalid text');
      this.diagnostics.malformedText(bounded(text));
      this.unparsable(parsed.description, bounded(text));
      return;
    }
    this.count(this.framesReceived, parsed.message.type);
    if (parsed.message.type === 'KeepAlive') this.diagnostics.keepAlive();
    switch (parsed.message.type) {
      case 'KeepAlive':
        return;
      case 'Finalize':
        this.enqueue(() => this.flushTranscribers(true));
        return;
      case 'CloseStream':
        this.closeStream();
        return;
      case 'Configure': {
        // In order with the audio: it applies to what is sent after it.
        const message = parsed.message;
        this.enqueue(async () => this.dialect.configure(message));
        return;
      }
      case 'ForceEndTurn':
        // The turn ends with the audio sent before it.
        this.enqueue(async () => {
          await this.flushTranscribers(true);
          this.dialect.forceEndTurn?.();
        });
        return;
    }
  }

  /** A text frame that is no message of this endpoint: the dialect answers, and may end the stream for it. */
  private unparsable(description: string, original: string): void {
    const failure = this.dialect.unparsable(description, original);
    if (failure) void this.fail(new StreamError(failure, description));
  }

  /** The client closed the socket or it broke: stop all work and send nothing more. */
  onClientGone(): void {
    if (this.state === 'streaming') this.diagnostics.closedWithoutCloseStream(Math.max(0, this.input.durationSeconds - this.finalizedUntil));
    this.abandon({ code: 1005, reason: 'client closed' }, 'client disconnected');
  }

  /** The WebSocket layer has closed the connection for a protocol violation (1009: a frame over the limit); nothing more can be sent. */
  onConnectionBroken(outcome: StreamOutcome): void {
    this.abandon(outcome, 'the WebSocket layer closed the connection');
  }

  private abandon(outcome: StreamOutcome, message: string): void {
    if (this.state === 'closed') return;
    this.deps.log.info({ bytes: this.bytesIn, audioSeconds: this.input.durationSeconds, code: outcome.code }, message);
    this.end();
    this.deps.onClosed?.(outcome);
  }

  summary(): StreamSummary {
    return {
      bytesReceived: this.bytesIn,
      audioSeconds: this.input.durationSeconds,
      format: this.format,
      messagesSent: { ...this.messagesSent },
      framesReceived: { ...this.framesReceived },
      diagnoses: [...this.diagnostics.diagnoses],
    };
  }

  /** Ends the stream as a normal close would: every Results, Metadata, then 1000 (server drain). */
  shutdown(): Promise<void> {
    this.closeStream();
    return this.tasks;
  }

  /** `reason`: the close frame's, when the server ends the stream rather than the client. */
  private closeStream(reason = ''): void {
    if (this.state !== 'streaming') return;
    this.state = 'finalizing';
    this.clock.clearTimeout(this.timer);
    this.enqueue(async () => {
      await this.finishAudio();
      this.finished();
      this.closeWith(1000, reason);
    });
  }

  private expire(maxDurationMs: number): void {
    const seconds = Math.round(maxDurationMs / 1000);
    this.deps.log.info({ maxDurationSeconds: seconds }, 'stream reached the maximum duration: finalizing it');
    this.closeStream(`Earshot: the stream reached the server's ${seconds} s limit (--max-stream-seconds); reconnect to go on`);
  }

  private enqueue(task: () => Promise<void>): void {
    this.tasks = this.tasks.then(async () => {
      if (this.state === 'closed') return;
      try {
        await task();
      } catch (err) {
        await this.fail(err);
      }
    });
  }

  private async ingest(data: Buffer): Promise<void> {
    // A raw Opus frame is one packet and must reach the decoder whole; packets are small anyway.
    const slice = this.deps.options.encoding === 'opus' ? data.length : SLICE_BYTES;
    let unread = data.length;
    try {
      for (let at = 0; at < data.length && this.state !== 'closed'; at += slice) {
        if (at > 0) await new Promise<void>((resolve) => setImmediate(resolve));
        const piece = data.subarray(at, at + slice);
        const planes = await this.input.push(piece);
        this.queuedBytes -= piece.length;
        unread -= piece.length;
        await this.transcribe(planes);
      }
    } finally {
      // What was not read (the stream ended, or its audio failed) no longer waits either.
      this.queuedBytes -= unread;
    }
    this.regulateIntake();
  }

  /** Whether the client's frames are not being read, the engine being behind this stream. */
  get paused(): boolean {
    return this.intakePaused;
  }

  /**
   * Pauses reading past maxBacklogSeconds of unfinalized audio while finals are in flight, or past
   * maxQueuedBytes of unread frames; resumes once the frames are read down to half and the backlog
   * is at half, or no final is in flight. Audio not yet finalized with no final in flight is the
   * open utterance, which only more audio can end: pausing for it would wait forever (a sentence
   * longer than --max-backlog-seconds, found by the scripted recognizer's test). The inactivity timer does
   * not run while the server is the one not reading.
   */
  private regulateIntake(): void {
    const { transport, policy, log } = this.deps;
    if (!transport.pause || !transport.resume || this.state !== 'streaming') return;
    const backlogSeconds = this.input.durationSeconds - this.finalizedUntil;
    const { queuedBytes } = this;
    const finalsInFlight = this.transcribers.some((t) => t.finalsInFlight > 0);
    if (!this.intakePaused && ((backlogSeconds > policy.maxBacklogSeconds && finalsInFlight) || queuedBytes > policy.maxQueuedBytes)) {
      this.intakePaused = true;
      this.clock.clearTimeout(this.timer);
      transport.pause();
      log.warn({ backlogSeconds, queuedBytes }, 'the engine is behind this stream: its frames are not read until it catches up');
    } else if (
      this.intakePaused &&
      queuedBytes <= policy.maxQueuedBytes / 2 &&
      (backlogSeconds <= policy.maxBacklogSeconds / 2 || !finalsInFlight)
    ) {
      this.intakePaused = false;
      transport.resume();
      this.armInactivityTimer();
      log.info({ backlogSeconds, queuedBytes }, 'the engine caught up: reading the stream again');
    }
  }

  private async transcribe(planes: Float32Array[]): Promise<void> {
    if (planes.length > 0) this.diagnostics.engineAudio(planes[0]);
    if (planes.length > 0 && this.transcribers.length === 0) this.transcribers = planes.map((_, i) => this.createTranscriber(i, planes.length));
    await Promise.all(planes.map((plane, i) => this.transcribers[i].push(plane)));
    if (planes.length === 0) return;
    this.heardSeconds += planes[0].length / this.deps.recognizer.sampleRate;
    this.dialect.heard?.(this.heardSeconds);
  }

  private createTranscriber(channel: number, channels: number): RecognizeStream {
    const index: [number, number] = [channel, channels];
    const settings = this.dialect.streamSettings({ streamId: this.deps.requestId, live: this.deps.policy.live });
    return this.deps.recognizer.openStream(settings, {
      onResult: (window: WindowResult) => {
        if (window.isFinal && channel === 0) this.finalizedUntil = window.end;
        this.dialect.result(index, window);
        // Once the transcriber has counted this final as out (just after this call returns).
        if (window.isFinal) queueMicrotask(() => this.regulateIntake());
      },
      onSpeechStarted: (timestamp) => this.dialect.speechStarted(index, timestamp),
      onUtteranceEnd: (lastWordEnd) => this.dialect.utteranceEnd?.(index, lastWordEnd),
      onError: (err) => void this.fail(new StreamError('NET-0000', `engine failed: ${err.message}`)),
      onFinalLatency: this.deps.onFinalLatency,
    });
  }

  /** Decodes what is still held (sniffed bytes, resampler tails) and finalizes every channel. */
  private async finishAudio(): Promise<void> {
    await this.transcribe(await this.input.flush());
    await this.flushTranscribers(false);
  }

  private async flushTranscribers(fromFinalize: boolean): Promise<void> {
    await Promise.all(this.transcribers.map((t) => t.flush(fromFinalize)));
  }

  private armInactivityTimer(): void {
    this.clock.clearTimeout(this.timer);
    // Frames `ws` read before the pause still arrive: they must not start a timer that blames the
    // client for a silence the server imposed. Resuming arms it.
    if (this.intakePaused) return;
    this.timer = this.clock.setTimeout(() => {
      const detail = this.audioSeen ? 'no frame from the client within the timeout' : 'no audio within the timeout after opening';
      this.diagnostics.timedOut(this.audioSeen);
      void this.fail(new StreamError('NET-0001', detail));
    }, this.deps.policy.inactivityTimeoutMs);
  }

  /**
   * Ends the stream for cause. For client-side causes, the audio already accepted is still
   * transcribed and counted in Metadata before the close; an engine failure closes at once.
   */
  private async fail(err: unknown): Promise<void> {
    if (this.state === 'closed') return;
    const error =
      err instanceof StreamError ? err : err instanceof AudioFormatError ? new StreamError('DATA-0000', err.message) : new StreamError('NET-0000', String(err));
    const level = error.code === 'NET-0000' ? 'error' : 'warn';
    this.deps.log[level]({ failure: error.code, detail: error.detail }, `stream failed: ${failures[error.code].fix}`);
    // After an engine failure nothing more can be said; to a client that does not read, nothing more is sent.
    if (error.code !== 'NET-0000' && error.code !== 'CLIENT_NOT_READING') {
      this.state = 'finalizing';
      this.clock.clearTimeout(this.timer);
      try {
        await this.flushTranscribers(false);
        this.finished();
      } catch (flushError) {
        this.deps.log.error({ err: String(flushError) }, 'could not flush before closing');
      }
    }
    if (error.code !== 'CLIENT_NOT_READING') this.dialect.failing?.(error.code, error.detail);
    const { closeCode } = failures[error.code satisfies StreamFailureCode];
    this.closeWith(closeCode, closeReason(error.code, error.detail), error.code);
  }

  private finished(): void {
    this.dialect.finished({
      sha256: this.hash.copy().digest('hex'),
      created: this.created,
      durationSeconds: this.input.durationSeconds,
      channels: this.input.channels,
    });
  }

  private send(message: ServerMessage): void {
    if (this.state === 'closed') return;
    const unread = this.deps.transport.unreadBytes?.() ?? 0;
    if (unread > this.deps.policy.maxUnreadBytes) {
      void this.fail(new StreamError('CLIENT_NOT_READING', `${unread} bytes of messages unread (limit ${this.deps.policy.maxUnreadBytes})`));
      return;
    }
    this.count(this.messagesSent, message.type);
    this.deps.transport.send(message);
  }

  private count(tally: Record<string, number>, key: string): void {
    tally[key] = (tally[key] ?? 0) + 1;
  }

  private closeWith(code: number, reason: string, failure?: FailureCode): void {
    if (this.state === 'closed') return;
    this.end();
    this.deps.log.info({ code, reason, bytes: this.bytesIn, audioSeconds: this.input.durationSeconds }, 'stream closed');
    this.deps.transport.close(code, reason);
    this.deps.onClosed?.({ code, reason, failure });
  }

  private end(): void {
    this.diagnostics.end();
    this.state = 'closed';
    this.clock.clearTimeout(this.timer);
    this.clock.clearTimeout(this.lifetime);
    for (const t of this.transcribers) t.close();
    this.input.destroy();
  }
}
