// What a request must be before any of its content is looked at: a request target that parses,
// and for an upgrade, a WebSocket handshake that `ws` will take. `ws` refuses a bad one itself,
// but without `dg-error` and `dg-request-id`, unlogged and uncounted; checked here first, every such
// refusal goes through the server's one refusal path. Nothing here throws anything but a HandshakeError.
import type { IncomingMessage } from 'node:http';
import { bounded } from '../protocol/bounded-text.js';
import { HandshakeError } from '../protocol/failure-codes.js';

/** RFC 6455: the base64 of 16 bytes. */
const WEBSOCKET_KEY = /^[+/0-9A-Za-z]{22}==$/;
/** RFC 7230 token: what a subprotocol name may be. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const WEBSOCKET_VERSIONS = ['8', '13'];

/** The request's path and query. Origin-form (/path?query) is the norm; absolute-form (http://host/path) is HTTP/1.1's too. */
export function requestUrl(req: IncomingMessage): URL {
  const target = req.url ?? '/';
  try {
    return new URL(target.startsWith('/') ? `http://x${target}` : target);
  } catch {
    throw new HandshakeError('MALFORMED_REQUEST', `Malformed request: the request target ${printable(target)} is not a URL path.`);
  }
}

/** Throws the refusal `ws` would otherwise answer on its own. */
export function checkUpgrade(req: IncomingMessage): void {
  if (req.method !== 'GET') {
    throw new HandshakeError('METHOD_NOT_ALLOWED', `A WebSocket upgrade must be a GET, not ${printable(req.method ?? '')}; POST to /v1/listen without Upgrade for pre-recorded audio.`);
  }
  const upgrade = req.headers.upgrade ?? '';
  if (upgrade.toLowerCase() !== 'websocket') throw new HandshakeError('MALFORMED_REQUEST', `Malformed request: Upgrade: ${printable(upgrade)} is not supported; only websocket is.`);
  if (!WEBSOCKET_KEY.test(req.headers['sec-websocket-key'] ?? '')) throw new HandshakeError('MALFORMED_REQUEST', 'Malformed request: the Sec-WebSocket-Key header is missing or not 16 bytes in base64.');
  if (!WEBSOCKET_VERSIONS.includes(req.headers['sec-websocket-version'] ?? '')) throw new HandshakeError('MALFORMED_REQUEST', 'Malformed request: Sec-WebSocket-Version must be 13.');
  const protocols = req.headers['sec-websocket-protocol'];
  if (protocols !== undefined) {
    const names = protocols.split(',').map((p) => p.trim());
    if (names.some((p) => !TOKEN.test(p)) || new Set(names).size !== names.length) {
      throw new HandshakeError('MALFORMED_REQUEST', 'Malformed request: Sec-WebSocket-Protocol must be distinct comma-separated tokens (e.g. "token, <key>").');
    }
  }
}

/** A client's text as an error message may quote it: printable ASCII, bounded. */
export function printable(text: string): string {
  return `'${bounded(text.replace(/[^\x20-\x7e]/g, '?'))}'`;
}
