// Builds a running Earshot: engines loaded first (so no handshake ever waits on a model), then the
// socket. Used by `earshot serve`, the tests and the benchmark alike.
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { ffmpegAvailable } from '../audio/ffmpeg-decoder.js';
import type { Recognizer } from '../engines/recognizer.js';
import { RecognizerSet } from '../engines/recognizer-set.js';
import { openStateStore } from '../store/state-store.js';
import { StoreError } from '../store/store.js';
import { defaultConfig, isLoopback, type ServerConfig } from './config.js';
import { EarshotServer } from './earshot-server.js';

export interface RunningEarshot {
  server: EarshotServer;
  /** The settings it runs with, defaults filled in. */
  config: ServerConfig;
  /** Whether clients need a key or token (keys given or stored). */
  authRequired: boolean;
  recognizers: RecognizerSet;
  /** The default recognizer. */
  recognizer: Recognizer;
  address: AddressInfo;
  url: string;
  /** Drains (finalizing open streams) and releases the engines. */
  stop(graceMs?: number): Promise<void>;
}

export class ConfigError extends Error {}

/** `given`: recognizers to use instead of those the configuration names (a test's scripted one). */
export async function startEarshot(overrides: Partial<ServerConfig>, log: Logger, given?: RecognizerSet): Promise<RunningEarshot> {
  const config: ServerConfig = { ...defaultConfig, ...overrides };
  const serverName = `${hostname()}:${process.pid}`;
  const store = await openStateStore({ databaseUrl: config.databaseUrl, sqlitePath: config.requestLog }, { role: 'server', server: serverName }, (err) =>
    log.error({ err: String(err) }, 'state store error'),
  ).catch((err) => {
    throw err instanceof StoreError ? new ConfigError(err.message) : err;
  });
  const authRequired = config.apiKeys.length > 0 || (await store.keys.hasLiveKeys());
  // Unless told, listen on every address once any key guards the server (given or stored), else loopback only.
  if (overrides.host === undefined) config.host = authRequired ? '0.0.0.0' : defaultConfig.host;
  if (!authRequired && !isLoopback(config.host)) {
    await store.close();
    throw new ConfigError(`no API key is configured, so Earshot only listens on loopback; give --api-key (or EARSHOT_API_KEYS), or create one with 'earshot keys create', to listen on ${config.host}`);
  }
  const recognizers = given ?? RecognizerSet.build({ models: config.models, workers: config.workers, decodeTimeoutMs: config.decodeTimeoutMs });
  const loading = performance.now();
  await recognizers.load();
  log.info({ engines: recognizers.all.map((e) => e.info), default: recognizers.defaultRecognizer.info.name, workers: config.workers, ms: Math.round(performance.now() - loading) }, 'engines loaded');

  if (!ffmpegAvailable()) log.warn('ffmpeg is not installed: only WAV and raw PCM can be decoded (scripts/install-system-packages.sh installs it)');
  const prune = () => store.requests.prune(config.requestLogDays);
  const pruned = await prune();
  // Retention is applied at start and then daily, so a long-running server keeps its log bounded.
  const pruning = setInterval(() => prune().catch((err) => log.error({ err: String(err) }, 'request log pruning failed')), 86_400_000).unref();
  log.info({ store: store.where, server: serverName, retentionDays: config.requestLogDays, pruned }, 'request log open');
  const server = new EarshotServer({ config, recognizers, log, store, serverName, authRequired });
  const address = await server.listen();
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `ws://${host}:${address.port}`;
  if (!authRequired) log.warn('no API key configured: authentication is off and Earshot listens on loopback only');
  log.info({ url: `${url}/v1/listen` }, 'listening');
  return {
    server,
    config,
    authRequired,
    recognizers,
    recognizer: recognizers.defaultRecognizer,
    address,
    url,
    async stop(graceMs = 0) {
      await server.drain(graceMs);
      clearInterval(pruning);
      await store.close();
      await recognizers.close();
    },
  };
}
