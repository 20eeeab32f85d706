// Where Earshot keeps its state: the request log and the API keys. An embedded SQLite file by
// default; PostgreSQL when EARSHOT_DATABASE_URL (or --database-url) names one, so that replicas
// behind a load balancer share one log and one set of keys.
import { existsSync } from 'node:fs';
import { StoreError, type StateStore, type StoreRole } from './store.js';

export interface StoreLocation {
  /** postgres:// or postgresql:// URL; when set, the SQLite path is not used. */
  databaseUrl?: string;
  /** The SQLite file; ':memory:' keeps the state in the process only. */
  sqlitePath: string;
}

/**
 * Each backend is loaded on demand: a PostgreSQL deployment never loads the native SQLite addon.
 * `onError`: failures in the background (a dropped idle connection, a missed heartbeat), which must
 * not crash a server.
 */
export async function openStateStore(location: StoreLocation, role: StoreRole, onError: (err: unknown) => void = () => {}): Promise<StateStore> {
  if (location.databaseUrl) {
    if (!/^postgres(ql)?:\/\//.test(location.databaseUrl)) throw new StoreError(`the database URL must start with postgres:// (got ${location.databaseUrl.split(':')[0]}:)`);
    const { openPostgresStore } = await import('./postgres/postgres-store.js');
    return openPostgresStore(location.databaseUrl, role, onError);
  }
  if (role.role === 'reader' && !existsSync(location.sqlitePath)) {
    throw new StoreError(`no request log at ${location.sqlitePath} (a server writes it there once it has started; --db names another, --database-url a PostgreSQL one)`);
  }
  const { openSqliteStore } = await import('./sqlite/sqlite-store.js');
  return openSqliteStore(location.sqlitePath, role);
}
