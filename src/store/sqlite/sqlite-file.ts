// The embedded SQLite file Earshot keeps its state in (the request log, API keys): WAL with
// synchronous=NORMAL, so a committed row survives a crash or kill -9 of the process, and a second
// process (the CLI) can read or write beside a running server.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** `path` ':memory:' lives as long as the process; `readonly` opens a file that must exist. */
export function openDatabase(path: string, { readonly = false } = {}): Database.Database {
  if (path !== ':memory:' && !readonly) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { readonly, fileMustExist: readonly });
  if (!readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  }
  return db;
}
