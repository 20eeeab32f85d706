// The `earshot` command as a user runs it: the built package's bin (`npm test` builds first; after
// changing src/, `npm run build` before running one of these tests alone). Built, a command and the
// server's worker threads start without compiling TypeScript.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';

const CLI = [fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url))];

export interface Served {
  child: ChildProcess;
  /** The ws:// base URL, once it listens. */
  url: Promise<string>;
  exit: Promise<number | null>;
  stderr: () => string;
}

/** `earshot serve …`; the request log is kept in memory unless `env` names a file. */
export function serve(args: string[], env: Record<string, string> = {}): Served {
  const child = spawn(process.execPath, [...CLI, 'serve', ...args], {
    env: { ...process.env, EARSHOT_LOG_LEVEL: 'warn', EARSHOT_REQUEST_LOG: ':memory:', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  const url = new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (d) => {
      err += d;
      const m = /listening on (ws:\/\/\S+)\/v1\/listen/.exec(err);
      if (m) resolve(m[1]);
    });
    child.once('exit', () => reject(new Error(`earshot exited: ${err}`)));
  });
  url.catch(() => {}); // a test that expects the exit reads `exit` instead
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, url, exit, stderr: () => err };
}

/** Runs a client command to completion (bounded); never rejects, so a test can check failures. */
export function earshot(args: string[], env: Record<string, string> = {}, timeoutMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...CLI, ...args], { env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

/**
 * Runs `earshot …args` in a real terminal (tmux, 200x30, no colour) until it exits (bounded to
 * 60 s); returns every screen seen, 100 ms apart, the last one ending in `EXIT=<code>`.
 */
export async function earshotInTerminal(args: string[], t: TestContext): Promise<string[]> {
  const session = `earshot-${process.pid}-${Date.now()}`;
  const command = [process.execPath, ...CLI, ...args].map((a) => `'${a}'`).join(' ');
  execFileSync('tmux', ['new-session', '-d', '-s', session, '-x', '200', '-y', '30', `${command}; echo EXIT=$?; sleep 60`], { env: { ...process.env, NO_COLOR: '1' } });
  t.after(() => execFileSync('tmux', ['kill-session', '-t', session]));
  const screens: string[] = [];
  for (let i = 0; i < 600; i++) {
    const screen = execFileSync('tmux', ['capture-pane', '-p', '-t', session], { encoding: 'utf8' });
    screens.push(screen);
    if (/EXIT=\d/.test(screen)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return screens;
}
