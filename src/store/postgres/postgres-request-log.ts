// The request log in PostgreSQL, shared by every replica. Each record names the server (host:pid)
// that wrote it, so `earshot requests` tells which replica served a request.
import type { Pool } from 'pg';
import { DAY_MS, type RequestLog, type RequestQuery } from '../request-log.js';
import type { RequestRecord } from '../request-record.js';

export class PostgresRequestLog implements RequestLog {
  constructor(private readonly pool: Pool) {}

  async write(record: RequestRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO earshot_requests (request_id, opened_at, state, server, record) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (request_id) DO UPDATE SET state = excluded.state, record = excluded.record`,
      [record.requestId, record.openedAt, record.state, record.server ?? '', JSON.stringify(record)],
    );
  }

  async get(requestId: string): Promise<RequestRecord | undefined> {
    const { rows } = await this.pool.query<{ record: RequestRecord }>('SELECT record FROM earshot_requests WHERE request_id = $1', [requestId]);
    return rows[0]?.record;
  }

  async list({ limit, before }: RequestQuery): Promise<RequestRecord[]> {
    const { rows } = await this.pool.query<{ record: RequestRecord }>(
      'SELECT record FROM earshot_requests WHERE $1::timestamptz IS NULL OR opened_at < $1::timestamptz ORDER BY opened_at DESC LIMIT $2',
      [before ?? null, limit],
    );
    return rows.map((r) => r.record);
  }

  async prune(days: number): Promise<number> {
    const { rowCount } = await this.pool.query('DELETE FROM earshot_requests WHERE opened_at < $1', [new Date(Date.now() - days * DAY_MS).toISOString()]);
    return rowCount ?? 0;
  }
}
