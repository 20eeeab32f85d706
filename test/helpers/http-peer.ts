// Pre-recorded requests for tests: a loopback HTTP peer (a file host or a callback receiver), and
// POST /v1/listen against a test server with a key.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface Peer {
  url: string;
  received: Array<{ method: string; headers: IncomingMessage['headers']; body: Buffer }>;
  close(): Promise<void>;
}

/** `answer`: what to reply to the `count`-th request (1-based). */
export async function peer(answer: (req: IncomingMessage, body: Buffer, count: number) => { status: number; body?: Buffer; type?: string }): Promise<Peer> {
  const received: Peer['received'] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    received.push({ method: req.method ?? '', headers: req.headers, body });
    const a = answer(req, body, received.length);
    res.writeHead(a.status, { 'content-type': a.type ?? 'application/octet-stream' }).end(a.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, close: () => new Promise((r) => server.close(() => r())) };
}

/** POST /v1/listen`query` to the server at `http` with `key`; a WAV body unless `headers` say otherwise. */
export function postListen(http: string, key: string, query: string, body: BodyInit | Buffer, headers: Record<string, string> = {}): Promise<Response> {
  const payload = Buffer.isBuffer(body) ? Uint8Array.from(body) : body;
  return fetch(`${http}/v1/listen${query}`, { method: 'POST', headers: { authorization: `Token ${key}`, 'content-type': 'audio/wav', ...headers }, body: payload, duplex: 'half' } as RequestInit);
}
