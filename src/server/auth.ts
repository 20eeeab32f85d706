// Credentials of a /v1/listen handshake, in all four forms Deepgram clients send: the Authorization
// header with the Token or Bearer scheme (any case: the seed's own sample sends "token KEY"), or,
// from browsers that cannot set headers, the subprotocol pair ["token", KEY] / ["bearer", TOKEN].
// A credential is either an API key or an access token (a JWT from POST /v1/auth/grant).
import type { IncomingMessage } from 'node:http';
import { createHash, timingSafeEqual } from 'node:crypto';
import { HandshakeError } from '../protocol/failure-codes.js';
import { AccessTokens } from './access-tokens.js';

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

/** What a request needs: `listen` takes a key or an access token; `key` (grants, the request log) a key. */
export type Need = 'listen' | 'key';

export class Authenticator {
  constructor(
    private readonly apiKeys: string[],
    private readonly tokens: AccessTokens,
  ) {}

  get enabled(): boolean {
    return this.apiKeys.length > 0;
  }

  /**
   * Resolves with the key id the request acts for — a key's fingerprint, or for an access token the
   * fingerprint of the key that granted it — or throws a 401 HandshakeError. Keys are checked only
   * when the server has some (no keys: auth is off, loopback only); a token is verified even then,
   * so that a client developed against a local server meets the same expiry it will in production.
   */
  async check(req: IncomingMessage, need: Need): Promise<string | undefined> {
    const credential = readCredential(req);
    if (credential && this.apiKeys.some((k) => sameSecret(k, credential.secret))) return keyId(credential.secret);
    if (credential && AccessTokens.isToken(credential.secret)) {
      if (need === 'key') throw new HandshakeError('KEY_REQUIRED');
      return this.tokens.verify(credential.secret);
    }
    if (!this.enabled) return credential && keyId(credential.secret);
    if (!credential) throw new HandshakeError('INVALID_AUTH', 'Invalid credentials: send "Authorization: Token <key>" or the subprotocols "token", "<key>".');
    throw new HandshakeError('INVALID_AUTH');
  }
}
