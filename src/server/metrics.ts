// What Earshot exports to Prometheus at GET /metrics: streams and transcriptions running, streams
// paused by back-pressure, audio transcribed, handshakes by outcome and failure code, stream closes
// by code, how long finals take, and each model's backlog and cost (its real-time factor), plus
// Node's process metrics.
// One registry per server, so servers in one process (the tests) never share counts.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { EngineLoad } from '../engines/engine.js';
import type { RecognizerSet } from '../engines/recognizer-set.js';
import type { FailureCode } from '../protocol/failure-codes.js';

export type Mode = 'live' | 'prerecorded';
/** Which API: /v1/listen (live and pre-recorded) or /v2/listen (Flux's turns, live only). */
export type Api = 'v1' | 'v2';

/** What the gauges read when scraped. */
export interface MetricSources {
  running(): Array<{ mode: Mode; api: Api; count: number }>;
  /** Live streams whose frames are not being read because the engine is behind them. */
  pausedStreams(): number;
}

export class Metrics {
  readonly registry = new Registry();
  private readonly handshakes = new Counter({
    name: 'earshot_handshakes_total',
    help: 'Stream handshakes (/v1/listen, /v2/listen) and pre-recorded requests, by HTTP status and failure code ("none" when accepted)',
    labelNames: ['mode', 'api', 'status', 'code'] as const,
    registers: [this.registry],
  });
  private readonly closes = new Counter({
    name: 'earshot_stream_closes_total',
    help: 'Live streams ended, by close code (1005: the client went away) and failure code',
    labelNames: ['close_code', 'code'] as const,
    registers: [this.registry],
  });
  private readonly audio = new Counter({
    name: 'earshot_audio_seconds_total',
    help: 'Seconds of audio transcribed (per channel)',
    labelNames: ['mode', 'api'] as const,
    registers: [this.registry],
  });
  private readonly refusalsNotLogged = new Counter({
    name: 'earshot_refusals_not_logged_total',
    help: 'Refusals counted but not written to the request log, their address being over its refusals per minute',
    registers: [this.registry],
  });
  private readonly finalLatency = new Histogram({
    name: 'earshot_final_latency_seconds',
    help: 'From the end of a final\'s audio being cut (endpoint, Finalize, CloseStream) to its Results going out: decode and queueing',
    buckets: [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10],
    registers: [this.registry],
  });

  constructor(recognizers: RecognizerSet, sources: MetricSources) {
    collectDefaultMetrics({ register: this.registry, prefix: 'earshot_' });
    new Gauge({
      name: 'earshot_active',
      help: 'Live streams and pre-recorded transcriptions running now',
      labelNames: ['mode', 'api'] as const,
      registers: [this.registry],
      collect() {
        for (const { mode, api, count } of sources.running()) this.set({ mode, api }, count);
      },
    });
    new Gauge({
      name: 'earshot_paused_streams',
      help: 'Live streams not being read because the engine is behind them (back-pressure on the client)',
      registers: [this.registry],
      collect() {
        this.set(sources.pausedStreams());
      },
    });
    const engineGauges: Array<[name: string, help: string, read: (load: EngineLoad) => number]> = [
      ['earshot_engine_queued_decodes', 'Decodes waiting for a worker: a backlog that keeps growing means the engine is behind real time', (l) => l.queued],
      ['earshot_engine_final_wait_seconds', 'How long the longest-waiting final decode has waited for a worker: how late finals are running', (l) => l.finalWaitSeconds],
      ['earshot_engine_cost_per_audio_second', 'Recent worker seconds spent per second of audio decoded (the engine\'s real-time factor; below 1 per worker keeps up)', (l) => l.costPerAudioSecond],
    ];
    for (const [name, help, read] of engineGauges) {
      new Gauge({
        name,
        help,
        labelNames: ['model'] as const,
        registers: [this.registry],
        collect() {
          for (const [model, recognizer] of recognizers.entries) this.set({ model }, read(recognizer.stats()));
        },
      });
    }
  }

  handshake(mode: Mode, api: Api, status: number, code: FailureCode | 'none'): void {
    this.handshakes.inc({ mode, api, status: String(status), code });
  }

  refusalNotLogged(): void {
    this.refusalsNotLogged.inc();
  }

  streamClosed(closeCode: number, code: FailureCode | 'none'): void {
    this.closes.inc({ close_code: String(closeCode), code });
  }

  transcribed(mode: Mode, api: Api, seconds: number): void {
    this.audio.inc({ mode, api }, seconds);
  }

  finalSent(latencySeconds: number): void {
    this.finalLatency.observe(latencySeconds);
  }

  /** The text exposition format, and its content type. */
  async exposition(): Promise<{ text: string; contentType: string }> {
    return { text: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}
