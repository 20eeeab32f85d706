// A real Earshot on a loopback port, in the test process: with the real engines, or with a scripted
// recognizer for tests that need no real speech (it loads in no time, so those tests run in parallel).
import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import type { RecognizerSet } from '../../src/engines/recognizer-set.js';
import type { ServerConfig } from '../../src/server/config.js';
import { startEarshot, type RunningEarshot } from '../../src/server/start.js';
import { FakeRecognizer, fakeRecognizers } from './fake-recognizer.js';

export interface TestServer extends RunningEarshot {
  /** Every JSON log line the server wrote so far. */
  logs(): any[];
}

/** A server whose recognizer is the scripted fake: `fake.say(…)` sets what it hears. */
export type FakeServer = TestServer & { fake: FakeRecognizer };

export function startServer(overrides: Partial<ServerConfig> = {}): Promise<TestServer> {
  return start(overrides);
}

export async function startFakeServer(overrides: Partial<ServerConfig> = {}, fake = new FakeRecognizer()): Promise<FakeServer> {
  return { ...(await start(overrides, fakeRecognizers(fake))), fake };
}

async function start(overrides: Partial<ServerConfig>, recognizers?: RecognizerSet): Promise<TestServer> {
  const lines: any[] = [];
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line));
  });
  const log = pino({ level: 'info' }, sink);
  const running = await startEarshot({ host: '127.0.0.1', port: 0, workers: 2, requestLog: ':memory:', ...overrides }, log, recognizers);
  return { ...running, logs: () => lines };
}
