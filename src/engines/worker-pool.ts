// Model inference runs here, off the event loop: onnxruntime-node's `run` is synchronous under its
// promise, so a decode on the main thread would stall every socket. One queue serves all streams;
// lower priority numbers run first, and a job that outlives its deadline is treated as a stalled
// engine: its worker is replaced and the caller hears of it.
import { Worker } from 'node:worker_threads';

export class EngineError extends Error {}

interface Job<Req, Res> {
  request: Req;
  priority: number;
  transfer: ArrayBuffer[];
  resolve: (r: Res) => void;
  reject: (e: Error) => void;
}

interface Slot<Req, Res> {
  worker: Worker;
  job?: Job<Req, Res>;
  timer?: NodeJS.Timeout;
  ready: boolean;
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

export class WorkerPool<Req, Res> {
  private readonly slots: Slot<Req, Res>[] = [];
  private queue: Job<Req, Res>[] = [];
  private closed = false;

  constructor(private readonly options: WorkerPoolOptions) {}

  /** Starts every worker and resolves once all have loaded their model. */
  async start(): Promise<void> {
    await Promise.all(Array.from({ length: this.options.size }, () => this.spawn()));
  }

  get size(): number {
    return this.slots.length;
  }

  get busy(): number {
    return this.slots.filter((s) => s.job).length;
  }

  get queued(): number {
    return this.queue.length;
  }

  run(request: Req, priority: number, transfer: ArrayBuffer[] = []): Promise<Res> {
    if (this.closed) return Promise.reject(new EngineError(`${this.options.name} is closed`));
    return new Promise<Res>((resolve, reject) => {
      const job = { request, priority, transfer, resolve, reject };
      const at = this.queue.findIndex((j) => j.priority > priority);
      this.queue.splice(at === -1 ? this.queue.length : at, 0, job);
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue) job.reject(new EngineError(`${this.options.name} closed`));
    this.queue = [];
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private spawn(): Promise<void> {
    // Running from TypeScript sources (tests, dev), the worker registers tsx's loader first.
    const { script, workerData } = this.options;
    const worker = script.pathname.endsWith('.ts')
      ? new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(script.href)}); })`, { eval: true, workerData })
      : new Worker(script, { workerData });
    const slot: Slot<Req, Res> = { worker, ready: false };
    this.slots.push(slot);
    return new Promise<void>((resolve, reject) => {
      worker.on('message', (reply: WorkerReply<Res>) => {
        if (reply.type === 'ready') {
          slot.ready = true;
          resolve();
          this.dispatch();
          return;
        }
        const job = slot.job;
        this.finish(slot);
        if (!job) return;
        if (reply.type === 'result') job.resolve(reply.result);
        else job.reject(new EngineError(reply.message));
        this.dispatch();
      });
      worker.on('error', (err) => {
        if (!slot.ready) reject(err);
        this.replace(slot, new EngineError(`${this.options.name} worker failed: ${err.message}`));
      });
      worker.on('exit', (code) => {
        if (!slot.ready) reject(new EngineError(`${this.options.name} worker exited with code ${code} while loading`));
        this.replace(slot, new EngineError(`${this.options.name} worker exited with code ${code}`));
      });
    });
  }

  private finish(slot: Slot<Req, Res>): void {
    clearTimeout(slot.timer);
    slot.job = undefined;
    slot.timer = undefined;
  }

  /** Fails the slot's job, drops the worker and starts a fresh one in its place. */
  private replace(slot: Slot<Req, Res>, error: EngineError): void {
    const index = this.slots.indexOf(slot);
    if (index === -1) return;
    this.slots.splice(index, 1);
    const job = slot.job;
    this.finish(slot);
    job?.reject(error);
    void slot.worker.terminate();
    if (!this.closed && slot.ready) this.spawn().catch(() => this.failQueueIfNoWorkers(error));
  }

  private failQueueIfNoWorkers(error: EngineError): void {
    if (this.slots.length > 0) return;
    for (const job of this.queue) job.reject(error);
    this.queue = [];
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (!slot.ready || slot.job) continue;
      const job = this.queue.shift()!;
      slot.job = job;
      slot.timer = setTimeout(
        () => this.replace(slot, new EngineError(`${this.options.name} stalled: no answer within ${this.options.jobTimeoutMs} ms`)),
        this.options.jobTimeoutMs,
      );
      slot.worker.postMessage(job.request, job.transfer);
    }
  }
}
