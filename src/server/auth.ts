// Credentials of a /v1/listen handshake, in all four forms Deepgram clients send: the Authorization
// header with the Token or Bearer scheme (any case: the seed's own sample sends "token KEY"), or,
// from browsers that cannot set headers, the subprotocol pair ["token", KEY] / ["bearer", TOKEN].
import type { IncomingMessage } from 'node:http';
import { createHash, timingSafeEqual } from 'node:crypto';
import { HandshakeError } from '../protocol/failure-codes.js';

const SCHEMES = ['token', 'bearer'];

export interface Credential {
  scheme: 'token' | 'bearer';
  secret: string;
  via: 'header' | 'subprotocol';
}

export function readCredential(req: IncomingMessage): Credential | undefined {
  const header = req.headers.authorization?.trim();
  if (header) {
    const [scheme, ...rest] = header.split(/\s+/);
    const s = scheme.toLowerCase();
    if (SCHEMES.includes(s) && rest.length === 1) return { scheme: s as Credential['scheme'], secret: rest[0], via: 'header' };
  }
  const protocols = offeredProtocols(req);
  const at = protocols.findIndex((p) => SCHEMES.includes(p.toLowerCase()));
  if (at !== -1 && protocols[at + 1]) return { scheme: protocols[at].toLowerCase() as Credential['scheme'], secret: protocols[at + 1], via: 'subprotocol' };
  return undefined;
}

export function offeredProtocols(req: IncomingMessage): string[] {
  return (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()).filter(Boolean);
}

/** The subprotocol to echo: the auth scheme as the client spelled it, else the first offered. */
export function selectProtocol(protocols: Set<string>): string | false {
  const offered = [...protocols];
  return offered.find((p) => SCHEMES.includes(p.toLowerCase())) ?? offered[0] ?? false;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A key's fingerprint for logs and the request log: tells keys apart without revealing them. */
export function keyId(secret: string): string {
  return `key-${createHash('sha256').update(secret).digest('hex').slice(0, 12)}`;
}

/** Throws 401 unless auth is off (no keys) or the credential matches a key, whatever its scheme. */
export function authenticate(req: IncomingMessage, apiKeys: string[]): void {
  if (apiKeys.length === 0) return;
  const credential = readCredential(req);
  if (!credential) throw new HandshakeError('INVALID_AUTH', 'Invalid credentials: send "Authorization: Token <key>" or the subprotocols "token", "<key>".');
  if (!apiKeys.some((k) => sameSecret(k, credential.secret))) throw new HandshakeError('INVALID_AUTH');
}
