// What a state store is, whichever backend keeps it: the request log and the API keys.
import type { KeyStore } from './api-keys.js';
import type { RequestLog } from './request-log.js';

export interface StateStore {
  requests: RequestLog;
  keys: KeyStore;
  /** Where the state is, for logs and errors (a PostgreSQL URL without its password). */
  where: string;
  close(): Promise<void>;
}

/**
 * `server`: a running server's store (creates the schema, marks records of dead servers
 * `interrupted`, and with PostgreSQL keeps this server's heartbeat). `admin`: the CLI managing keys.
 * `reader`: the CLI reading the request log; a SQLite file must exist and is opened read-only.
 */
export type StoreRole = { role: 'server'; server: string } | { role: 'admin' } | { role: 'reader' };

export class StoreError extends Error {}
