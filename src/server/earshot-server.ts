// The HTTP + WebSocket front door. Every request gets a `dg-request-id`; a /v1/listen upgrade passes
// these steps in order, and the first that refuses answers with its status, `dg-error` and JSON body:
//
//   route → draining? → stream limit → auth → query options → 101 upgrade → Session
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
import { authenticate, selectProtocol } from './auth.js';
import type { ServerConfig } from './config.js';

const LISTEN_PATH = /(^|\/)v1\/listen\/?$/;

interface AcceptedHandshake {
  requestId: string;
  options: ListenOptions;
}

export interface EarshotServerDeps {
  config: ServerConfig;
  engine: Engine;
  vad: VoiceActivityDetector;
  log: Logger;
}

export class EarshotServer {
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly sessions = new Set<Session>();
  private readonly requestIds = new WeakMap<IncomingMessage, string>();
  private draining = false;

  constructor(private readonly deps: EarshotServerDeps) {
    const { config } = deps;
    this.wss = new WebSocketServer({ noServer: true, maxPayload: config.maxFrameBytes, handleProtocols: selectProtocol });
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
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/healthz') return this.reply(res, requestId, 200, { status: 'ok', streams: this.sessions.size });
    if (LISTEN_PATH.test(path)) {
      return this.refuse(res, requestId, new HandshakeError(req.method === 'GET' ? 'UPGRADE_REQUIRED' : 'METHOD_NOT_ALLOWED'));
    }
    this.refuse(res, requestId, new HandshakeError('NOT_FOUND', `No such endpoint: ${path}`));
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const requestId = randomUUID();
    socket.on('error', () => socket.destroy());
    let accepted: AcceptedHandshake;
    try {
      accepted = { requestId, options: this.admit(req) };
    } catch (err) {
      const error = err instanceof HandshakeError ? err : new HandshakeError('INVALID_QUERY_PARAMETER', String(err));
      this.deps.log.warn({ requestId, status: error.status, error: error.message, path: req.url?.split('?')[0] }, 'handshake refused');
      return this.refuseSocket(socket, requestId, error);
    }
    this.requestIds.set(req, requestId);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.startSession(ws, req, accepted));
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

  private startSession(ws: WebSocket, req: IncomingMessage, { requestId, options }: AcceptedHandshake): void {
    const { config, engine, vad } = this.deps;
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
      onClosed: () => this.sessions.delete(session),
    });
    this.sessions.add(session);
    ws.on('message', (data: Buffer, isBinary) => (isBinary ? session.onBinary(data) : session.onText(data.toString('utf8'))));
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
