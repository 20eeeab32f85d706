// Earshot's tables in a PostgreSQL database, prefixed so they can share a database with others.
// Made by whichever process opens the store first; an advisory lock serializes replicas starting
// together (CREATE TABLE IF NOT EXISTS alone races in PostgreSQL).
import type { Pool } from 'pg';

/** An arbitrary constant: the advisory lock that serializes schema creation. */
const SCHEMA_LOCK = 0x6561_7273;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS earshot_requests (
  request_id text PRIMARY KEY,
  opened_at timestamptz NOT NULL,
  state text NOT NULL,
  server text NOT NULL,
  record jsonb NOT NULL
);
CREATE INDEX IF NOT EXISTS earshot_requests_opened_at ON earshot_requests (opened_at);
CREATE INDEX IF NOT EXISTS earshot_requests_open ON earshot_requests (server) WHERE state = 'open';
CREATE TABLE IF NOT EXISTS earshot_api_keys (
  id text PRIMARY KEY,
  hash text NOT NULL UNIQUE,
  label text NOT NULL,
  scopes text[] NOT NULL,
  created_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE TABLE IF NOT EXISTS earshot_servers (
  server text PRIMARY KEY,
  started_at timestamptz NOT NULL,
  seen_at timestamptz NOT NULL
);`;

export async function createSchema(pool: Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
    await client.query(SCHEMA);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
