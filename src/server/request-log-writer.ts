// Writes request records without ever holding up a stream: a write runs in the background, a
// failed one (disk full, database gone) is logged under the request id, and the writes of one
// request land in order (the close after the open), even when the store runs them on different
// connections. `flush` waits for every write, before the store is closed.
import type { Logger } from 'pino';
import type { RequestLog } from '../store/request-log.js';
import type { RequestRecord } from '../store/request-record.js';

export class RequestLogWriter {
  /** The last write of each request still running. */
  private readonly pending = new Map<string, Promise<void>>();

  constructor(
    private readonly log: RequestLog,
    private readonly logger: Logger,
  ) {}

  write(record: RequestRecord): void {
    const id = record.requestId;
    const previous = this.pending.get(id) ?? Promise.resolve();
    const done = previous
      .then(() => this.log.write(record))
      .catch((err) => this.logger.error({ requestId: id, err: String(err) }, 'could not write the request log'))
      .finally(() => {
        if (this.pending.get(id) === done) this.pending.delete(id);
      });
    this.pending.set(id, done);
  }

  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.all(this.pending.values());
  }
}
