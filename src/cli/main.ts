#!/usr/bin/env node
// `earshot`: the command line. `serve` runs the server; client commands come later.
import { Command, InvalidArgumentError } from 'commander';
import { pino } from 'pino';
import { defaultConfig } from '../server/config.js';
import { ConfigError, startEarshot } from '../server/start.js';

const integer = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number');
  return n;
};

const collect = (value: string, previous: string[]): string[] => [...previous, value];

const program = new Command('earshot').description('Self-hosted live speech-to-text that speaks Deepgram\'s streaming API');

program
  .command('serve')
  .description('run the server (Moonshine-tiny + Silero VAD)')
  .option('--host <host>', 'address to listen on (loopback unless an API key is set)')
  .option('--port <port>', 'port to listen on', integer, defaultConfig.port)
  .option('--api-key <key>', 'accept this API key (repeatable; also EARSHOT_API_KEYS, comma-separated)', collect, [])
  .option('--max-streams <n>', 'concurrent streams before 429', integer, defaultConfig.maxStreams)
  .option('--workers <n>', 'decode worker threads', integer, defaultConfig.decodeWorkers)
  .option('--inactivity-timeout <ms>', 'NET-0001: close a stream after this long without audio/frames', integer, defaultConfig.inactivityTimeoutMs)
  .option('--keepalive-before-audio', 'let KeepAlive alone keep a stream open before its first audio (for clients that gate silence)', false)
  .option('--decode-timeout <ms>', 'NET-0000: a decode slower than this is an engine stall', integer, defaultConfig.decodeTimeoutMs)
  .option('--drain-grace <ms>', 'on SIGTERM, how long open streams may continue', integer, defaultConfig.drainGraceMs)
  .action(async (opts) => {
    const log = pino({ level: process.env.EARSHOT_LOG_LEVEL ?? 'info' });
    const envKeys = (process.env.EARSHOT_API_KEYS ?? '').split(',').map((k) => k.trim()).filter(Boolean);
    const apiKeys = [...opts.apiKey, ...envKeys];
    try {
      const running = await startEarshot(
        {
          host: opts.host ?? (apiKeys.length > 0 ? '0.0.0.0' : defaultConfig.host),
          port: opts.port,
          apiKeys,
          maxStreams: opts.maxStreams,
          decodeWorkers: opts.workers,
          inactivityTimeoutMs: opts.inactivityTimeout,
          keepAliveBeforeAudio: opts.keepaliveBeforeAudio,
          decodeTimeoutMs: opts.decodeTimeout,
          drainGraceMs: opts.drainGrace,
        },
        log,
      );
      console.error(`earshot: listening on ${running.url}/v1/listen`);
      const stop = (signal: string) => {
        log.info({ signal }, 'shutting down');
        running.stop(opts.drainGrace).then(() => process.exit(0), (err) => {
          log.error({ err: String(err) }, 'shutdown failed');
          process.exit(1);
        });
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    } catch (err) {
      console.error(`earshot: ${err instanceof ConfigError ? err.message : String(err)}`);
      process.exit(2);
    }
  });

await program.parseAsync();
