// Pre-recorded POST /v1/listen, in order:
//
//   auth → draining? → upload limit → query options → audio (body, or {"url"} fetched)
//     → transcription limit → transcribe (timeout) → Deepgram's JSON — or, with callback=, {request_id} at once and the
//       JSON sent to the callback when done
//
// Each step refuses with a row of the failure table (400, 401, 413, 415, 429, 503, 504). The
// request log keeps each request under its id, as it does live streams.
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Recognizer } from '../engines/recognizer.js';
import type { RecognizerSet } from '../engines/recognizer-set.js';
import { failures, HandshakeError } from '../protocol/failure-codes.js';
import { deliverCallback } from '../prerecorded/callback.js';
import { checkReachable, OutboundError, outboundRequest, redactCredentials } from '../prerecorded/outbound-http.js';
import { parsePrerecordedOptions, type PrerecordedOptions } from '../prerecorded/prerecorded-options.js';
import { prerecordedResponse } from '../prerecorded/prerecorded-response.js';
import { transcribeFile, TranscriptionFailed, type FileTranscription } from '../prerecorded/transcribe-file.js';
import type { RequestRecord } from '../store/request-record.js';
import type { Authenticator } from './auth.js';
import type { ServerConfig } from './config.js';
import type { Metrics } from './metrics.js';
import { recognizerForModel } from './model-choice.js';
import { readBody } from './request-body.js';

export interface PrerecordedDeps {
  config: ServerConfig;
  recognizers: RecognizerSet;
  log: Logger;
  auth: Authenticator;
  draining: () => boolean;
  writeRecord: (record: RequestRecord) => void;
  /** Logs a request refused before its audio was accepted (a failed transcription is logged here). */
  logRefusal: (record: RequestRecord, err: unknown) => void;
  metrics: Metrics;
}

const MAX_JSON_BODY_BYTES = 64 * 1024;
/**
 * Bodies read at once, per transcription place. A place is taken only once the audio is in, so a
 * slow upload never holds one; this bounds the memory the uploads hold meanwhile.
 */
const UPLOADS_PER_TRANSCRIPTION = 4;
const urlRequest = z.object({ url: z.url({ protocol: /^https?$/ }) });

export class PrerecordedRoute {
  private active = 0;
  private uploading = 0;

  /** Requests transcribing now (callbacks included, until their transcription ends). */
  get running(): number {
    return this.active;
  }

  constructor(private readonly deps: PrerecordedDeps) {}

  /**
   * Answers with the body to send (status 200), or throws the refusal. `record` is the request's
   * log entry, written here: as a refusal, or once the audio is accepted and again at the end.
   */
  async handle(req: IncomingMessage, query: URLSearchParams, record: RequestRecord, onProgress?: (seconds: number) => void): Promise<object> {
    const { options, recognizer, audio } = await this.accept(req, query, record).catch((err: unknown) => {
      this.deps.logRefusal(record, err);
      throw err;
    });
    record.bytesReceived = audio.length;
    this.deps.writeRecord({ ...record, httpStatus: 0 });
    const transcribing = this.transcribe(audio, options, recognizer, record, onProgress);
    void transcribing.catch(() => {}).finally(() => this.active--);
    if (!options.callback) return transcribing;
    void this.answerCallback(transcribing, options.callback, record.requestId);
    return { request_id: record.requestId };
  }

  /** Every refusal, in order; resolves with the audio, holding a transcription place (`active`) for it once it is in. */
  private async accept(req: IncomingMessage, query: URLSearchParams, record: RequestRecord): Promise<{ options: PrerecordedOptions; recognizer: Recognizer; audio: Buffer }> {
    const { config } = this.deps;
    record.keyId = await this.deps.auth.check(req, 'listen');
    if (this.deps.draining()) throw new HandshakeError('SERVER_DRAINING');
    const maxUploads = config.maxTranscriptions * UPLOADS_PER_TRANSCRIPTION;
    if (this.uploading >= maxUploads) throw new HandshakeError('TOO_MANY_REQUESTS', `${failures.TOO_MANY_REQUESTS.message}: ${maxUploads} pre-recorded uploads are being received (4 per --max-transcriptions).`);
    const options = parsePrerecordedOptions(query);
    const recognizer = recognizerForModel(this.deps.recognizers, options.listen.model);
    record.model = recognizer.info.name;
    // A callback the server may not reach would fail only after the transcription: refuse it now.
    if (options.callback) {
      await checkReachable(options.callback.url, { allowPrivate: config.allowPrivateUrls }).catch((err: unknown) => {
        if (!(err instanceof OutboundError)) throw err;
        throw new HandshakeError('INVALID_QUERY_PARAMETER', `Invalid 'callback': ${err.message}`);
      });
    }
    this.uploading++;
    let audio: Buffer;
    try {
      audio = await this.readAudio(req);
    } finally {
      this.uploading--;
    }
    if (this.active >= config.maxTranscriptions) throw new HandshakeError('TOO_MANY_REQUESTS', `${failures.TOO_MANY_REQUESTS.message}: ${config.maxTranscriptions} pre-recorded transcriptions are running.`);
    this.active++;
    return { options, recognizer, audio };
  }

  private async readAudio(req: IncomingMessage): Promise<Buffer> {
    const { config } = this.deps;
    const type = (req.headers['content-type'] ?? 'application/octet-stream').split(';')[0].trim().toLowerCase();
    const tooLarge = () => new HandshakeError('PAYLOAD_TOO_LARGE', `${failures.PAYLOAD_TOO_LARGE.message} The limit is ${config.maxUploadBytes} bytes.`);
    let audio: Buffer;
    const idleMs = config.uploadIdleTimeoutMs;
    if (type === 'application/json') audio = await this.fetchUrl(await readBody(req, MAX_JSON_BODY_BYTES, tooLarge, idleMs));
    else if (type.startsWith('audio/') || type.startsWith('video/') || type === 'application/octet-stream') audio = await readBody(req, config.maxUploadBytes, tooLarge, idleMs);
    else throw new HandshakeError('UNSUPPORTED_MEDIA_TYPE', `Unsupported Content-Type '${type}': send audio/*, video/* or application/octet-stream with the audio, or application/json with {"url": …}.`);
    if (audio.length === 0) throw new HandshakeError('AUDIO_UNPROCESSABLE', `${failures.AUDIO_UNPROCESSABLE.message.replace(/\.$/, '')}: the audio is empty.`);
    return audio;
  }

  private async fetchUrl(body: Buffer): Promise<Buffer> {
    const { config } = this.deps;
    let url: URL;
    try {
      url = new URL(urlRequest.parse(JSON.parse(body.toString('utf8'))).url);
    } catch {
      throw new HandshakeError('INVALID_JSON', `${failures.INVALID_JSON.message} Expected {"url": "http(s)://…"}.`);
    }
    try {
      const response = await outboundRequest(url, {}, { allowPrivate: config.allowPrivateUrls, timeoutMs: config.fetchTimeoutMs, maxBytes: config.maxUploadBytes });
      if (response.status < 200 || response.status >= 300) throw new OutboundError(`${url.href} answered ${response.status}.`, 'failed');
      return response.body;
    } catch (err) {
      if (!(err instanceof OutboundError)) throw err;
      if (err.kind === 'too-large') throw new HandshakeError('PAYLOAD_TOO_LARGE', err.message);
      throw new HandshakeError('REMOTE_CONTENT_ERROR', `${failures.REMOTE_CONTENT_ERROR.message} ${err.message}`);
    }
  }

  private async transcribe(audio: Buffer, options: PrerecordedOptions, recognizer: Recognizer, record: RequestRecord, onProgress?: (seconds: number) => void): Promise<object> {
    const { config } = this.deps;
    const log = this.deps.log.child({ requestId: record.requestId });
    log.info({ bytes: audio.length, options: { ...options, callback: options.callback && { ...options.callback, url: redactCredentials(options.callback.url.href) } } }, 'pre-recorded transcription started');
    const running = transcribeFile(audio, { requestId: record.requestId, options: options.listen, recognizer, log, unendpointedGapMs: config.unendpointedGapMs, onProgress });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new HandshakeError('TRANSCRIPTION_TIMEOUT', `${failures.TRANSCRIPTION_TIMEOUT.message} The limit is ${config.transcribeTimeoutMs} ms.`)), config.transcribeTimeoutMs);
    });
    const started = performance.now();
    let result: FileTranscription;
    try {
      result = await Promise.race([running.done, timeout]);
    } catch (err) {
      running.cancel();
      running.done.catch(() => {});
      const error = this.asRefusal(err);
      this.deps.writeRecord({ ...record, ...(err instanceof TranscriptionFailed ? err.summary : {}), state: 'closed', closedAt: new Date().toISOString(), httpStatus: error.status, error: error.message, failure: error.code });
      this.deps.metrics.handshake('prerecorded', 'v1', error.status, error.code);
      log.warn({ status: error.status, error: error.message }, 'pre-recorded transcription failed');
      throw error;
    } finally {
      clearTimeout(timer);
    }
    const seconds = (performance.now() - started) / 1000;
    log.info({ audioSeconds: result.metadata.duration, seconds, speed: result.metadata.duration / seconds }, 'pre-recorded transcription done');
    this.deps.writeRecord({ ...record, ...result.summary, state: 'closed', closedAt: new Date().toISOString(), httpStatus: 200 });
    this.deps.metrics.handshake('prerecorded', 'v1', 200, 'none');
    this.deps.metrics.transcribed('prerecorded', 'v1', result.summary.audioSeconds);
    return prerecordedResponse(result, options);
  }

  private asRefusal(err: unknown): HandshakeError {
    if (err instanceof HandshakeError) return err;
    if (err instanceof TranscriptionFailed && err.failure === 'DATA-0000') {
      return new HandshakeError('AUDIO_UNPROCESSABLE', `${failures.AUDIO_UNPROCESSABLE.message.replace(/\.$/, '')} (${err.reason.replace(/^DATA-0000: /, '')}).`);
    }
    return new HandshakeError('ENGINE_FAILURE', `${failures.ENGINE_FAILURE.message} ${err instanceof Error ? err.message : String(err)}`);
  }

  /** The result, or Deepgram's error body, goes to the callback; the client was answered already. */
  private async answerCallback(transcribing: Promise<object>, target: NonNullable<PrerecordedOptions['callback']>, requestId: string): Promise<void> {
    const { config } = this.deps;
    const log = this.deps.log.child({ requestId });
    const payload = await transcribing.catch((err: HandshakeError) => ({ err_code: failures[err.code].errCode, err_msg: err.message, request_id: requestId }));
    const delivered = await deliverCallback(target, payload, requestId, { attempts: config.callbackAttempts, retryMs: config.callbackRetryMs, allowPrivate: config.allowPrivateUrls }, (attempt, why) =>
      log.warn({ callback: target.url.origin, attempt, why }, 'callback attempt failed'),
    );
    if (delivered) log.info({ callback: target.url.origin }, 'callback delivered');
    else log.error({ callback: target.url.origin, attempts: config.callbackAttempts }, 'callback given up: the result is lost to the client');
  }
}
