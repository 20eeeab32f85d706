// A Deepgram live client for Earshot's own commands (`doctor`, `stream`): opens /v1/listen with a key,
// and tells apart the three ways a handshake ends — upgraded (with its request id), refused (status,
// dg-error, request id), or no answer at all — so each can be explained.
import WebSocket from 'ws';

export interface Closed {
  code: number;
  reason: string;
}

export interface LiveStream {
  requestId?: string;
  messages: any[];
  /** Called with each JSON message as it arrives. */
  onMessage: (handler: (message: any) => void) => void;
  closed: Promise<Closed>;
  sendAudio(bytes: Buffer): void;
  send(json: object): void;
  /** Whether the socket is still open for sending. */
  readonly open: boolean;
  terminate(): void;
}

export type Handshake =
  | { kind: 'open'; stream: LiveStream }
  | { kind: 'refused'; status: number; dgError?: string; requestId?: string; body: string }
  | { kind: 'failed'; message: string };

export interface ListenTarget {
  /** ws(s):// or http(s):// URL; a bare host URL gets /v1/listen. */
  url: string;
  apiKey?: string;
  query?: Record<string, string | number | boolean>;
  timeoutMs?: number;
}

/** The /v1/listen URL for `target`, as ws(s)://. */
export function listenUrl({ url, query = {} }: ListenTarget): URL {
  const u = new URL(url.replace(/^http/, 'ws'));
  if (u.pathname === '/' || u.pathname === '') u.pathname = '/v1/listen';
  for (const [k, v] of Object.entries(query)) u.searchParams.set(k, String(v));
  return u;
}

export function openListen(target: ListenTarget): Promise<Handshake> {
  const url = listenUrl(target);
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers: target.apiKey ? { Authorization: `Token ${target.apiKey}` } : {}, handshakeTimeout: target.timeoutMs ?? 10_000 });
    let requestId: string | undefined;
    let settled = false;
    const settle = (h: Handshake) => {
      if (settled) return;
      settled = true;
      resolve(h);
    };
    const messages: any[] = [];
    const handlers: Array<(m: any) => void> = [];
    const closed = new Promise<Closed>((r) => ws.on('close', (code, reason) => r({ code, reason: reason.toString() })));
    ws.on('upgrade', (res) => (requestId = headerValue(res.headers['dg-request-id'])));
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      // A body cut short still leaves the status and headers, which say what happened.
      const refused = () => settle({ kind: 'refused', status: res.statusCode ?? 0, dgError: headerValue(res.headers['dg-error']), requestId: headerValue(res.headers['dg-request-id']), body });
      res.on('end', refused);
      res.on('error', refused);
    });
    ws.on('error', (err) => settle({ kind: 'failed', message: err.message === 'Opening handshake has timed out' ? `no answer to the WebSocket handshake within ${(target.timeoutMs ?? 10_000) / 1000} s` : err.message }));
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let message: any;
      try {
        message = JSON.parse(data.toString());
      } catch {
        return;
      }
      messages.push(message);
      for (const h of handlers) h(message);
    });
    ws.on('open', () =>
      settle({
        kind: 'open',
        stream: {
          requestId,
          messages,
          onMessage: (h) => handlers.push(h),
          closed,
          sendAudio: (bytes) => ws.send(bytes),
          send: (json) => ws.send(JSON.stringify(json)),
          get open() {
            return ws.readyState === WebSocket.OPEN;
          },
          terminate: () => ws.terminate(),
        },
      }),
    );
  });
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
