// Every setting of `earshot serve`, once: its name, default, how its text is read, and what it does.
// From this one table come the config type the server reads, the CLI's flags (`--kebab-case` of the
// name), the environment variables (`EARSHOT_` + its SNAKE_CASE), the help, and the README's option
// table (`npm run settings-table`; a test keeps the README's copy exact). A new setting is one row.
import { availableParallelism, homedir } from 'node:os';
import { join } from 'node:path';
import { ENGINE_MODELS, type EngineModel } from '../engines/recognizer-set.js';

interface Setting<T> {
  default: T;
  /** What the default is, when it depends on the machine or the user. */
  defaultText?: string;
  /** The flag's value placeholder; none: a switch (`--trust-proxy`). */
  value?: string;
  read: (text: string) => T;
  help: string;
  /** Only from the environment (a secret on a command line is visible to every user of the machine). */
  envOnly?: boolean;
}

export class SettingError extends Error {}

export const whole = (text: string): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new SettingError(`expected a whole number, not '${text}'`);
  return n;
};

const SIZES: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** "65536", "64k", "8M", "1G" → bytes. */
const bytes = (text: string): number => {
  const m = /^(\d+)\s*([kmg]?)i?b?$/i.exec(text.trim());
  if (!m) throw new SettingError(`expected a size such as 65536, 64k or 8M, not '${text}'`);
  return Number(m[1]) * SIZES[m[2].toLowerCase()];
};

const switchOn = (text: string): boolean => {
  if (/^(1|true|yes|on)$/i.test(text)) return true;
  if (/^(0|false|no|off)$/i.test(text)) return false;
  throw new SettingError(`expected true or false, not '${text}'`);
};

const list = (text: string): string[] => text.split(',').map((s) => s.trim()).filter(Boolean);

/** "tiny,base" or "moonshine-tiny,moonshine-base" → the Earshot model names, in order. */
const modelList = (text: string): EngineModel[] => {
  const names = list(text.toLowerCase()).map((m) => (m.startsWith('moonshine-') ? m : `moonshine-${m}`));
  const unknown = names.filter((m) => !ENGINE_MODELS.includes(m));
  if (names.length === 0 || unknown.length > 0) {
    throw new SettingError(`expected a comma-separated list of ${ENGINE_MODELS.map(shortModel).join(', ')}${unknown.length ? `, not ${unknown.map(shortModel).join(', ')}` : ''}`);
  }
  return [...new Set(names)] as EngineModel[];
};

export const shortModel = (model: string): string => model.replace(/^moonshine-/, '');

const text = (t: string): string => t;
const optionalText = (t: string): string | undefined => t || undefined;

const setting = <T>(s: Setting<T>): Setting<T> => s;

/** Where the request log and keys live unless told: the user's state folder. */
const stateFile = join(process.env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state'), 'earshot', 'requests.db');

export const SETTINGS = {
  host: setting({ default: '127.0.0.1', defaultText: '127.0.0.1, or 0.0.0.0 once an API key guards the server', value: 'address', read: text, help: 'address to listen on' }),
  port: setting({ default: 8080, value: 'port', read: whole, help: 'port to listen on' }),
  apiKeys: setting({ default: [] as string[], defaultText: 'none: no auth, loopback only', value: 'keys', read: list, help: 'API keys accepted in `Authorization: Token …`/`Bearer …` or the token/bearer subprotocols, comma-separated (keys made with `earshot keys create` are accepted too)' }),
  maxStreams: setting({ default: 64, value: 'n', read: whole, help: 'concurrent live streams before 429' }),
  maxStreamsPerKey: setting({ default: 0, value: 'n', read: whole, help: 'concurrent streams one key (and the access tokens it granted) may hold; 0: no limit but max-streams' }),
  maxStreamSeconds: setting({ default: 0, value: 's', read: whole, help: 'how long a live stream may stay open; then it is finalized and closed with 1000, the reason naming the limit; 0: no limit' }),
  handshakesPerMinute: setting({ default: 0, value: 'n', read: whole, help: 'handshakes (live and pre-recorded) one client address may attempt per minute; 0: no limit' }),
  trustProxy: setting({ default: false, read: switchOn, help: 'behind a load balancer: the client address is the last X-Forwarded-For entry (request log, handshakes-per-minute)' }),
  inactivityTimeoutMs: setting({ default: 10_000, value: 'ms', read: whole, help: 'NET-0001: close a stream after this long without audio (or, once audio flowed, any frame)' }),
  keepAliveBeforeAudio: setting({ default: false, read: switchOn, help: 'let KeepAlive alone keep a stream open before its first audio (clients that gate silence); Deepgram does not' }),
  models: setting({ default: ['moonshine-tiny'] as EngineModel[], defaultText: 'tiny', value: 'names', read: modelList, help: `speech models to load, the default first, comma-separated: ${ENGINE_MODELS.map(shortModel).join(', ')}; model= on a request picks one, Deepgram's names use the default` }),
  workers: setting({ default: availableParallelism(), defaultText: 'one per core', value: 'n', read: whole, help: 'decode worker threads per model' }),
  decodeTimeoutMs: setting({ default: 30_000, value: 'ms', read: whole, help: 'NET-0000: a decode slower than this is an engine stall' }),
  // Above the engine's 20 s longest segment, so normal streams never pause.
  maxBacklogSeconds: setting({ default: 60, value: 's', read: whole, help: 'audio per stream not yet finalized past which its frames are not read until the engine catches up (back-pressure)' }),
  maxQueuedBytes: setting({ default: 4 * 1024 ** 2, value: 'size', read: bytes, help: 'bytes of one stream\'s frames waiting to be read past which its frames are not read (back-pressure)' }),
  unendpointedGapMs: setting({ default: 800, value: 'ms', read: whole, help: 'with endpointing=false, the silence at which speech is still cut into finals' }),
  drainGraceMs: setting({ default: 30_000, value: 'ms', read: whole, help: 'on SIGTERM, how long open streams may go on before they are finalized and closed' }),
  maxFrameBytes: setting({ default: 8 * 1024 ** 2, value: 'size', read: bytes, help: 'largest WebSocket message accepted; a larger one closes the stream with 1009' }),
  // Thousands of Results: only a client that has stopped reading gets there.
  maxUnreadBytes: setting({ default: 4 * 1024 ** 2, value: 'size', read: bytes, help: 'messages a live client may leave unread before it is disconnected (1008, the reason naming it)' }),
  uploadIdleTimeoutMs: setting({ default: 10_000, value: 'ms', read: whole, help: 'a pre-recorded upload that sends nothing for this long is answered 408' }),
  requestLog: setting({ default: stateFile, defaultText: '~/.local/state/earshot/requests.db', value: 'file', read: text, help: 'SQLite file of the request log and keys; ":memory:" keeps them in the process only' }),
  databaseUrl: setting({ default: undefined as string | undefined, defaultText: 'none: the SQLite file', value: 'url', read: optionalText, help: 'keep the request log and keys in PostgreSQL instead (postgres://…), shared by replicas' }),
  requestLogDays: setting({ default: 30, value: 'n', read: whole, help: 'request log records older than this many days are deleted' }),
  tokenSecret: setting({ default: undefined as string | undefined, defaultText: 'random per process', read: optionalText, envOnly: true, help: 'signs access tokens (POST /v1/auth/grant); replicas behind one load balancer need the same one' }),
  maxTranscriptions: setting({ default: 4, value: 'n', read: whole, help: 'pre-recorded requests transcribing at once before 429' }),
  maxUploadBytes: setting({ default: 512 * 1024 ** 2, value: 'size', read: bytes, help: 'largest pre-recorded body or fetched URL before 413' }),
  fetchTimeoutMs: setting({ default: 60_000, value: 'ms', read: whole, help: 'how long fetching a {"url"} may take' }),
  transcribeTimeoutMs: setting({ default: 30 * 60_000, value: 'ms', read: whole, help: 'how long a pre-recorded transcription may take before 504' }),
  allowPrivateUrls: setting({ default: false, read: switchOn, help: 'let {"url"} and callback= reach loopback and private addresses (off: SSRF protection)' }),
  callbackAttempts: setting({ default: 10, value: 'n', read: whole, help: 'deliveries of a callback before giving up (Deepgram: 10)' }),
  callbackRetryMs: setting({ default: 30_000, value: 'ms', read: whole, help: 'time between a failed callback delivery and the next' }),
};

export type SettingName = keyof typeof SETTINGS;
export type ServerConfig = { [K in SettingName]: (typeof SETTINGS)[K]['default'] };

export const defaultConfig = Object.fromEntries(Object.entries(SETTINGS).map(([name, s]) => [name, s.default])) as ServerConfig;

const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
export const flagOf = (name: SettingName): string => `--${kebab(name)}`;
export const envOf = (name: SettingName): string => `EARSHOT_${kebab(name).replace(/-/g, '_').toUpperCase()}`;

/** A setting's value as a person reads it: sizes in k/M, lists comma-separated. */
export function describeDefault(name: SettingName): string {
  const s: Setting<unknown> = SETTINGS[name];
  if (s.defaultText) return s.defaultText;
  const v = s.default;
  if (s.read === bytes) {
    const n = v as number;
    const unit = ['G', 'M', 'k'].find((u) => n % SIZES[u.toLowerCase()] === 0);
    return unit ? `${n / SIZES[unit.toLowerCase()]}${unit}` : String(n);
  }
  return Array.isArray(v) ? v.join(',') : String(v);
}

/**
 * The settings given, from flags (`given`: name → the flag's text, or true for a switch) over the
 * environment; what neither names is left to the defaults. Throws SettingError naming the flag or
 * variable at fault. `names`: only these (a CLI command that needs two settings, not all).
 */
export function readSettings(given: Partial<Record<SettingName, string | true>>, env: NodeJS.ProcessEnv, names = Object.keys(SETTINGS) as SettingName[]): Partial<ServerConfig> {
  const config: Record<string, unknown> = {};
  for (const name of names) {
    const s: Setting<unknown> = SETTINGS[name];
    const flag = given[name];
    const source = flag !== undefined ? flagOf(name) : envOf(name);
    // An empty variable (`EARSHOT_PORT=`) is one not set.
    const raw = flag === true ? 'true' : (flag ?? (env[envOf(name)] || undefined));
    if (raw === undefined) continue;
    try {
      config[name] = s.read(raw);
    } catch (err) {
      throw new SettingError(`${source}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return config as Partial<ServerConfig>;
}

/** The README's table of settings, in Markdown. */
export function settingsTable(): string {
  const rows = (Object.keys(SETTINGS) as SettingName[]).map((name) => {
    const s: Setting<unknown> = SETTINGS[name];
    const flag = s.envOnly ? '—' : `\`${flagOf(name)}${s.value ? ` <${s.value}>` : ''}\``;
    return `| ${flag} | \`${envOf(name)}\` | ${describeDefault(name)} | ${s.help.replace(/\|/g, '\\|')} |`;
  });
  return ['| flag | environment | default | what it does |', '|---|---|---|---|', ...rows].join('\n');
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith('127.');
}
