// How every client command (`stream`, `transcribe`, `doctor`, `token`, `requests --server`) is told
// which server and which key: one way, everywhere. The server is `--server`, else EARSHOT_SERVER, else
// this machine's default; it may be written host:port, http(s):// or ws(s):// (each command speaks
// the scheme it needs). The key is `--api-key`, else EARSHOT_API_KEY, else DEEPGRAM_API_KEY.
import { Command, InvalidArgumentError } from 'commander';

export const DEFAULT_SERVER = 'http://127.0.0.1:8080';

export interface ClientFlags {
  server: string;
  apiKey?: string;
}

/** "127.0.0.1:8080" → "http://127.0.0.1:8080"; a URL with its scheme is kept; anything else is refused saying what to type. */
export function serverUrl(text: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new InvalidArgumentError(`'${text}' is not a server address: write host:port (127.0.0.1:8080), or a URL (http://host:port, wss://host)`);
  }
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol)) throw new InvalidArgumentError(`'${text}': the scheme must be http, https, ws or wss`);
  return url.href.replace(/\/$/, '');
}

/** Adds --server and --api-key to a client command. */
export function withClientFlags(command: Command): Command {
  return command
    .option('--server <address>', `the server: host:port, http(s):// or ws(s):// (default: EARSHOT_SERVER, else ${DEFAULT_SERVER})`, serverUrl)
    .option('--api-key <key>', 'API key (default: EARSHOT_API_KEY, else DEEPGRAM_API_KEY)');
}

/** The server and key a client command was given, with the environment's as the fallback. */
export function clientFlags(opts: { server?: string; apiKey?: string }, env: NodeJS.ProcessEnv = process.env): ClientFlags {
  return { server: opts.server ?? serverUrl(env.EARSHOT_SERVER || DEFAULT_SERVER), apiKey: opts.apiKey ?? (env.EARSHOT_API_KEY || env.DEEPGRAM_API_KEY || undefined) };
}
