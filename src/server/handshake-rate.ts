// Handshakes per client address over a sliding minute. Each address keeps at most `perMinute`
// timestamps, and addresses quiet for a minute are forgotten, so memory stays bounded whatever
// the number of clients.
const WINDOW_MS = 60_000;
/** Past this many addresses, quiet ones are swept out on the next attempt. */
const SWEEP_ABOVE = 10_000;

export class HandshakeRate {
  private readonly recent = new Map<string, number[]>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts an attempt from `address`; false if it is over its rate (0: no limit). */
  admit(address: string): boolean {
    if (this.perMinute <= 0) return true;
    const now = this.now();
    const since = now - WINDOW_MS;
    const times = (this.recent.get(address) ?? []).filter((t) => t > since);
    const admitted = times.length < this.perMinute;
    if (admitted) times.push(now);
    this.recent.set(address, times);
    if (this.recent.size > SWEEP_ABOVE) {
      for (const [a, ts] of this.recent) if (ts.every((t) => t <= since)) this.recent.delete(a);
    }
    return admitted;
  }
}
