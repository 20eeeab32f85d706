// The request log in the embedded SQLite file. better-sqlite3 is synchronous, but a write is one
// small indexed row in WAL mode (tens of microseconds), done at handshake and at close only, never
// per frame. The server that opens the file marks the open records of server processes that no
// longer run `interrupted` (they crashed or were killed): one file belongs to one machine, so a
// process id tells — except its own: a server in a container is PID 1 after every restart, so an
// open record under the opener's own id is an earlier run's, since this one has written none yet.
import type Database from 'better-sqlite3';
import { DAY_MS, type RequestLog, type RequestQuery } from '../request-log.js';
import type { RequestRecord } from '../request-record.js';

export class SqliteRequestLog implements RequestLog {
  private readonly upsert: Database.Statement;
  private readonly selectOne: Database.Statement;
  private readonly selectPage: Database.Statement;
  private readonly deleteOlder: Database.Statement;

  /** `writer`: create the table and mark the records of dead servers; a reader opens the file read-only. */
  constructor(private readonly db: Database.Database, { writer }: { writer: boolean }) {
    if (writer) {
      db.exec(`CREATE TABLE IF NOT EXISTS requests (
        request_id TEXT PRIMARY KEY,
        opened_at TEXT NOT NULL,
        state TEXT NOT NULL,
        server_pid INTEGER NOT NULL,
        record TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS requests_opened_at ON requests (opened_at);`);
    }
    this.upsert = db.prepare(
      `INSERT INTO requests (request_id, opened_at, state, server_pid, record) VALUES (@requestId, @openedAt, @state, @serverPid, @record)
       ON CONFLICT (request_id) DO UPDATE SET state = excluded.state, record = excluded.record`,
    );
    this.selectOne = db.prepare('SELECT record FROM requests WHERE request_id = ?');
    this.selectPage = db.prepare('SELECT record FROM requests WHERE opened_at < ? ORDER BY opened_at DESC LIMIT ?');
    this.deleteOlder = db.prepare('DELETE FROM requests WHERE opened_at < ?');
  }

  async write(record: RequestRecord): Promise<void> {
    this.upsert.run({ requestId: record.requestId, openedAt: record.openedAt, state: record.state, serverPid: record.serverPid, record: JSON.stringify(record) });
  }

  async get(requestId: string): Promise<RequestRecord | undefined> {
    const row = this.selectOne.get(requestId) as { record: string } | undefined;
    return row && JSON.parse(row.record);
  }

  async list({ limit, before = '9999' }: RequestQuery): Promise<RequestRecord[]> {
    return (this.selectPage.all(before, limit) as Array<{ record: string }>).map((r) => JSON.parse(r.record));
  }

  async prune(days: number): Promise<number> {
    return this.deleteOlder.run(new Date(Date.now() - days * DAY_MS).toISOString()).changes;
  }

  /** Open records of server processes that no longer run (crashed or killed); called before this process writes any. */
  async markInterrupted(): Promise<void> {
    const open = this.db.prepare("SELECT record FROM requests WHERE state = 'open'").all() as Array<{ record: string }>;
    for (const { record } of open) {
      const r: RequestRecord = JSON.parse(record);
      if (!processRuns(r.serverPid)) await this.write({ ...r, state: 'interrupted' });
    }
  }
}

function processRuns(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, as another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
