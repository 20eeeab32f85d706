// The HTTP + WebSocket front door. Every request gets a `dg-request-id`; a /v1/listen or /v2/listen upgrade passes
// these steps in order, and the first that refuses answers with its status, `dg-error` and JSON body:
//
//   route → auth (key or access token) → draining? → stream limit → query options → 101 upgrade → Session
//
// A plain GET of /v1/listen runs the same checks and answers 426 if all pass, so a client that cannot
// read a refused upgrade (a browser) can ask why. A POST of /v1/listen is a pre-recorded request
// (prerecorded-route.ts). Besides: POST /v1/auth/grant (access tokens), GET /v1/requests (the
// request log), /healthz, /readyz (fails once a drain begins), /metrics (Prometheus), and the
// browser page at `/`.
//
// Each attempt on /v1/listen, refused or upgraded, is written to the request log under its id: at
// the refusal, or at the upgrade and again when the stream closes. Refusals are stored bounded (a
// bounded query, a bounded number per address per minute; the rest only counted), since they come
// from clients nobody has authenticated.
//
// Nothing a client sends may throw out of a handler: the request and upgrade listeners are guarded
// whole, a malformed request (even one Node's parser refuses) is a 4xx from the failure table, and
// a 500 means a bug of ours, logged under the request id.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import type { RecognizerSet } from '../engines/recognizer-set.js';
import { failures, HandshakeError } from '../protocol/failure-codes.js';
import { Session } from '../protocol/session.js';
import { keyId } from '../store/api-keys.js';
import type { RequestRecord } from '../store/request-record.js';
import type { StateStore } from '../store/store.js';
import { AccessTokens, GRANT_TTL_SECONDS } from './access-tokens.js';
import { Authenticator, readCredential, selectProtocol } from './auth.js';
import type { ServerConfig } from './config.js';
import { EngineWatch } from './engine-watch.js';
import { withoutEffect } from './model-choice.js';
import { apiOf, isStreamPath, LISTEN_PATH, planStream, type StreamPlan } from './stream-endpoints.js';
import { RefusedUpgrades } from './refused-upgrades.js';
import { HandshakeRate } from './handshake-rate.js';
import { Metrics, type Api } from './metrics.js';
import { PrerecordedRoute } from './prerecorded-route.js';
import { RequestLogWriter } from './request-log-writer.js';
import { readBody } from './request-body.js';
import { checkUpgrade, requestUrl } from './request-checks.js';
import { bounded } from '../protocol/bounded-text.js';
import { MAX_PATH, storedQuery } from './stored-query.js';
import { webPage } from './web-page.js';

const REQUESTS_PATH = /^\/v1\/requests(?:\/([^/]+))?\/?$/;
const GRANT_PATH = /^\/v1\/auth\/grant\/?$/;
const MAX_LISTED = 1000;
/** Refusals one client address gets written to the request log per minute; the rest are counted. */
const REFUSALS_LOGGED_PER_MINUTE = 30;
const MAX_GRANT_BODY_BYTES = 4096;
const PROGRESS_INTERVAL_MS = 250;

const grantRequest = z.strictObject({
  ttl_seconds: z.number().int().min(GRANT_TTL_SECONDS.min).max(GRANT_TTL_SECONDS.max).optional(),
});

const requestsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_LISTED).default(50),
  before: z.iso.datetime().optional(),
});

interface AcceptedHandshake extends StreamPlan {
  record: RequestRecord;
}

export interface EarshotServerDeps {
  config: ServerConfig;
  recognizers: RecognizerSet;
  log: Logger;
  /** The request log, and the keys made with `earshot keys create` (beside those given with --api-key). */
  store: StateStore;
  /** This server among replicas sharing the store: host:pid. */
  serverName: string;
  /** Keys guarded the server at start: auth stays on even if every stored key is revoked. */
  authRequired: boolean;
}

export class EarshotServer {
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  /** Open streams, each with the API it speaks. */
  private readonly sessions = new Map<Session, Api>();
  private readonly requestIds = new WeakMap<IncomingMessage, string>();
  private readonly tokens: AccessTokens;
  private readonly auth: Authenticator;
  private readonly page = webPage();
  private readonly prerecorded: PrerecordedRoute;
  private readonly metrics: Metrics;
  private readonly handshakeRate: HandshakeRate;
  private readonly refusalsLogged = new HandshakeRate(REFUSALS_LOGGED_PER_MINUTE);
  private readonly refusedUpgrades = new RefusedUpgrades();
  private readonly records: RequestLogWriter;
  /** One per model: each has its own workers, and falls behind on its own. */
  private readonly engineWatches: EngineWatch[];
  /** Open streams per key id, for --max-streams-per-key. */
  private readonly streamsPerKey = new Map<string, number>();
  private draining = false;

  constructor(private readonly deps: EarshotServerDeps) {
    const { config } = deps;
    this.tokens = new AccessTokens(config.tokenSecret ?? randomBytes(32).toString('base64url'));
    this.auth = new Authenticator({
      apiKeys: config.apiKeys,
      tokens: this.tokens,
      store: deps.store.keys,
      required: deps.authRequired,
      onStoreError: (err) => deps.log.error({ err: String(err) }, 'the key store failed'),
    });
    this.records = new RequestLogWriter(deps.store.requests, deps.log);
    this.engineWatches = deps.recognizers.entries.map(([model, recognizer]) => new EngineWatch(recognizer, deps.log.child({ model })));
    this.handshakeRate = new HandshakeRate(config.handshakesPerMinute);
    this.metrics = new Metrics(deps.recognizers, {
      running: () => {
        const apis = [...this.sessions.values()];
        const live = (api: Api) => ({ mode: 'live' as const, api, count: apis.filter((a) => a === api).length });
        return [live('v1'), live('v2'), { mode: 'prerecorded', api: 'v1', count: this.prerecorded.running }];
      },
      pausedStreams: () => [...this.sessions.keys()].filter((s) => s.paused).length,
    });
    this.prerecorded = new PrerecordedRoute({
      ...deps,
      auth: this.auth,
      draining: () => this.draining,
      writeRecord: (record) => this.records.write(record),
      logRefusal: (record, err) => this.logRefusal(record, this.asRefusal(err, record.requestId)),
      metrics: this.metrics,
    });
    // UTF-8 is checked by the session, so audio sent in a text frame is diagnosed instead of ending in 1007.
    this.wss = new WebSocketServer({ noServer: true, maxPayload: config.maxFrameBytes, handleProtocols: selectProtocol, skipUTF8Validation: true });
    this.wss.on('headers', (headers, req) => headers.push(`dg-request-id: ${this.requestIds.get(req)}`));
    this.http = createServer((req, res) => this.onRequest(req, res));
    this.http.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
    this.http.on('clientError', (err, socket) => this.onClientError(err, socket));
  }

  async listen(): Promise<AddressInfo> {
    const { host, port } = this.deps.config;
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, host, () => resolve());
    });
    for (const watch of this.engineWatches) watch.start();
    return this.http.address() as AddressInfo;
  }

  get activeStreams(): number {
    return this.sessions.size;
  }

  /**
   * Graceful stop: new handshakes get 503 at once; open streams may finish within the grace period,
   * then each is finalized (Results, Metadata, 1000) so no accepted audio is lost.
   */
  async drain(graceMs = this.deps.config.drainGraceMs): Promise<void> {
    this.draining = true;
    this.deps.log.info({ streams: this.sessions.size, graceMs }, 'draining');
    const deadline = Date.now() + graceMs;
    while (this.sessions.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await Promise.all([...this.sessions.keys()].map((s) => s.shutdown()));
    await this.close();
  }

  async close(): Promise<void> {
    for (const watch of this.engineWatches) watch.stop();
    for (const ws of this.wss.clients) ws.terminate();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
    await this.records.flush();
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const requestId = randomUUID();
    const answer = (err: unknown) => {
      try {
        if (res.headersSent) return res.destroy();
        // A body not read to its end is not worth reading on: the connection closes after the answer.
        if (!req.complete) res.shouldKeepAlive = false;
        this.refuse(res, requestId, this.asRefusal(err, requestId));
      } catch (bug) {
        this.deps.log.error({ requestId, err: String(bug) }, 'could not answer a failed request');
        res.destroy();
      }
    };
    try {
      this.route(req, res, requestId).catch(answer);
    } catch (err) {
      answer(err);
    }
  }

  /** A HandshakeError is the refusal; anything else is a bug of ours: logged, and a 500. */
  private asRefusal(err: unknown, requestId: string): HandshakeError {
    if (err instanceof HandshakeError) return err;
    this.deps.log.error({ requestId, err: err instanceof Error ? err.stack : String(err) }, 'request failed: a bug in Earshot');
    return new HandshakeError('INTERNAL_ERROR');
  }

  /**
   * A request Node's HTTP parser refused (bad syntax, headers over 16 KB, headers not in time):
   * answered with the table's status, `dg-error` and `dg-request-id` like every other refusal.
   */
  private onClientError(err: Error & { code?: string }, socket: Duplex): void {
    const requestId = randomUUID();
    try {
      if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
      const error =
        err.code === 'HPE_HEADER_OVERFLOW'
          ? new HandshakeError('HEADERS_TOO_LARGE')
          : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
            ? new HandshakeError('REQUEST_TIMEOUT', `${failures.REQUEST_TIMEOUT.message} The request headers did not arrive in time.`)
            : new HandshakeError('MALFORMED_REQUEST', `Malformed request: the HTTP parser refused it (${err.code ?? err.message}).`);
      const client = (socket as Socket).remoteAddress ?? 'unknown';
      this.logRefusal(this.bareRecord(requestId, client, undefined, ''), error);
      this.refuseSocket(socket, requestId, error);
    } catch (bug) {
      this.deps.log.error({ requestId, err: String(bug) }, 'could not answer a malformed request');
      socket.destroy();
    }
  }

  /** Resolves when answered; a HandshakeError thrown here is the refusal. */
  private async route(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const url = requestUrl(req);
    const path = url.pathname;
    if (path === '/healthz') return this.reply(res, requestId, 200, { status: 'ok', streams: this.sessions.size });
    // Ready for new work until a drain begins, so a load balancer stops sending before streams end.
    if (path === '/readyz') return this.reply(res, requestId, this.draining ? 503 : 200, { status: this.draining ? 'draining' : 'ready' });
    if (path === '/metrics') {
      const { text, contentType } = await this.metrics.exposition();
      res.writeHead(200, { 'content-type': contentType, 'dg-request-id': requestId }).end(text);
      return;
    }
    if (GRANT_PATH.test(path)) {
      if (req.method !== 'POST') throw new HandshakeError('METHOD_NOT_ALLOWED', 'Access tokens are granted by POST /v1/auth/grant.');
      this.checkRate(req);
      return this.grant(req, res, requestId);
    }
    const requests = REQUESTS_PATH.exec(path);
    if (requests && req.method === 'GET') {
      this.checkRate(req);
      return this.showRequests(req, res, requestId, requests[1], url.searchParams);
    }
    if (LISTEN_PATH.test(path) && req.method === 'POST') return this.transcribe(req, url, res, requestId);
    if (isStreamPath(path)) return this.refuseListen(req, url, res, requestId);
    // Browsers ask for an icon on every page they open here (/metrics, /healthz): there is none, which is not an error.
    if (path === '/favicon.ico' && (req.method === 'GET' || req.method === 'HEAD')) return void res.writeHead(204).end();
    if (req.method === 'GET' || req.method === 'HEAD') {
      return this.page(req, res, (why = `No such endpoint: ${path}`) => this.refuse(res, requestId, new HandshakeError('NOT_FOUND', why)));
    }
    throw new HandshakeError('NOT_FOUND', `No such endpoint: ${path}`);
  }

  /** /v1/listen without an upgrade: whatever the handshake would refuse, else 426. A page's probe of a refused upgrade answers as that request. */
  private async refuseListen(req: IncomingMessage, url: URL, res: ServerResponse, requestId: string): Promise<void> {
    const probed = req.headers['earshot-probe'] === 'upgrade' ? this.refusedUpgrades.probed(this.clientAddress(req), req.url ?? '') : undefined;
    const id = probed ?? requestId;
    const record = this.newRecord(req, url, id);
    let error = new HandshakeError('METHOD_NOT_ALLOWED');
    if (req.method === 'GET') error = await this.admit(req, url, () => new HandshakeError('UPGRADE_REQUIRED')).catch((err: unknown) => this.asRefusal(err, id));
    if (!probed) this.logRefusal(record, error);
    this.refuse(res, id, error);
  }

  /**
   * Pre-recorded POST /v1/listen. A client that sends `earshot-progress: true` (the CLI) is told how
   * far the transcription has got in 103 responses before the final one; others never see a 1xx.
   */
  private async transcribe(req: IncomingMessage, url: URL, res: ServerResponse, requestId: string): Promise<void> {
    const record = this.newRecord(req, url, requestId);
    // Node sends no 103 without a link; the request's own record is the resource to monitor.
    const hint = (seconds: number) => res.writeEarlyHints({ link: `</v1/requests/${requestId}>; rel="monitor"`, 'earshot-progress': seconds.toFixed(2) });
    const onProgress = req.headers['earshot-progress'] === 'true' ? throttled(hint) : undefined;
    try {
      this.checkRate(req);
    } catch (err) {
      this.logRefusal(record, this.asRefusal(err, requestId));
      throw err;
    }
    // The route logs its own refusals and outcomes.
    const body = await this.prerecorded.handle(req, url.searchParams, record, onProgress);
    this.reply(res, requestId, 200, body);
  }

  /** POST /v1/auth/grant, as Deepgram: an API key in, `{access_token, expires_in}` out. */
  private async grant(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const caller = await this.auth.check(req, 'grant');
    const tooLarge = () => new HandshakeError('BAD_REQUEST', `The request body is larger than ${MAX_GRANT_BODY_BYTES} bytes.`);
    const body = (await readBody(req, MAX_GRANT_BODY_BYTES, tooLarge, this.deps.config.uploadIdleTimeoutMs)).toString('utf8');
    let json: unknown = {};
    try {
      if (body.trim()) json = JSON.parse(body);
    } catch {
      throw new HandshakeError('BAD_REQUEST', 'The request body is not JSON.');
    }
    const parsed = grantRequest.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new HandshakeError('BAD_REQUEST', `Invalid '${issue.path.join('.') || 'body'}': ${issue.message}.`);
    }
    const grant = await this.tokens.grant(caller ?? 'anonymous', parsed.data.ttl_seconds);
    this.deps.log.info({ requestId, keyId: caller, expiresIn: grant.expires_in }, 'access token granted');
    this.reply(res, requestId, 200, grant);
  }

  /** GET /v1/requests[?limit=N&before=ISO] and /v1/requests/<id>: the request log, behind the API keys. */
  private async showRequests(req: IncomingMessage, res: ServerResponse, requestId: string, id: string | undefined, query: URLSearchParams): Promise<void> {
    await this.auth.check(req, 'requests');
    if (id) {
      const record = await this.deps.store.requests.get(id);
      if (!record) throw new HandshakeError('REQUEST_NOT_FOUND', `No request ${id} is in the request log.`);
      return this.reply(res, requestId, 200, record);
    }
    const parsed = requestsQuery.safeParse(Object.fromEntries(query));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new HandshakeError('INVALID_QUERY_PARAMETER', `Invalid '${issue.path.join('.')}': ${issue.message} (limit: 1-${MAX_LISTED}; before: an ISO 8601 time).`);
    }
    this.reply(res, requestId, 200, { requests: await this.deps.store.requests.list(parsed.data) });
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const requestId = randomUUID();
    let record: RequestRecord | undefined;
    const refuse = (err: unknown) => {
      try {
        const error = this.asRefusal(err, requestId);
        this.logRefusal(record ?? this.bareRecord(requestId, this.clientAddress(req), req.method, req.url ?? ''), error);
        this.refusedUpgrades.remember(this.clientAddress(req), req.url ?? '', requestId);
        this.refuseSocket(socket, requestId, error);
      } catch (bug) {
        this.deps.log.error({ requestId, err: String(bug) }, 'could not answer a refused upgrade');
        socket.destroy();
      }
    };
    try {
      const url = requestUrl(req);
      record = this.newRecord(req, url, requestId);
      checkUpgrade(req);
      const accepted = record;
      this.admit(req, url, (plan, caller) => {
        // For an access token, the key that granted it: the fingerprint of the token itself tells nothing.
        accepted.keyId = caller;
        this.requestIds.set(req, requestId);
        // A client gone while its token was checked is destroyed by handleUpgrade.
        this.wss.handleUpgrade(req, socket, head, (ws) => this.startSession(ws, { ...plan, record: { ...accepted, model: plan.recognizer.info.name } }));
      }).catch(refuse);
    } catch (err) {
      refuse(err);
    }
  }

  private newRecord(req: IncomingMessage, url: URL, requestId: string): RequestRecord {
    const credential = readCredential(req);
    return {
      ...this.bareRecord(requestId, this.clientAddress(req), req.method, url.pathname),
      keyId: credential && keyId(credential.secret),
      query: storedQuery(url.searchParams),
    };
  }

  /** A record of what is known of any request, even one too malformed to parse. */
  private bareRecord(requestId: string, client: string, method: string | undefined, path: string): RequestRecord {
    return {
      requestId,
      state: 'open',
      openedAt: new Date().toISOString(),
      client,
      method: method && bounded(method, 16),
      path: bounded(path, MAX_PATH),
      query: {},
      httpStatus: 101,
      bytesReceived: 0,
      audioSeconds: 0,
      messagesSent: {},
      framesReceived: {},
      diagnoses: [],
      serverPid: process.pid,
      server: this.deps.serverName,
    };
  }

  /**
   * Every refusal is counted; the first REFUSALS_LOGGED_PER_MINUTE of an address each minute are
   * also logged and written to the request log, so a flood of refusals cannot fill the disk.
   */
  private logRefusal(record: RequestRecord, error: HandshakeError): void {
    this.metrics.handshake(record.method === 'POST' ? 'prerecorded' : 'live', apiOf(record.path), error.status, error.code);
    if (!this.refusalsLogged.admit(record.client)) return this.metrics.refusalNotLogged();
    this.deps.log.warn({ requestId: record.requestId, client: record.client, status: error.status, failure: error.code, error: error.message, path: record.path }, 'request refused');
    this.records.write({ ...record, state: 'refused', closedAt: record.openedAt, httpStatus: error.status, error: error.message });
  }

  /**
   * The handshake checks, in order; rejects with the first HandshakeError, else resolves with what
   * `accept` returns. Auth comes first, so an unauthenticated client learns nothing of the server's
   * state. From the stream limit to `accept` (which starts the Session) the code is synchronous, so
   * the limit holds however many handshakes wait on token verification together.
   */
  private async admit<T>(req: IncomingMessage, url: URL, accept: (plan: StreamPlan, caller: string | undefined) => T): Promise<T> {
    if (!isStreamPath(url.pathname)) throw new HandshakeError('NOT_FOUND', `No such endpoint: ${url.pathname}`);
    this.checkRate(req);
    const caller = await this.auth.check(req, 'listen');
    const { maxStreams, maxStreamsPerKey } = this.deps.config;
    if (this.draining) throw new HandshakeError('SERVER_DRAINING');
    if (this.sessions.size >= maxStreams) throw new HandshakeError('TOO_MANY_REQUESTS', `${failures.TOO_MANY_REQUESTS.message}: the server has ${maxStreams} streams open (--max-streams).`);
    if (maxStreamsPerKey > 0 && caller && (this.streamsPerKey.get(caller) ?? 0) >= maxStreamsPerKey) {
      throw new HandshakeError('TOO_MANY_REQUESTS', `${failures.TOO_MANY_REQUESTS.message}: this key has ${maxStreamsPerKey} streams open (--max-streams-per-key).`);
    }
    return accept(planStream(url.pathname, url.searchParams, this.deps.recognizers), caller);
  }

  /**
   * The client's address. Behind a trusted proxy (--trust-proxy) every connection comes from the
   * proxy, so the client is the address the proxy appended last to X-Forwarded-For; earlier entries
   * are whatever the client claimed, and are not believed.
   */
  private clientAddress(req: IncomingMessage): string {
    const peer = req.socket.remoteAddress ?? 'unknown';
    if (!this.deps.config.trustProxy) return peer;
    const forwarded = req.headers['x-forwarded-for'];
    const last = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? '')).split(',').map((a) => a.trim()).filter(Boolean).pop();
    return last ?? peer;
  }

  /** 429 for an address over --handshakes-per-minute; checked before auth, so guessing keys is slowed too. */
  private checkRate(req: IncomingMessage): void {
    const address = this.clientAddress(req);
    if (!this.handshakeRate.admit(address)) {
      throw new HandshakeError('TOO_MANY_REQUESTS', `${failures.TOO_MANY_REQUESTS.message}: ${address} made ${this.deps.config.handshakesPerMinute} handshakes in the last minute (--handshakes-per-minute).`);
    }
  }

  private startSession(ws: WebSocket, { record, options, recognizer, dialect }: AcceptedHandshake): void {
    const { config } = this.deps;
    const { requestId, keyId: caller } = record;
    if (caller) this.streamsPerKey.set(caller, (this.streamsPerKey.get(caller) ?? 0) + 1);
    const api = apiOf(record.path);
    this.records.write(record);
    this.metrics.handshake('live', api, 101, 'none');
    const log = this.deps.log.child({ requestId });
    log.info({ client: record.client, options }, 'stream opened');
    const noEffect = withoutEffect(options, recognizer);
    if (noEffect.length > 0) log.warn({ noEffect }, 'query parameters accepted but without effect on this engine');
    const session: Session = new Session({
      requestId,
      options,
      recognizer,
      dialect,
      log,
      policy: {
        inactivityTimeoutMs: config.inactivityTimeoutMs,
        keepAliveBeforeAudio: config.keepAliveBeforeAudio,
        unendpointedGapMs: config.unendpointedGapMs,
        live: true,
        maxBacklogSeconds: config.maxBacklogSeconds,
        maxQueuedBytes: config.maxQueuedBytes,
        maxDurationMs: config.maxStreamSeconds * 1000,
        maxUnreadBytes: config.maxUnreadBytes,
      },
      transport: {
        send: (message) => ws.send(JSON.stringify(message)),
        close: (code, reason) => {
          ws.close(code, reason);
          // A client that is not reading will not read the close frame either: do not wait 30 s for it.
          if (ws.bufferedAmount > config.maxUnreadBytes) ws.terminate();
        },
        unreadBytes: () => ws.bufferedAmount,
        pause: () => ws.pause(),
        resume: () => ws.resume(),
      },
      onFinalLatency: (seconds) => this.metrics.finalSent(seconds),
      onClosed: ({ code, reason, failure }) => {
        this.sessions.delete(session);
        if (caller) {
          const open = (this.streamsPerKey.get(caller) ?? 1) - 1;
          if (open > 0) this.streamsPerKey.set(caller, open);
          else this.streamsPerKey.delete(caller);
        }
        this.metrics.streamClosed(code, failure ?? 'none');
        this.metrics.transcribed('live', api, session.summary().audioSeconds);
        this.records.write({ ...record, ...session.summary(), state: 'closed', closedAt: new Date().toISOString(), closeCode: code, closeReason: reason, failure });
      },
    });
    this.sessions.set(session, api);
    ws.on('message', (data: Buffer, isBinary) => (isBinary ? session.onBinary(data) : session.onText(data)));
    ws.on('close', () => session.onClientGone());
    ws.on('error', (err: Error & { code?: string }) => {
      if (err.code !== 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') return log.warn({ err: err.message }, 'websocket error');
      log.warn({ failure: 'FRAME_TOO_LARGE', maxFrameBytes: config.maxFrameBytes }, `a frame was larger than the limit: ${failures.FRAME_TOO_LARGE.fix}`);
      session.onConnectionBroken({ code: 1009, reason: '', failure: 'FRAME_TOO_LARGE' });
    });
  }

  private errorBody(requestId: string, error: HandshakeError): string {
    return JSON.stringify({ err_code: failures[error.code].errCode, err_msg: error.message, request_id: requestId });
  }

  private errorHeaders(requestId: string, error: HandshakeError, body: string): Record<string, string> {
    return {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      'dg-request-id': requestId,
      // Header values must be Latin-1 without line breaks.
      'dg-error': error.message.replace(/[^\x20-\x7e]/g, '?'),
    };
  }

  private refuse(res: ServerResponse, requestId: string, error: HandshakeError): void {
    const body = this.errorBody(requestId, error);
    res.writeHead(error.status, this.errorHeaders(requestId, error, body)).end(body);
  }

  private refuseSocket(socket: Duplex, requestId: string, error: HandshakeError): void {
    const body = this.errorBody(requestId, error);
    const headers = { ...this.errorHeaders(requestId, error, body), connection: 'close' };
    const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
    socket.end(`HTTP/1.1 ${error.status} ${STATUS_CODES[error.status]}\r\n${lines.join('\r\n')}\r\n\r\n${body}`);
  }

  private reply(res: ServerResponse, requestId: string, status: number, json: object): void {
    const body = JSON.stringify(json);
    res.writeHead(status, { 'content-type': 'application/json', 'dg-request-id': requestId }).end(body);
  }
}

/** Calls `fn` at most every PROGRESS_INTERVAL_MS, with the latest value. */
function throttled(fn: (value: number) => void): (value: number) => void {
  let last = 0;
  return (value) => {
    const now = performance.now();
    if (now - last < PROGRESS_INTERVAL_MS) return;
    last = now;
    fn(value);
  };
}
