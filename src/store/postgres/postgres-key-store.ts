// API keys in PostgreSQL: one set for every replica, so a key made or revoked with
// `earshot keys --database-url …` counts at the next handshake on all of them.
import type { Pool } from 'pg';
import { newKey, secretHash, type KeyStore, type Scope, type StoredKey } from '../api-keys.js';

interface Row {
  id: string;
  label: string;
  scopes: string[];
  created_at: Date;
  revoked_at: Date | null;
}

export class PostgresKeyStore implements KeyStore {
  constructor(private readonly pool: Pool) {}

  async create(label: string, scopes: Scope[]): Promise<{ key: StoredKey; secret: string }> {
    const { key, secret, hash } = newKey(label, scopes);
    await this.pool.query('INSERT INTO earshot_api_keys (id, hash, label, scopes, created_at) VALUES ($1, $2, $3, $4, $5)', [key.id, hash, label, scopes, key.createdAt]);
    return { key, secret };
  }

  async list(): Promise<StoredKey[]> {
    const { rows } = await this.pool.query<Row>('SELECT * FROM earshot_api_keys ORDER BY created_at');
    return rows.map(fromRow);
  }

  async revoke(id: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('UPDATE earshot_api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [id]);
    return rowCount === 1;
  }

  async find(secret: string): Promise<StoredKey | undefined> {
    const { rows } = await this.pool.query<Row>('SELECT * FROM earshot_api_keys WHERE hash = $1 AND revoked_at IS NULL', [secretHash(secret)]);
    return rows[0] && fromRow(rows[0]);
  }

  async findById(id: string): Promise<StoredKey | undefined> {
    const { rows } = await this.pool.query<Row>('SELECT * FROM earshot_api_keys WHERE id = $1 AND revoked_at IS NULL', [id]);
    return rows[0] && fromRow(rows[0]);
  }

  async hasLiveKeys(): Promise<boolean> {
    const { rowCount } = await this.pool.query('SELECT 1 FROM earshot_api_keys WHERE revoked_at IS NULL LIMIT 1');
    return rowCount === 1;
  }
}

function fromRow(row: Row): StoredKey {
  return {
    id: row.id,
    label: row.label,
    scopes: row.scopes as Scope[],
    createdAt: row.created_at.toISOString(),
    ...(row.revoked_at ? { revokedAt: row.revoked_at.toISOString() } : {}),
  };
}
