#!/usr/bin/env node
// `earshot`: the command line. `serve` runs the server; `requests` reads its request log; `keys`
// manages API keys; `token`
// grants a browser access token; `doctor` checks any Deepgram-compatible endpoint; `stream`
// transcribes a file or stdin live; `transcribe` a whole file at once.
import { Command, InvalidArgumentError } from 'commander';
import { pino } from 'pino';
import { ENGINE_MODELS, type EngineModel } from '../engines/recognizer-set.js';
import { defaultConfig, defaultRequestLogPath } from '../server/config.js';
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
import { createKey, listKeys, revokeKey } from './keys-command.js';
import { grantToken, pageLink } from './token-command.js';

const integer = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number');
  return n;
};

/** "tiny,base" or "moonshine-tiny,moonshine-base" → the Earshot model names, in order. */
const models = (value: string): EngineModel[] => {
  const names = value.split(',').map((m) => m.trim().toLowerCase()).filter(Boolean).map((m) => (m.startsWith('moonshine-') ? m : `moonshine-${m}`));
  const unknown = names.filter((m) => !ENGINE_MODELS.includes(m));
  if (names.length === 0 || unknown.length > 0) throw new InvalidArgumentError(`expected a comma-separated list of ${ENGINE_MODELS.map((m) => m.replace(/^moonshine-/, '')).join(', ')}${unknown.length ? `, not ${unknown.join(', ')}` : ''}`);
  return [...new Set(names)] as EngineModel[];
};

const MB = 1024 * 1024;

const collect = (value: string, previous: string[]): string[] => [...previous, value];

const program = new Command('earshot').description('Self-hosted live speech-to-text that speaks Deepgram\'s streaming API');

program
  .command('serve')
  .description('run the server (Moonshine-tiny + Silero VAD)')
  .option('--host <host>', 'address to listen on (loopback unless an API key is set)')
  .option('--port <port>', 'port to listen on', integer, defaultConfig.port)
  .option('--api-key <key>', 'accept this API key (repeatable; also EARSHOT_API_KEYS, comma-separated)', collect, [])
  .option('--max-streams <n>', 'concurrent streams before 429', integer, defaultConfig.maxStreams)
  .option('--max-streams-per-key <n>', 'concurrent streams one key (and its access tokens) may hold; 0: no limit', integer, defaultConfig.maxStreamsPerKey)
  .option('--max-stream-duration <s>', 'seconds a live stream may stay open before it is finalized and closed (1000, reason names the limit); 0: no limit', integer, defaultConfig.maxStreamSeconds)
  .option('--handshakes-per-minute <n>', 'handshakes one client address may attempt per minute; 0: no limit', integer, defaultConfig.handshakesPerMinute)
  .option('--trust-proxy', 'behind a load balancer: the client address is the last X-Forwarded-For entry (for the request log and --handshakes-per-minute)', false)
  .option('--max-frame-kb <n>', 'largest WebSocket message accepted; a larger one closes the stream with 1009', integer, defaultConfig.maxFrameBytes / 1024)
  .option('--max-unread-kb <n>', 'messages a live client may leave unread before it is disconnected (1008, reason names it)', integer, defaultConfig.maxUnreadBytes / 1024)
  .option('--upload-idle-timeout <ms>', 'a pre-recorded upload that sends nothing for this long is answered 408', integer, defaultConfig.uploadIdleTimeoutMs)
  .option('--models <names>', `speech models to load, the default first, comma-separated: ${ENGINE_MODELS.map((m) => m.replace(/^moonshine-/, '')).join(', ')} (model= on a request picks one; Deepgram names use the default)`, models, defaultConfig.models)
  .option('--workers <n>', 'decode worker threads per model', integer, defaultConfig.decodeWorkers)
  .option('--max-backlog <s>', 'unfinalized audio per stream, in seconds, past which its frames are not read until the engine catches up', integer, defaultConfig.maxBacklogSeconds)
  .option('--inactivity-timeout <ms>', 'NET-0001: close a stream after this long without audio/frames', integer, defaultConfig.inactivityTimeoutMs)
  .option('--keepalive-before-audio', 'let KeepAlive alone keep a stream open before its first audio (for clients that gate silence)', false)
  .option('--decode-timeout <ms>', 'NET-0000: a decode slower than this is an engine stall', integer, defaultConfig.decodeTimeoutMs)
  .option('--drain-grace <ms>', 'on SIGTERM, how long open streams may continue', integer, defaultConfig.drainGraceMs)
  .option('--request-log <file>', 'SQLite file of the request log and keys (also EARSHOT_REQUEST_LOG; ":memory:" keeps none)', defaultConfig.requestLogPath)
  .option('--database-url <url>', 'keep the request log and keys in PostgreSQL instead, shared by replicas (also EARSHOT_DATABASE_URL)', process.env.EARSHOT_DATABASE_URL)
  .option('--request-log-days <n>', 'delete request log records older than this', integer, defaultConfig.requestLogDays)
  .option('--max-transcriptions <n>', 'pre-recorded requests transcribing at once before 429', integer, defaultConfig.maxTranscriptions)
  .option('--max-upload-mb <n>', 'largest pre-recorded file or fetched URL before 413', integer, defaultConfig.maxUploadBytes / MB)
  .option('--fetch-timeout <ms>', 'how long fetching a {"url"} may take', integer, defaultConfig.fetchTimeoutMs)
  .option('--transcribe-timeout <ms>', 'how long a pre-recorded transcription may take before 504', integer, defaultConfig.transcribeTimeoutMs)
  .option('--allow-private-urls', 'let {"url"} and callback= reach loopback and private addresses (off: SSRF protection)', false)
  .action(async (opts) => {
    const log = pino({ level: process.env.EARSHOT_LOG_LEVEL ?? 'info' });
    const envKeys = (process.env.EARSHOT_API_KEYS ?? '').split(',').map((k) => k.trim()).filter(Boolean);
    const apiKeys = [...opts.apiKey, ...envKeys];
    try {
      const running = await startEarshot(
        {
          ...(opts.host ? { host: opts.host } : {}),
          port: opts.port,
          apiKeys,
          maxStreams: opts.maxStreams,
          maxStreamsPerKey: opts.maxStreamsPerKey,
          handshakesPerMinute: opts.handshakesPerMinute,
          maxStreamSeconds: opts.maxStreamDuration,
          trustProxy: opts.trustProxy,
          maxFrameBytes: opts.maxFrameKb * 1024,
          maxUnreadBytes: opts.maxUnreadKb * 1024,
          uploadIdleTimeoutMs: opts.uploadIdleTimeout,
          models: opts.models,
          decodeWorkers: opts.workers,
          maxBacklogSeconds: opts.maxBacklog,
          inactivityTimeoutMs: opts.inactivityTimeout,
          keepAliveBeforeAudio: opts.keepaliveBeforeAudio,
          decodeTimeoutMs: opts.decodeTimeout,
          drainGraceMs: opts.drainGrace,
          requestLogPath: opts.requestLog,
          databaseUrl: opts.databaseUrl,
          requestLogDays: opts.requestLogDays,
          maxTranscriptions: opts.maxTranscriptions,
          maxUploadBytes: opts.maxUploadMb * MB,
          fetchTimeoutMs: opts.fetchTimeout,
          transcribeTimeoutMs: opts.transcribeTimeout,
          allowPrivateUrls: opts.allowPrivateUrls,
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

const requests = program
  .command('requests')
  .description('the request log: every connection attempt, its outcome and the client mistakes found')
  .option('--db <file>', 'request log of a server on this machine', defaultRequestLogPath)
  .option('--database-url <url>', 'the PostgreSQL request log replicas share (also EARSHOT_DATABASE_URL)', process.env.EARSHOT_DATABASE_URL)
  .option('--server <url>', 'read the log from this server\'s /v1/requests instead (http(s):// or ws(s)://)')
  .option('--api-key <key>', 'key for --server (also EARSHOT_API_KEY)');

function requestSource(): RequestSource {
  const { db, databaseUrl, server, apiKey } = requests.opts();
  return server ? remoteRequests(server, apiKey ?? process.env.EARSHOT_API_KEY) : storedRequests({ sqlitePath: db, databaseUrl });
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
  .option('--db <file>', 'the server\'s state file (its --request-log)', defaultRequestLogPath)
  .option('--database-url <url>', 'the PostgreSQL database replicas share (also EARSHOT_DATABASE_URL)', process.env.EARSHOT_DATABASE_URL);

function withKeyStore(work: (store: KeyStore) => Promise<string>): Promise<void> {
  return reportErrors(async () => {
    const { db, databaseUrl } = keys.opts();
    const location: StoreLocation = { sqlitePath: db, databaseUrl };
    const store = await openStateStore(location, { role: 'admin' });
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
  .option('--label <text>', 'what the key is for', '')
  .option('--scope <scope>', `${SCOPES.join(' or ')} (repeatable; default listen)`, collect, [])
  .option('--json', 'print the key and its secret as JSON')
  .action((opts) => withKeyStore((store) => createKey(store, opts.label, opts.scope, opts.json === true)));

keys
  .command('list')
  .description('every key: id, live or revoked, scopes, created, label (never a secret)')
  .option('--json', 'print the keys as JSON')
  .action((opts) => withKeyStore((store) => listKeys(store, opts.json === true, process.stdout)));

keys
  .command('revoke <id>')
  .description('revoke a key by its id; servers refuse it from the next handshake')
  .action((id: string) => withKeyStore((store) => revokeKey(store, id)));

program
  .command('token')
  .description('grant a short-lived access token (POST /v1/auth/grant) for a browser; the key stays here')
  .option('--server <url>', 'server', 'http://127.0.0.1:8080')
  .option('--api-key <key>', 'API key (also EARSHOT_API_KEY)')
  .option('--ttl <seconds>', `lifetime, ${GRANT_TTL_SECONDS.min}-${GRANT_TTL_SECONDS.max} (default ${GRANT_TTL_SECONDS.default}); checked when a stream opens, so an open stream outlives it`, integer)
  .option('--page', 'print the live-captions page\'s address with the token in it, to open in a browser')
  .option('--json', 'print {access_token, expires_in}')
  .action((opts) =>
    reportErrors(async () => {
      const granted = await grantToken({ server: opts.server, apiKey: opts.apiKey ?? process.env.EARSHOT_API_KEY, ttlSeconds: opts.ttl });
      if (opts.json) console.log(JSON.stringify(granted));
      else console.log(opts.page ? pageLink(opts.server, granted.access_token) : granted.access_token);
      if (!opts.json) console.error(`earshot: the token expires in ${granted.expires_in} s`);
    }),
  );

program
  .command('doctor <url>')
  .description('check a Deepgram-compatible endpoint: DNS, TCP, TLS, handshake, transcription, KeepAlive, timeout')
  .option('--api-key <key>', 'API key (also EARSHOT_API_KEY, DEEPGRAM_API_KEY)')
  .option('--keepalive-seconds <s>', 'how long to hold a stream open on KeepAlive alone', integer, 12)
  .option('--idle-wait <s>', 'how long to wait for the server to close an idle stream', integer, 15)
  .option('--connect-timeout <ms>', 'limit for TCP, TLS and the handshake', integer, 5000)
  .option('--json', 'print the results as JSON')
  .action(async (url: string, opts) => {
    const results = await runDoctor(
      {
        url,
        apiKey: opts.apiKey ?? process.env.EARSHOT_API_KEY ?? process.env.DEEPGRAM_API_KEY,
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

const param = (value: string, previous: Record<string, string>): Record<string, string> => {
  const at = value.indexOf('=');
  if (at < 1) throw new InvalidArgumentError('expected name=value');
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
};

program
  .command('transcribe <file>')
  .description('transcribe a whole file (pre-recorded POST /v1/listen) and print the transcript')
  .option('--server <url>', 'server', 'http://127.0.0.1:8080')
  .option('--api-key <key>', 'API key (also EARSHOT_API_KEY, DEEPGRAM_API_KEY)')
  .option('--param <name=value>', 'any query parameter (repeatable), e.g. punctuate=true, utterances=true, encoding=linear16', param, {})
  .option('--json', 'print Deepgram\'s JSON response')
  .action(async (file: string, opts) => {
    process.exitCode = await transcribeCommand({
      file,
      server: opts.server,
      apiKey: opts.apiKey ?? process.env.EARSHOT_API_KEY ?? process.env.DEEPGRAM_API_KEY,
      params: opts.param,
      json: opts.json === true,
    });
  });

program
  .command('stream <file>')
  .description('stream a file (any format the server decodes) or - for stdin, live, and show the transcript')
  .option('--url <url>', 'server', 'ws://127.0.0.1:8080')
  .option('--api-key <key>', 'API key (also EARSHOT_API_KEY, DEEPGRAM_API_KEY)')
  .option('--encoding <encoding>', 'for raw audio: linear16, mulaw, alaw, …')
  .option('--sample-rate <hz>', 'for raw audio', integer)
  .option('--channels <n>', 'for raw audio', integer)
  .option('--param <name=value>', 'any other query parameter (repeatable), e.g. endpointing=300', param, {})
  .option('--fast', 'send as fast as possible instead of at real-time pace')
  .option('--json', 'print every message from the server as a JSON line')
  .action(async (file: string, opts) => {
    process.exitCode = await streamAudio({
      source: file,
      url: opts.url,
      apiKey: opts.apiKey ?? process.env.EARSHOT_API_KEY ?? process.env.DEEPGRAM_API_KEY,
      encoding: opts.encoding,
      sampleRate: opts.sampleRate,
      channels: opts.channels,
      params: opts.param,
      fast: opts.fast === true,
      json: opts.json === true,
    });
  });

await program.parseAsync();
