// The embedded state store: one SQLite file (WAL, synchronous=NORMAL) holding the request log and
// the API keys, shared by a server and the CLI on the same machine.
import { openDatabase } from './sqlite-file.js';
import { SqliteKeyStore } from './sqlite-key-store.js';
import { SqliteRequestLog } from './sqlite-request-log.js';
import type { StateStore, StoreRole } from '../store.js';

export async function openSqliteStore(path: string, role: StoreRole): Promise<StateStore> {
  const readonly = role.role === 'reader';
  const db = openDatabase(path, { readonly });
  const requests = new SqliteRequestLog(db, { writer: !readonly });
  const keys = new SqliteKeyStore(db, { writer: !readonly });
  if (role.role === 'server') await requests.markInterrupted();
  return {
    requests,
    keys,
    where: path,
    async close() {
      db.close();
    },
  };
}
