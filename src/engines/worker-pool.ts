// Model inference runs here, off the event loop: onnxruntime-node's `run` is synchronous under its
// promise, so a decode on the main thread would stall every socket. One queue serves all streams:
// lower priority numbers run first, and streams take turns within a priority (fair-queue.ts). A job
// that outlives its deadline is a stalled engine: its caller hears of it at once and a fresh worker
// takes the stalled one's place.
//
// A worker is never terminated while it is inside onnxruntime: that aborts the whole process
// ("terminate called after throwing an instance of 'Napi::Error'"). A worker taken out of service
// ends when its current run returns; one that never returns is unref'd at close.
import { Worker } from 'node:worker_threads';
import { FairQueue } from './fair-queue.js';

export class EngineError extends Error {}

/** The worker script `name` beside `moduleUrl`: .ts when running from sources, .js when built. */
export function siblingScript(moduleUrl: string, name: string): URL {
  return new URL(`./${name}${moduleUrl.endsWith('.ts') ? '.ts' : '.js'}`, moduleUrl);
}

const CLOSE_GRACE_MS = 60_000;

/** A job's answer, with how long a worker spent on it (queueing excluded). */
export interface Ran<Res> {
  result: Res;
  runMs: number;
}

interface Job<Req, Res> {
  request: Req;
  transfer: ArrayBuffer[];
  settled: boolean;
  queuedAt: number;
  startedAt?: number;
  resolve: (r: Ran<Res>) => void;
  reject: (e: Error) => void;
}

interface Slot<Req, Res> {
  worker: Worker;
  ready: boolean;
  /** The job its thread is running (settled already if it stalled). */
  job?: Job<Req, Res>;
  timer?: NodeJS.Timeout;
  /** Out of service: terminate as soon as it is idle. */
  ending: boolean;
  exited: Promise<void>;
}

type WorkerReply<Res> = { type: 'ready' } | { type: 'result'; result: Res } | { type: 'error'; message: string };

export interface WorkerPoolOptions {
  name: string;
  script: URL;
  size: number;
  workerData: unknown;
  /** A job running longer than this is a stalled engine. */
  jobTimeoutMs: number;
}

function settle<Req, Res>(job: Job<Req, Res> | undefined, outcome: { result: Res } | { error: Error }): void {
  if (!job || job.settled) return;
  job.settled = true;
  if ('error' in outcome) job.reject(outcome.error);
  else job.resolve({ result: outcome.result, runMs: performance.now() - job.startedAt! });
}

export class WorkerPool<Req, Res> {
  /** Workers in service. */
  private serving: Slot<Req, Res>[] = [];
  /** Every live worker, in service or ending. */
  private readonly live = new Set<Slot<Req, Res>>();
  private readonly queue = new FairQueue<Job<Req, Res>>();
  private closed = false;

  constructor(private readonly options: WorkerPoolOptions) {}

  /** Starts every worker and resolves once all have loaded their model. */
  async start(): Promise<void> {
    await Promise.all(Array.from({ length: this.options.size }, () => this.spawn()));
  }

  get size(): number {
    return this.serving.length;
  }

  get busy(): number {
    return this.serving.filter((s) => s.job).length;
  }

  get queued(): number {
    return this.queue.length;
  }

  /** How long the longest-waiting queued job of `priority` or more urgent has waited, in ms (0: none waits). */
  oldestWaitMs(priority: number): number {
    const now = performance.now();
    let longest = 0;
    for (const [job, p] of this.queue.entries()) if (p <= priority) longest = Math.max(longest, now - job.queuedAt);
    return longest;
  }

  /** `stream`: whose job this is; streams take turns within a priority. */
  run(request: Req, priority: number, stream: string, transfer: ArrayBuffer[] = []): Promise<Ran<Res>> {
    if (this.closed) return Promise.reject(new EngineError(`${this.options.name} is closed`));
    return new Promise<Ran<Res>>((resolve, reject) => {
      const job: Job<Req, Res> = { request, transfer, settled: false, queuedAt: performance.now(), resolve, reject };
      this.queue.push(job, priority, stream);
      this.dispatch();
    });
  }

  /**
   * Fails queued jobs, lets running ones finish, then ends every worker. A process must not exit
   * with a thread inside onnxruntime (that aborts too), so this waits for every run to return,
   * up to CLOSE_GRACE_MS for one that is truly stuck.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.clear()) settle(job, { error: new EngineError(`${this.options.name} closed`) });
    for (const slot of [...this.serving]) this.takeOutOfService(slot);
    const slots = [...this.live];
    const grace = new Promise<void>((r) => setTimeout(r, CLOSE_GRACE_MS).unref());
    await Promise.race([Promise.all(slots.map((s) => s.exited)), grace]);
    for (const slot of slots) slot.worker.unref();
  }

  private spawn(): Promise<void> {
    // Running from TypeScript sources (tests, dev), the worker registers tsx's loader first.
    const { script, workerData, name } = this.options;
    const worker = script.pathname.endsWith('.ts')
      ? new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(script.href)}); })`, { eval: true, workerData })
      : new Worker(script, { workerData });
    const slot: Slot<Req, Res> = { worker, ready: false, ending: false, exited: new Promise((r) => worker.once('exit', () => r())) };
    this.serving.push(slot);
    this.live.add(slot);
    return new Promise<void>((resolve, reject) => {
      worker.on('message', (reply: WorkerReply<Res>) => {
        if (reply.type === 'ready') {
          slot.ready = true;
          resolve();
        } else {
          clearTimeout(slot.timer);
          settle(slot.job, reply.type === 'result' ? { result: reply.result } : { error: new EngineError(reply.message) });
          slot.job = undefined;
        }
        if (slot.ending) void worker.terminate();
        else this.dispatch();
      });
      // The thread is gone (crashed, or ended by us): nothing of it runs any more.
      const died = (why: string) => {
        clearTimeout(slot.timer);
        settle(slot.job, { error: new EngineError(`${name} worker ${why}`) });
        slot.job = undefined;
        this.live.delete(slot);
        if (!slot.ready) reject(new EngineError(`${name} worker ${why} while loading`));
        if (!slot.ending) this.replace(slot);
      };
      worker.on('error', (err) => died(`failed: ${err.message}`));
      worker.on('exit', (code) => died(`exited with code ${code}`));
    });
  }

  private takeOutOfService(slot: Slot<Req, Res>): void {
    this.serving = this.serving.filter((s) => s !== slot);
    slot.ending = true;
    if (!slot.job && slot.ready) void slot.worker.terminate();
  }

  /** Puts a fresh worker in the place of one that died or stalled. */
  private replace(slot: Slot<Req, Res>): void {
    this.takeOutOfService(slot);
    if (this.closed) return;
    this.spawn().catch((err) => {
      if (this.serving.length > 0) return;
      for (const job of this.queue.clear()) settle(job, { error: new EngineError(String(err)) });
    });
  }

  private dispatch(): void {
    for (const slot of this.serving) {
      if (this.queue.length === 0) return;
      if (!slot.ready || slot.job) continue;
      const job = this.queue.shift()!;
      slot.job = job;
      job.startedAt = performance.now();
      slot.timer = setTimeout(() => {
        settle(job, { error: new EngineError(`${this.options.name} stalled: no answer within ${this.options.jobTimeoutMs} ms`) });
        this.replace(slot);
      }, this.options.jobTimeoutMs);
      slot.worker.postMessage(job.request, job.transfer);
    }
  }
}
