// The durable request log: one record per connection attempt (live or pre-recorded), written at the
// handshake and again when the request ends. Records a server still holds open when it stops
// abruptly are marked `interrupted` by the next server to open the store (or, with PostgreSQL, by
// any replica once the dead one's heartbeat is stale).
import type { RequestRecord } from './request-record.js';

export interface RequestQuery {
  limit: number;
  /** Only records opened before this ISO time (for paging back). */
  before?: string;
}

export interface RequestLog {
  /** Inserts or replaces the record with this request id. */
  write(record: RequestRecord): Promise<void>;
  get(requestId: string): Promise<RequestRecord | undefined>;
  /** Newest first. */
  list(query: RequestQuery): Promise<RequestRecord[]>;
  /** Deletes records opened more than `days` ago; returns how many. */
  prune(days: number): Promise<number>;
}

export const DAY_MS = 86_400_000;
