// API keys made with `earshot keys create`. Only a SHA-256 of each secret is stored (keys are 192
// random bits, so a fast hash is as safe as a slow one), and a server looks a key up at every
// handshake, so a revocation counts at the next handshake of every server sharing the store.
import { createHash, randomBytes } from 'node:crypto';

/** `listen`: live and pre-recorded transcription, and access tokens for it. `requests`: reading the request log. */
export const SCOPES = ['listen', 'requests'] as const;
export type Scope = (typeof SCOPES)[number];

export interface StoredKey {
  /** The key's fingerprint, as logs and the request log name it. */
  id: string;
  label: string;
  scopes: Scope[];
  createdAt: string;
  revokedAt?: string;
}

/** A new key: its secret (shown once, never stored), and what is stored of it. */
export interface NewKey {
  key: StoredKey;
  secret: string;
  hash: string;
}

export interface KeyStore {
  /** Makes a key; its secret is returned here once. */
  create(label: string, scopes: Scope[]): Promise<{ key: StoredKey; secret: string }>;
  list(): Promise<StoredKey[]>;
  /** Revokes by id; false if there is no such key or it was revoked already. */
  revoke(id: string): Promise<boolean>;
  /** The live (unrevoked) key with this secret. */
  find(secret: string): Promise<StoredKey | undefined>;
  /** The live key with this id (for the tokens it granted: a revoked key's tokens die with it). */
  findById(id: string): Promise<StoredKey | undefined>;
  hasLiveKeys(): Promise<boolean>;
}

const SECRET_PREFIX = 'esk_';

export const secretHash = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/** A key's fingerprint for logs and the request log: tells keys apart without revealing them. */
export const keyId = (secret: string): string => `key-${secretHash(secret).slice(0, 12)}`;

export function newKey(label: string, scopes: Scope[]): NewKey {
  const secret = SECRET_PREFIX + randomBytes(24).toString('base64url');
  return { key: { id: keyId(secret), label, scopes, createdAt: new Date().toISOString() }, secret, hash: secretHash(secret) };
}
