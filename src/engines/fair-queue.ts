// The decode queue's order: by priority first (finals before interims), then round-robin across
// the streams that have work waiting, so no stream can take the engine from the others. A client
// sending at 100x real time queues many finals; a real-time stream's one final then waits for at
// most one job of each other waiting stream, not for the whole backlog.
//
//   priority 0:  A1 A2 A3 A4   B1        C1 C2     →  A1 B1 C1 A2 C2 A3 A4
//   priority 1:  (only once priority 0 is empty)
//
// Each stream's own jobs stay in the order they were queued (a stream's finals go out in order).
// Push and shift are O(1) but for the priorities, which are few.

interface Level<T> {
  priority: number;
  /** Streams with jobs waiting at this priority, in turn order: Map keeps insertion order. */
  turns: Map<string, T[]>;
}

export class FairQueue<T> {
  /** Sorted by priority, most urgent first. */
  private levels: Level<T>[] = [];
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(item: T, priority: number, stream: string): void {
    let level = this.levels.find((l) => l.priority === priority);
    if (!level) {
      level = { priority, turns: new Map() };
      this.levels.push(level);
      this.levels.sort((a, b) => a.priority - b.priority);
    }
    const jobs = level.turns.get(stream);
    if (jobs) jobs.push(item);
    else level.turns.set(stream, [item]);
    this.count++;
  }

  /** The next job: most urgent priority, the stream whose turn it is; that stream then goes last. */
  shift(): T | undefined {
    for (const level of this.levels) {
      const next = level.turns.entries().next();
      if (next.done) continue;
      const [stream, jobs] = next.value;
      const item = jobs.shift()!;
      level.turns.delete(stream);
      if (jobs.length > 0) level.turns.set(stream, jobs);
      this.count--;
      return item;
    }
    return undefined;
  }

  /** Every waiting job with its priority, in no particular order. */
  *entries(): Generator<[T, number]> {
    for (const level of this.levels) for (const jobs of level.turns.values()) for (const item of jobs) yield [item, level.priority];
  }

  /** Takes every waiting job out. */
  clear(): T[] {
    const all = [...this.entries()].map(([item]) => item);
    this.levels = [];
    this.count = 0;
    return all;
  }
}
