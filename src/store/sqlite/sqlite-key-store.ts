// API keys in the embedded SQLite file, beside the request log.
import type Database from 'better-sqlite3';
import { newKey, secretHash, type KeyStore, type Scope, type StoredKey } from '../api-keys.js';

interface Row {
  id: string;
  label: string;
  scopes: string;
  created_at: string;
  revoked_at: string | null;
}

export class SqliteKeyStore implements KeyStore {
  constructor(private readonly db: Database.Database, { writer }: { writer: boolean }) {
    if (writer) {
      db.exec(`CREATE TABLE IF NOT EXISTS api_keys (
        id TEXT PRIMARY KEY,
        hash TEXT NOT NULL UNIQUE,
        label TEXT NOT NULL,
        scopes TEXT NOT NULL,
        created_at TEXT NOT NULL,
        revoked_at TEXT
      )`);
    }
  }

  async create(label: string, scopes: Scope[]): Promise<{ key: StoredKey; secret: string }> {
    const { key, secret, hash } = newKey(label, scopes);
    this.db.prepare('INSERT INTO api_keys (id, hash, label, scopes, created_at) VALUES (?, ?, ?, ?, ?)').run(key.id, hash, label, scopes.join(','), key.createdAt);
    return { key, secret };
  }

  async list(): Promise<StoredKey[]> {
    return (this.db.prepare('SELECT * FROM api_keys ORDER BY created_at').all() as Row[]).map(fromRow);
  }

  async revoke(id: string): Promise<boolean> {
    return this.db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(new Date().toISOString(), id).changes === 1;
  }

  async find(secret: string): Promise<StoredKey | undefined> {
    const row = this.db.prepare('SELECT * FROM api_keys WHERE hash = ? AND revoked_at IS NULL').get(secretHash(secret)) as Row | undefined;
    return row && fromRow(row);
  }

  async findById(id: string): Promise<StoredKey | undefined> {
    const row = this.db.prepare('SELECT * FROM api_keys WHERE id = ? AND revoked_at IS NULL').get(id) as Row | undefined;
    return row && fromRow(row);
  }

  async hasLiveKeys(): Promise<boolean> {
    return this.db.prepare('SELECT 1 FROM api_keys WHERE revoked_at IS NULL LIMIT 1').get() !== undefined;
  }
}

function fromRow(row: Row): StoredKey {
  return { id: row.id, label: row.label, scopes: row.scopes.split(',') as Scope[], createdAt: row.created_at, ...(row.revoked_at ? { revokedAt: row.revoked_at } : {}) };
}
