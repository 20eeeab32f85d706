// Which replicas are alive, for marking the records of dead ones `interrupted`. A process id means
// nothing across machines, so each server writes a heartbeat row; a server whose row has not been
// refreshed for STALE_AFTER_S stopped abruptly (kill -9, a lost node), and any live replica then
// marks its open records. A server that stops normally deletes its row after its last record.
import type { Pool } from 'pg';

export const HEARTBEAT_INTERVAL_MS = 10_000;
/** Three missed heartbeats. */
export const STALE_AFTER_S = 30;

export class ServerHeartbeat {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly pool: Pool,
    private readonly server: string,
    private readonly onError: (err: unknown) => void,
  ) {}

  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => this.beat().catch(this.onError), HEARTBEAT_INTERVAL_MS).unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.pool.query('DELETE FROM earshot_servers WHERE server = $1', [this.server]);
  }

  /** Refreshes this server's row, then marks the open records of servers without a fresh one. */
  private async beat(): Promise<void> {
    await this.pool.query(
      `INSERT INTO earshot_servers (server, started_at, seen_at) VALUES ($1, now(), now())
       ON CONFLICT (server) DO UPDATE SET seen_at = now()`,
      [this.server],
    );
    await this.pool.query(
      `UPDATE earshot_requests r SET state = 'interrupted', record = jsonb_set(r.record, '{state}', '"interrupted"')
       WHERE r.state = 'open' AND NOT EXISTS (
         SELECT 1 FROM earshot_servers s WHERE s.server = r.server AND s.seen_at > now() - make_interval(secs => $1)
       )`,
      [STALE_AFTER_S],
    );
  }
}
