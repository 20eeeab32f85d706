// A request body read whole, refused as soon as it passes its limit: by Content-Length before a
// byte is read, else as the bytes arrive.
import type { IncomingMessage } from 'node:http';
import type { HandshakeError } from '../protocol/failure-codes.js';

export async function readBody(req: IncomingMessage, limit: number, tooLarge: () => HandshakeError): Promise<Buffer> {
  if (Number(req.headers['content-length'] ?? 0) > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
