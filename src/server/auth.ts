// Credentials of a /v1/listen handshake, in all four forms Deepgram clients send: the Authorization
// header with the Token or Bearer scheme (any case: the seed's own sample sends "token KEY"), or,
// from browsers that cannot set headers, the subprotocol pair ["token", KEY] / ["bearer", TOKEN].
// A credential is either an API key or an access token (a JWT from POST /v1/auth/grant).
import type { IncomingMessage } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { failures, HandshakeError } from '../protocol/failure-codes.js';
import { keyId, SCOPES, type KeyStore, type Scope } from '../store/api-keys.js';
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


/**
 * What a request needs: `listen` (streams, pre-recorded) takes a key with the listen scope or an
 * access token; `grant` (access tokens) a key with the listen scope; `requests` (the request log) a
 * key with the requests scope. Keys given with --api-key have every scope.
 */
export type Need = 'listen' | 'grant' | 'requests';

export interface AuthenticatorOptions {
  /** Keys given at start (--api-key, EARSHOT_API_KEYS): every scope. */
  apiKeys: string[];
  tokens: AccessTokens;
  /** Keys made with `earshot keys create`. */
  store: KeyStore;
  /**
   * Keys guarded the server when it started: auth then stays on for the life of the process, so
   * revoking the last stored key refuses everyone instead of opening the server to anyone.
   */
  required: boolean;
  onStoreError: (err: unknown) => void;
}

export class Authenticator {
  constructor(private readonly options: AuthenticatorOptions) {}

  /** Keys given at start, or live keys in the store (looked up each time: a revocation counts at once). */
  private async enabled(): Promise<boolean> {
    const { required, apiKeys, store } = this.options;
    return required || apiKeys.length > 0 || (await this.fromStore(() => store.hasLiveKeys()));
  }

  private async findKey(secret: string): Promise<{ id: string; scopes: readonly Scope[] } | undefined> {
    if (this.options.apiKeys.some((k) => sameSecret(k, secret))) return { id: keyId(secret), scopes: SCOPES };
    return this.fromStore(() => this.options.store.find(secret));
  }

  /** A store that cannot answer is the server's trouble, not the client's: 503, never a 401. */
  private async fromStore<T>(lookup: () => Promise<T>): Promise<T> {
    try {
      return await lookup();
    } catch (err) {
      this.options.onStoreError(err);
      throw new HandshakeError('STORE_UNAVAILABLE');
    }
  }

  /**
   * A token is worth what the key that granted it is worth now: a key given at start or a stored
   * key not revoked since. A server with no keys at all takes any token it issued.
   */
  private async grantedByLiveKey(granter: string | undefined): Promise<boolean> {
    if (!(await this.enabled())) return true;
    if (granter === undefined) return false;
    if (this.options.apiKeys.some((k) => keyId(k) === granter)) return true;
    return (await this.fromStore(() => this.options.store.findById(granter))) !== undefined;
  }

  /**
   * Resolves with the key id the request acts for — a key's fingerprint, or for an access token the
   * fingerprint of the key that granted it — or throws a 401 HandshakeError. Keys are checked only
   * when the server has some (no keys: auth is off, loopback only); a token is verified even then,
   * so that a client developed against a local server meets the same expiry it will in production.
   */
  async check(req: IncomingMessage, need: Need): Promise<string | undefined> {
    const credential = readCredential(req);
    const key = credential && (await this.findKey(credential.secret));
    if (key) {
      const scope: Scope = need === 'requests' ? 'requests' : 'listen';
      if (!key.scopes.includes(scope)) throw new HandshakeError('KEY_SCOPE', `This key (${key.id}) does not have the '${scope}' scope.`);
      return key.id;
    }
    if (credential && AccessTokens.isToken(credential.secret)) {
      if (need !== 'listen') throw new HandshakeError('KEY_REQUIRED');
      const granter = await this.options.tokens.verify(credential.secret);
      if (!(await this.grantedByLiveKey(granter))) {
        throw new HandshakeError('TOKEN_REVOKED', `${failures.TOKEN_REVOKED.message} Key ${granter ?? '(none)'} was revoked, or the token was granted while the server had no keys; grant a new one with a live key.`);
      }
      return granter;
    }
    if (!(await this.enabled())) return credential && keyId(credential.secret);
    if (!credential) throw new HandshakeError('INVALID_AUTH', 'Invalid credentials: send "Authorization: Token <key>" or the subprotocols "token", "<key>".');
    throw new HandshakeError('INVALID_AUTH');
  }
}
