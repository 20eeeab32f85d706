#!/usr/bin/env node
// `earshot`: the command line. `serve` runs the server; `requests` reads its request log; `keys`
// manages API keys; `token`
// grants a browser access token; `doctor` checks any Deepgram-compatible endpoint; `stream`
// transcribes a file or stdin live; `transcribe` a whole file at once.
import { Command, InvalidArgumentError } from 'commander';
import { pino } from 'pino';
import { readFileSync } from 'node:fs';
import { defaultConfig, describeDefault, envOf, flagOf, readSettings, SettingError, SETTINGS, whole, type SettingName } from '../server/config.js';
import { ConfigError, startEarshot } from '../server/start.js';
import { formatCheck, runDoctor } from './doctor.js';
import { streamAudio } from './stream-command.js';
import { transcribeCommand } from './transcribe-command.js';
import { ExplainedError } from '../client/earshot-api.js';
import { GRANT_TTL_SECONDS } from '../server/access-tokens.js';
import { formatList, formatRecord, remoteRequests, storedRequests, type RequestSource } from './requests-command.js';
import { SCOPES, type KeyStore } from '../store/api-keys.js';
import { openStateStore, type StoreLocation } from '../store/state-store.js';
import { StoreError } from '../store/store.js';
import { clientFlags, withClientFlags } from './client-flags.js';
import { serveBanner } from './serve-banner.js';
import { createKey, listKeys, revokeKey } from './keys-command.js';
import { grantToken, PAGE_TTL_SECONDS, pageLink, pageNote } from './token-command.js';

const integer = (value: string): number => {
  try {
    return whole(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
};

/** The state store `--db` / `--database-url` name, else where `serve` keeps it: its variables, else its defaults. */
function storeLocation(opts: { db?: string; databaseUrl?: string }): StoreLocation {
  const read = { requestLog: defaultConfig.requestLog, ...readSettings({ requestLog: opts.db, databaseUrl: opts.databaseUrl }, process.env, ['requestLog', 'databaseUrl']) };
  return { sqlitePath: read.requestLog, databaseUrl: read.databaseUrl };
}

// Repeatable options start from nothing rather than a default, which the help would print as `[]`.
const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

const program = new Command('earshot').description('Self-hosted live speech-to-text that speaks Deepgram\'s streaming API').version(version());

function version(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

const serve = program.command('serve').description('run the server (Moonshine-tiny + Silero VAD unless --models says otherwise)');
// Every setting is a flag and an environment variable (server/config.ts); the flag wins.
const envOnly: string[] = [];
for (const name of Object.keys(SETTINGS) as SettingName[]) {
  const s = SETTINGS[name];
  if ('envOnly' in s && s.envOnly) {
    envOnly.push(`  ${envOf(name)}  ${s.help} (default: ${describeDefault(name)})`);
    continue;
  }
  const placeholder = 'value' in s && s.value ? ` <${s.value}>` : '';
  serve.option(`${flagOf(name)}${placeholder}`, `${s.help} (default: ${describeDefault(name)}; ${envOf(name)})`);
}
serve.addHelpText('after', `\nOnly from the environment:\n${envOnly.join('\n')}`);
serve.action(async (opts: Partial<Record<SettingName, string | true>>) => {
  const log = pino({ level: process.env.EARSHOT_LOG_LEVEL ?? 'info' });
  try {
    const settings = readSettings(opts, process.env);
    const running = await startEarshot(settings, log);
    console.error(serveBanner(running));
    const stop = (signal: string) => {
      log.info({ signal }, 'shutting down');
      running.stop(running.config.drainGraceMs).then(() => process.exit(0), (err) => {
        log.error({ err: String(err) }, 'shutdown failed');
        process.exit(1);
      });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  } catch (err) {
    console.error(`earshot: ${err instanceof ConfigError || err instanceof SettingError ? err.message : String(err)}`);
    process.exit(2);
  }
});

const requests = withClientFlags(
  program
    .command('requests')
    .description('the request log: every connection attempt, its outcome and the client mistakes found; from this machine\'s file unless --server names a server to ask')
    .option('--db <file>', `request log of a server on this machine (default: ${envOf('requestLog')}, else ${describeDefault('requestLog')})`)
    .option('--database-url <url>', `the PostgreSQL request log replicas share (default: ${envOf('databaseUrl')})`),
);

function requestSource(): RequestSource {
  const opts = requests.opts();
  if (opts.server) {
    const { server, apiKey } = clientFlags(opts);
    return remoteRequests(server, apiKey);
  }
  return storedRequests(storeLocation(opts));
}

async function reportErrors(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (err) {
    console.error(`earshot: ${err instanceof ExplainedError || err instanceof StoreError ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}

requests
  .command('list')
  .description('newest first')
  .option('--limit <n>', 'how many', integer, 20)
  .option('--json', 'print the records as JSON')
  .action((opts) =>
    reportErrors(async () => {
      const records = await requestSource().list(opts.limit);
      console.log(opts.json ? JSON.stringify(records, null, 2) : formatList(records, process.stdout));
    }),
  );

requests
  .command('show <request-id>')
  .description('one request in full, with each problem found and its fix')
  .option('--json', 'print the record as JSON')
  .action((id: string, opts) =>
    reportErrors(async () => {
      const record = await requestSource().get(id);
      if (!record) throw new ExplainedError(`no request ${id} in the log (records older than the retention period are deleted)`);
      console.log(opts.json ? JSON.stringify(record, null, 2) : formatRecord(record, process.stdout));
    }),
  );

const keys = program
  .command('keys')
  .description('API keys, hashed with their scopes in the server\'s state file; a revocation counts at the next handshake')
  .option('--db <file>', `the server's state file, its --request-log (default: ${envOf('requestLog')}, else ${describeDefault('requestLog')})`)
  .option('--database-url <url>', `the PostgreSQL database replicas share (default: ${envOf('databaseUrl')})`);

function withKeyStore(work: (store: KeyStore) => Promise<string>): Promise<void> {
  return reportErrors(async () => {
    const store = await openStateStore(storeLocation(keys.opts()), { role: 'admin' });
    try {
      console.log(await work(store.keys));
    } finally {
      await store.close();
    }
  });
}

keys
  .command('create')
  .description('make a key; its secret is printed this once')
  .option('--label <text>', 'what the key is for (default: none)')
  .option('--scope <scope>', `${SCOPES.join(' or ')} (repeatable; default: listen)`, collect)
  .option('--json', 'print the key and its secret as JSON')
  .action((opts) => withKeyStore((store) => createKey(store, opts.label ?? '', opts.scope ?? [], opts.json === true)));

keys
  .command('list')
  .description('every key: id, live or revoked, scopes, created, label (never a secret)')
  .option('--json', 'print the keys as JSON')
  .action((opts) => withKeyStore((store) => listKeys(store, opts.json === true, process.stdout)));

keys
  .command('revoke <id>')
  .description('revoke a key by its id; servers refuse it from the next handshake')
  .action((id: string) => withKeyStore((store) => revokeKey(store, id)));

withClientFlags(program.command('token').description('grant a short-lived access token (POST /v1/auth/grant) for a browser; the key stays here'))
  .option('--ttl <seconds>', `lifetime, ${GRANT_TTL_SECONDS.min}-${GRANT_TTL_SECONDS.max} (default ${GRANT_TTL_SECONDS.default}, with --page ${PAGE_TTL_SECONDS}); checked when a stream opens, so an open stream outlives it`, integer)
  .option('--page', 'print the live-captions page\'s address with the token in it, to open in a browser')
  .option('--json', 'print {access_token, expires_in}')
  .action((opts) =>
    reportErrors(async () => {
      const { server, apiKey } = clientFlags(opts);
      const granted = await grantToken({ server, apiKey, ttlSeconds: opts.ttl ?? (opts.page ? PAGE_TTL_SECONDS : undefined) });
      if (opts.json) return console.log(JSON.stringify(granted));
      console.log(opts.page ? pageLink(server, granted.access_token) : granted.access_token);
      console.error(opts.page ? pageNote(server, granted.expires_in) : `earshot: the token expires in ${granted.expires_in} s`);
    }),
  );

withClientFlags(program.command('doctor').description('check a Deepgram-compatible endpoint (--server, e.g. wss://api.deepgram.com): DNS, TCP, TLS, handshake, transcription, KeepAlive, timeout'))
  .option('--keepalive-seconds <s>', 'how long to hold a stream open on KeepAlive alone', integer, 12)
  .option('--idle-wait <s>', 'how long to wait for the server to close an idle stream', integer, 15)
  .option('--connect-timeout <ms>', 'limit for TCP, TLS and the handshake', integer, 5000)
  .option('--json', 'print the results as JSON')
  .action(async (opts) => {
    const { server: url, apiKey } = clientFlags(opts);
    const results = await runDoctor(
      {
        url,
        apiKey,
        keepAliveSeconds: opts.keepaliveSeconds,
        idleWaitSeconds: opts.idleWait,
        connectTimeoutMs: opts.connectTimeout,
      },
      opts.json ? undefined : (r) => console.log(formatCheck(r, process.stdout)),
    );
    const ok = results.every((r) => r.status === 'pass' || r.status === 'skip');
    if (opts.json) console.log(JSON.stringify({ url, ok, checks: results }, null, 2));
    else console.log(ok ? '\nAll checks passed.' : '\nSome checks failed: see the fixes above.');
    process.exitCode = ok ? 0 : 1;
  });

const param = (value: string, previous: Record<string, string> = {}): Record<string, string> => {
  const at = value.indexOf('=');
  if (at < 1) throw new InvalidArgumentError('expected name=value');
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
};

withClientFlags(program.command('transcribe <file>').description('transcribe a whole file (pre-recorded POST /v1/listen) and print the transcript'))
  .option('--param <name=value>', 'any query parameter (repeatable), e.g. punctuate=true, utterances=true, encoding=linear16', param)
  .option('--json', 'print Deepgram\'s JSON response')
  .action(async (file: string, opts) => {
    process.exitCode = await transcribeCommand({
      file,
      ...clientFlags(opts),
      params: opts.param ?? {},
      json: opts.json === true,
    });
  });

withClientFlags(program.command('stream <file>').description('stream a file (any format the server decodes) or - for stdin, live, and show the transcript'))
  .option('--encoding <encoding>', 'for raw audio: linear16, mulaw, alaw, …')
  .option('--sample-rate <hz>', 'for raw audio', integer)
  .option('--channels <n>', 'for raw audio', integer)
  .option('--param <name=value>', 'any other query parameter (repeatable), e.g. endpointing=300', param)
  .option('--fast', 'send as fast as possible instead of at real-time pace')
  .option('--json', 'print every message from the server as a JSON line')
  .action(async (file: string, opts) => {
    const { server, apiKey } = clientFlags(opts);
    process.exitCode = await streamAudio({
      source: file,
      url: server,
      apiKey,
      encoding: opts.encoding,
      sampleRate: opts.sampleRate,
      channels: opts.channels,
      params: opts.param ?? {},
      fast: opts.fast === true,
      json: opts.json === true,
    });
  });

await program.parseAsync();
