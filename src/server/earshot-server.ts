// The HTTP + WebSocket front door. Every request gets a `dg-request-id`; a /v1/listen upgrade passes
// these steps in order, and the first that refuses answers with its status, `dg-error` and JSON body:
//
//   route → draining? → stream limit → auth → query options → 101 upgrade → Session
//
// Each attempt on /v1/listen, refused or upgraded, is written to the request log under its id: at
// the refusal, or at the upgrade and again when the stream closes.
import { randomUUID } from 'node:crypto';
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Engine, VoiceActivityDetector } from '../engines/engine.js';
import { failures, HandshakeError } from '../protocol/failure-codes.js';
import { parseListenOptions, type ListenOptions } from '../protocol/listen-options.js';
import { Session } from '../protocol/session.js';
import type { RequestLog } from '../requests/request-log.js';
import type { RequestRecord } from '../requests/request-record.js';
import { authenticate, keyId, readCredential, selectProtocol } from './auth.js';
import type { ServerConfig } from './config.js';

const LISTEN_PATH = /(^|\/)v1\/listen\/?$/;
const REQUESTS_PATH = /^\/v1\/requests(?:\/([^/]+))?\/?$/;
const MAX_LISTED = 1000;

interface AcceptedHandshake {
  record: RequestRecord;
  options: ListenOptions;
}

export interface EarshotServerDeps {
  config: ServerConfig;
  engine: Engine;
  vad: VoiceActivityDetector;
  log: Logger;
  requests: RequestLog;
}

export class EarshotServer {
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly sessions = new Set<Session>();
  private readonly requestIds = new WeakMap<IncomingMessage, string>();
  private draining = false;

  constructor(private readonly deps: EarshotServerDeps) {
    const { config } = deps;
    // UTF-8 is checked by the session, so audio sent in a text frame is diagnosed instead of ending in 1007.
    this.wss = new WebSocketServer({ noServer: true, maxPayload: config.maxFrameBytes, handleProtocols: selectProtocol, skipUTF8Validation: true });
    this.wss.on('headers', (headers, req) => headers.push(`dg-request-id: ${this.requestIds.get(req)}`));
    this.http = createServer((req, res) => this.onRequest(req, res));
    this.http.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
  }

  async listen(): Promise<AddressInfo> {
    const { host, port } = this.deps.config;
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, host, () => resolve());
    });
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
    await Promise.all([...this.sessions].map((s) => s.shutdown()));
    await this.close();
  }

  async close(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const requestId = randomUUID();
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    if (path === '/healthz') return this.reply(res, requestId, 200, { status: 'ok', streams: this.sessions.size });
    const requests = REQUESTS_PATH.exec(path);
    if (requests && req.method === 'GET') return this.showRequests(req, res, requestId, requests[1], url.searchParams);
    if (LISTEN_PATH.test(path)) {
      const error = new HandshakeError(req.method === 'GET' ? 'UPGRADE_REQUIRED' : 'METHOD_NOT_ALLOWED');
      this.logRefusal(this.newRecord(req, requestId), error);
      return this.refuse(res, requestId, error);
    }
    this.refuse(res, requestId, new HandshakeError('NOT_FOUND', `No such endpoint: ${path}`));
  }

  /** GET /v1/requests[?limit=N&before=ISO] and /v1/requests/<id>: the request log, behind the same keys as /v1/listen. */
  private showRequests(req: IncomingMessage, res: ServerResponse, requestId: string, id: string | undefined, query: URLSearchParams): void {
    try {
      authenticate(req, this.deps.config.apiKeys);
    } catch (err) {
      return this.refuse(res, requestId, err as HandshakeError);
    }
    if (id) {
      const record = this.deps.requests.get(id);
      return record ? this.reply(res, requestId, 200, record) : this.refuse(res, requestId, new HandshakeError('REQUEST_NOT_FOUND', `No request ${id} is in the request log.`));
    }
    const limit = Math.min(Number(query.get('limit') ?? 50) || 50, MAX_LISTED);
    this.reply(res, requestId, 200, { requests: this.deps.requests.list({ limit, before: query.get('before') ?? undefined }) });
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const record = this.newRecord(req, randomUUID());
    socket.on('error', () => socket.destroy());
    let accepted: AcceptedHandshake;
    try {
      accepted = { record, options: this.admit(req) };
    } catch (err) {
      const error = err instanceof HandshakeError ? err : new HandshakeError('INVALID_QUERY_PARAMETER', String(err));
      this.deps.log.warn({ requestId: record.requestId, status: error.status, error: error.message, path: record.path }, 'handshake refused');
      this.logRefusal(record, error);
      return this.refuseSocket(socket, record.requestId, error);
    }
    this.requestIds.set(req, record.requestId);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.startSession(ws, req, accepted));
  }

  private newRecord(req: IncomingMessage, requestId: string): RequestRecord {
    const url = new URL(req.url ?? '/', 'http://x');
    const credential = readCredential(req);
    return {
      requestId,
      state: 'open',
      openedAt: new Date().toISOString(),
      client: req.socket.remoteAddress ?? 'unknown',
      keyId: credential && keyId(credential.secret),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      httpStatus: 101,
      bytesReceived: 0,
      audioSeconds: 0,
      messagesSent: {},
      framesReceived: {},
      diagnoses: [],
      serverPid: process.pid,
    };
  }

  private logRefusal(record: RequestRecord, error: HandshakeError): void {
    this.writeRecord({ ...record, state: 'refused', closedAt: record.openedAt, httpStatus: error.status, error: error.message });
  }

  /** A request log that cannot be written (disk full, say) is logged, and never fails a stream. */
  private writeRecord(record: RequestRecord): void {
    try {
      this.deps.requests.write(record);
    } catch (err) {
      this.deps.log.error({ requestId: record.requestId, err: String(err) }, 'could not write the request log');
    }
  }

  /** The handshake checks, in order; throws the first HandshakeError. */
  private admit(req: IncomingMessage): ListenOptions {
    const url = new URL(req.url ?? '/', 'http://x');
    if (!LISTEN_PATH.test(url.pathname)) throw new HandshakeError('NOT_FOUND', `No such endpoint: ${url.pathname}`);
    if (this.draining) throw new HandshakeError('SERVER_DRAINING');
    if (this.sessions.size >= this.deps.config.maxStreams) throw new HandshakeError('TOO_MANY_REQUESTS');
    authenticate(req, this.deps.config.apiKeys);
    return parseListenOptions(url.searchParams);
  }

  private startSession(ws: WebSocket, req: IncomingMessage, { record, options }: AcceptedHandshake): void {
    const { config, engine, vad } = this.deps;
    const { requestId } = record;
    this.writeRecord(record);
    const log = this.deps.log.child({ requestId });
    log.info({ client: req.socket.remoteAddress, options }, 'stream opened');
    if (options.noEffect.length > 0) log.warn({ noEffect: options.noEffect }, 'query parameters accepted but without effect on this engine');
    const session: Session = new Session({
      requestId,
      options,
      engine,
      vad,
      log,
      policy: {
        inactivityTimeoutMs: config.inactivityTimeoutMs,
        keepAliveBeforeAudio: config.keepAliveBeforeAudio,
        unendpointedGapMs: config.unendpointedGapMs,
      },
      transport: {
        send: (text) => ws.send(text),
        close: (code, reason) => ws.close(code, reason),
      },
      onClosed: ({ code, reason, failure }) => {
        this.sessions.delete(session);
        this.writeRecord({ ...record, ...session.summary(), state: 'closed', closedAt: new Date().toISOString(), closeCode: code, closeReason: reason, failure });
      },
    });
    this.sessions.add(session);
    ws.on('message', (data: Buffer, isBinary) => (isBinary ? session.onBinary(data) : session.onText(data)));
    ws.on('close', () => session.onClientGone());
    ws.on('error', (err) => log.warn({ err: err.message }, 'websocket error'));
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
