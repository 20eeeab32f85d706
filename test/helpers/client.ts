// A plain `ws` client for tests: opens /v1/listen, streams audio in chunks, collects every message,
// and reports how the server closed. Every wait is bounded.
import assert from 'node:assert/strict';
import WebSocket from 'ws';

export interface Closed {
  code: number;
  reason: string;
}

export interface Connection {
  ws: WebSocket;
  requestId: string;
  protocol: string;
  messages: any[];
  closed: Promise<Closed>;
  /** Resolves with the first message matching `test` (rejects after `timeoutMs`). */
  next(test: (m: any) => boolean, timeoutMs?: number): Promise<any>;
  /** Sends `bytes` in `chunkBytes` frames, pacing them at `paceMs` (0: as fast as possible). */
  stream(bytes: Buffer, chunkBytes: number, paceMs?: number): Promise<void>;
  send(json: object): void;
}

export interface Refused {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function listenUrl(base: string, query: Record<string, string | number | boolean> = {}, path = '/v1/listen'): string {
  const qs = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
  return `${base}${path}${qs.size ? `?${qs}` : ''}`;
}

export function connect(url: string, options: { headers?: Record<string, string>; protocols?: string[] } = {}): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options.protocols ?? [], { headers: options.headers });
    const messages: any[] = [];
    const waiters: Array<{ test: (m: any) => boolean; resolve: (m: any) => void }> = [];
    let requestId = '';
    ws.on('upgrade', (res) => (requestId = String(res.headers['dg-request-id'])));
    ws.on('message', (data, isBinary) => {
      if (isBinary) throw new Error('server sent a binary frame');
      const m = JSON.parse(data.toString());
      messages.push(m);
      for (const w of [...waiters]) if (w.test(m)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    });
    const closed = new Promise<Closed>((r) => ws.on('close', (code, reason) => r({ code, reason: reason.toString() })));
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { refused: { status: res.statusCode!, headers: res.headers, body } })));
    });
    ws.on('error', reject);
    ws.on('open', () =>
      resolve({
        ws,
        requestId,
        protocol: ws.protocol,
        messages,
        closed,
        next(test, timeoutMs = 30_000) {
          const found = messages.find(test);
          if (found) return Promise.resolve(found);
          return new Promise((res, rej) => {
            const t = setTimeout(() => rej(new Error('timed out waiting for a message')), timeoutMs);
            waiters.push({ test, resolve: (m) => (clearTimeout(t), res(m)) });
          });
        },
        async stream(bytes, chunkBytes, paceMs = 0) {
          for (let i = 0; i < bytes.length && ws.readyState === WebSocket.OPEN; i += chunkBytes) {
            ws.send(bytes.subarray(i, i + chunkBytes));
            if (paceMs > 0) await new Promise((r) => setTimeout(r, paceMs));
            else if (i % (chunkBytes * 50) === 0) await new Promise((r) => setImmediate(r));
          }
        },
        send(json) {
          ws.send(JSON.stringify(json));
        },
      }),
    );
  });
}

/** Expects the handshake to be refused; returns the HTTP status, headers and body. */
export async function refused(url: string, options: Parameters<typeof connect>[1] = {}): Promise<Refused> {
  try {
    const c = await connect(url, options);
    c.ws.terminate();
  } catch (err) {
    const r = (err as { refused?: Refused }).refused;
    if (r) return r;
    throw err;
  }
  throw new Error('the handshake was accepted');
}

export const finals = (messages: any[]) => messages.filter((m) => m.type === 'Results' && m.is_final);
export const transcriptOf = (messages: any[]) => finals(messages).map((m) => m.channel.alternatives[0].transcript).filter(Boolean).join(' ');

const configureAnswers = (c: Connection) => c.messages.filter((m) => m.type === 'ConfigureSuccess' || m.type === 'ConfigureFailure');

/** Sends a Configure (fields besides its type) and returns its answer, asserting there is exactly one (within 1 s). */
export async function configureAnswer(c: Connection, message: object): Promise<any> {
  const before = configureAnswers(c).length;
  c.send({ type: 'Configure', ...message });
  for (let i = 0; i < 100 && configureAnswers(c).length === before; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(configureAnswers(c).length, before + 1, 'exactly one answer');
  return configureAnswers(c).at(-1);
}
