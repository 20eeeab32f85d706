// The durable request log: one row per connection attempt, in an embedded SQLite file. better-sqlite3
// is synchronous, but a write is one small indexed row in WAL mode (tens of microseconds), done at
// handshake and at close only, never per frame.
//
// Durability: WAL with synchronous=NORMAL keeps every committed row through a crash or kill -9 of the
// process (the WAL is in the OS's hands once the write returns); only a power loss can cost the
// last transactions.
import type Database from 'better-sqlite3';
import { openDatabase } from '../store/sqlite-file.js';
import type { RequestRecord } from './request-record.js';

export interface RequestQuery {
  limit: number;
  /** Only records opened before this ISO time (for paging back). */
  before?: string;
}

const DAY_MS = 86_400_000;

export class RequestLog {
  private readonly db: Database.Database;
  private readonly upsert: Database.Statement;
  private readonly selectOne: Database.Statement;
  private readonly selectPage: Database.Statement;
  private readonly deleteOlder: Database.Statement;

  /**
   * `path` ':memory:' keeps the log for the life of the process only. `readonly` opens an existing
   * log beside the server that writes it (WAL lets both run), for `earshot requests`.
   */
  constructor(path: string, { readonly = false } = {}) {
    this.db = openDatabase(path, { readonly });
    if (!readonly) {
      this.db.exec(`CREATE TABLE IF NOT EXISTS requests (
        request_id TEXT PRIMARY KEY,
        opened_at TEXT NOT NULL,
        state TEXT NOT NULL,
        server_pid INTEGER NOT NULL,
        record TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS requests_opened_at ON requests (opened_at);`);
    }
    this.upsert = this.db.prepare(
      `INSERT INTO requests (request_id, opened_at, state, server_pid, record) VALUES (@requestId, @openedAt, @state, @serverPid, @record)
       ON CONFLICT (request_id) DO UPDATE SET state = excluded.state, record = excluded.record`,
    );
    this.selectOne = this.db.prepare('SELECT record FROM requests WHERE request_id = ?');
    this.selectPage = this.db.prepare('SELECT record FROM requests WHERE opened_at < ? ORDER BY opened_at DESC LIMIT ?');
    this.deleteOlder = this.db.prepare('DELETE FROM requests WHERE opened_at < ?');
    if (!readonly) this.markInterrupted();
  }

  write(record: RequestRecord): void {
    this.upsert.run({ requestId: record.requestId, openedAt: record.openedAt, state: record.state, serverPid: record.serverPid, record: JSON.stringify(record) });
  }

  get(requestId: string): RequestRecord | undefined {
    const row = this.selectOne.get(requestId) as { record: string } | undefined;
    return row && JSON.parse(row.record);
  }

  /** Newest first. */
  list({ limit, before = '9999' }: RequestQuery): RequestRecord[] {
    return (this.selectPage.all(before, limit) as Array<{ record: string }>).map((r) => JSON.parse(r.record));
  }

  /** Deletes records opened more than `days` ago; returns how many. */
  prune(days: number, now = Date.now()): number {
    return this.deleteOlder.run(new Date(now - days * DAY_MS).toISOString()).changes;
  }

  close(): void {
    this.db.close();
  }

  /** Rows left open by a server process that no longer runs (it crashed or was killed). */
  private markInterrupted(): void {
    const open = this.db.prepare("SELECT record FROM requests WHERE state = 'open'").all() as Array<{ record: string }>;
    for (const { record } of open) {
      const r: RequestRecord = JSON.parse(record);
      if (!processRuns(r.serverPid)) this.write({ ...r, state: 'interrupted' });
    }
  }
}

function processRuns(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, as another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
