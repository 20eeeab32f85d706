// The shared state store for replicas: request log and API keys in one PostgreSQL database.
import pg from 'pg';
import { StoreError, type StateStore, type StoreRole } from '../store.js';
import { PostgresKeyStore } from './postgres-key-store.js';
import { PostgresRequestLog } from './postgres-request-log.js';
import { createSchema } from './postgres-schema.js';
import { ServerHeartbeat } from './server-heartbeat.js';

/** Writes are two per request and key lookups one per handshake: a few connections are plenty. */
const POOL_SIZE = 4;
/** A handshake that needs a stored key waits this long at most for an unreachable database before its 503. */
const CONNECT_TIMEOUT_MS = 5_000;

export async function openPostgresStore(url: string, role: StoreRole, onError: (err: unknown) => void): Promise<StateStore> {
  const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // An idle connection the database drops (a restart, a failover) must not crash the process.
  pool.on('error', onError);
  try {
    await createSchema(pool);
    const heartbeat = role.role === 'server' ? new ServerHeartbeat(pool, role.server, onError) : undefined;
    await heartbeat?.start();
    return {
      requests: new PostgresRequestLog(pool),
      keys: new PostgresKeyStore(pool),
      where: withoutPassword(url),
      async close() {
        await heartbeat?.stop().catch(onError);
        await pool.end();
      },
    };
  } catch (err) {
    await pool.end().catch(() => {});
    throw new StoreError(`could not open the PostgreSQL store at ${withoutPassword(url)}: ${(err as Error).message}`);
  }
}

function withoutPassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}
