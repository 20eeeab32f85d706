// A real Earshot on a loopback port, in the test process, with the real engines.
import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import type { ServerConfig } from '../../src/server/config.js';
import { startEarshot, type RunningEarshot } from '../../src/server/start.js';

export interface TestServer extends RunningEarshot {
  /** Every JSON log line the server wrote so far. */
  logs(): any[];
}

export async function startServer(overrides: Partial<ServerConfig> = {}): Promise<TestServer> {
  const lines: any[] = [];
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line));
  });
  const log = pino({ level: 'info' }, sink);
  const running = await startEarshot({ host: '127.0.0.1', port: 0, decodeWorkers: 2, requestLogPath: ':memory:', ...overrides }, log);
  return { ...running, logs: () => lines };
}
