// API keys created with `earshot keys create`, kept beside the request log in the same SQLite
// file. Only a SHA-256 of each secret is stored (keys are 192 random bits, so a fast hash is as
// safe as a slow one), and every handshake looks its key up afresh, so a revocation made by the CLI
// takes effect on the next handshake of every server sharing the file.
import { createHash, randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { openDatabase } from './sqlite-file.js';

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

interface Row {
  id: string;
  label: string;
  scopes: string;
  created_at: string;
  revoked_at: string | null;
}

const SECRET_PREFIX = 'esk_';

export const secretHash = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/** A key's fingerprint for logs and the request log: tells keys apart without revealing them. */
export const keyId = (secret: string): string => `key-${secretHash(secret).slice(0, 12)}`;

export class KeyStore {
  private readonly db: Database.Database;

  constructor(path: string) {
    this.db = openDatabase(path);
    this.db.exec(`CREATE TABLE IF NOT EXISTS api_keys (
      id TEXT PRIMARY KEY,
      hash TEXT NOT NULL UNIQUE,
      label TEXT NOT NULL,
      scopes TEXT NOT NULL,
      created_at TEXT NOT NULL,
      revoked_at TEXT
    )`);
  }

  /** Makes a key; its secret is returned here once and never stored. */
  create(label: string, scopes: Scope[]): { key: StoredKey; secret: string } {
    const secret = SECRET_PREFIX + randomBytes(24).toString('base64url');
    const key: StoredKey = { id: keyId(secret), label, scopes, createdAt: new Date().toISOString() };
    this.db.prepare('INSERT INTO api_keys (id, hash, label, scopes, created_at) VALUES (?, ?, ?, ?, ?)').run(key.id, secretHash(secret), label, scopes.join(','), key.createdAt);
    return { key, secret };
  }

  list(): StoredKey[] {
    return (this.db.prepare('SELECT * FROM api_keys ORDER BY created_at').all() as Row[]).map(fromRow);
  }

  /** Revokes by id; false if there is no such key or it was revoked already. */
  revoke(id: string): boolean {
    return this.db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(new Date().toISOString(), id).changes === 1;
  }

  /** The live (unrevoked) key with this secret. */
  find(secret: string): StoredKey | undefined {
    const row = this.db.prepare('SELECT * FROM api_keys WHERE hash = ? AND revoked_at IS NULL').get(secretHash(secret)) as Row | undefined;
    return row && fromRow(row);
  }

  hasLiveKeys(): boolean {
    return this.db.prepare('SELECT 1 FROM api_keys WHERE revoked_at IS NULL LIMIT 1').get() !== undefined;
  }

  close(): void {
    this.db.close();
  }
}

function fromRow(row: Row): StoredKey {
  return { id: row.id, label: row.label, scopes: row.scopes.split(',') as Scope[], createdAt: row.created_at, ...(row.revoked_at ? { revokedAt: row.revoked_at } : {}) };
}
