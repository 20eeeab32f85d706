// Polls /healthz while abuse runs, so a test can assert the event loop stayed responsive throughout,
// not only at the end. The server runs in the test's own process, so a stalled loop also delays the
// poll's own timer: each poll is timed from when it was due, not from when it started, so that a
// stall while the monitor sleeps between polls is seen too. Bounded: it stops when told, or after `maxSeconds`.
import { request } from 'node:http';

export interface HealthMonitor {
  /** Stops polling; resolves with the slowest answer seen, in ms (Infinity if one never came). */
  stop(): Promise<{ worstMs: number; polls: number }>;
}

export function monitorHealth(baseUrl: string, { everyMs = 50, maxSeconds = 120 } = {}): HealthMonitor {
  const url = `${baseUrl.replace(/^ws/, 'http')}/healthz`;
  let running = true;
  let worstMs = 0;
  let polls = 0;
  const until = Date.now() + maxSeconds * 1000;
  const poll = (started: number): Promise<number> =>
    new Promise((resolve) => {
      const req = request(url, { agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(performance.now() - started));
      });
      req.setTimeout(5000, () => req.destroy());
      req.on('error', () => resolve(Infinity));
      req.end();
    });
  const loop = (async () => {
    let due = performance.now();
    while (running && Date.now() < until) {
      worstMs = Math.max(worstMs, await poll(due));
      polls++;
      due = performance.now() + everyMs;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { worstMs, polls };
    },
  };
}
