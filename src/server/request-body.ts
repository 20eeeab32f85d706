// A request body read whole, refused as soon as it passes its limit (by Content-Length before a
// byte is read, else as the bytes arrive) or as soon as the client stops sending for `idleMs`: a
// slow or lying upload holds nothing for long.
import type { IncomingMessage } from 'node:http';
import { failures, HandshakeError } from '../protocol/failure-codes.js';

export async function readBody(req: IncomingMessage, limit: number, tooLarge: () => HandshakeError, idleMs: number): Promise<Buffer> {
  if (Number(req.headers['content-length'] ?? 0) > limit) throw tooLarge();
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const idle = setTimeout(
      () => done(new HandshakeError('REQUEST_TIMEOUT', `${failures.REQUEST_TIMEOUT.message} The body stopped arriving: nothing for ${idleMs / 1000} s after ${size} bytes.`)),
      idleMs,
    );
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return done(tooLarge());
      chunks.push(chunk);
      idle.refresh();
    };
    const onEnd = () => done();
    const onError = (err: Error) => done(err);
    function done(err?: Error): void {
      clearTimeout(idle);
      req.off('data', onData).off('end', onEnd).off('error', onError);
      if (!err) return resolve(Buffer.concat(chunks));
      req.pause();
      reject(err);
    }
    req.on('data', onData).on('end', onEnd).on('error', onError);
  });
}
