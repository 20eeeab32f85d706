// Issue 20: the README's examples work as written. Every command line of its `sh` blocks that calls
// `earshot` or `curl`, and its @deepgram/sdk snippets (/v1/listen and /v2/listen), run against a
// local server; the only changes are the ones a reader makes: their key for KEY, and this server's
// port for 8080.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { CACHE, jfkWav } from '../helpers/fixtures.js';
import { startFakeServer, type FakeServer } from '../helpers/server.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const KEY = 'readme-example-key';
let server: FakeServer;
let port: number;
/** A folder holding `earshot` (the built bin, as `npm link` installs it) and the reader's files. */
let work: string;

const fenced = (lang: string) => [...README.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);

/** The command lines of the sh blocks that reach a server, with continuation lines joined. */
const commands = fenced('sh')
  .flatMap((block) => block.replace(/\\\n\s*/g, ' ').split('\n'))
  .map((line) => line.replace(/\s+#.*$/, '').trim())
  .filter((line) => /^(earshot|curl) /.test(line));

const asReader = (text: string) => text.replaceAll('KEY', KEY).replaceAll('127.0.0.1:8080', `127.0.0.1:${port}`).replaceAll('HOST:8080', `127.0.0.1:${port}`);

function run(file: string, args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(file, args, { cwd, timeout: 60_000, env: { ...process.env, PATH: `${work}:${process.env.PATH}` } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

before(async () => {
  // No key configured, as after the quick start: examples that pass one still work (it is not checked).
  server = await startFakeServer();
  port = server.address.port;
  work = mkdtempSync(join(tmpdir(), 'earshot-readme-'));
  writeFileSync(join(work, 'earshot'), `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'dist/cli/main.js')}" "$@"\n`);
  chmodSync(join(work, 'earshot'), 0o755);
  copyFileSync(jfkWav(), join(work, 'call.wav'));
});
after(() => server.stop());

test('the README has shell examples that reach a server', () => {
  assert.ok(commands.length >= 4, commands.join('\n'));
});

test('after the quick start, `earshot` is a command on the PATH', async () => {
  assert.match(README, /npm install && npm link && earshot serve/);
  const result = await new Promise<{ code: number; stdout: string }>((resolve) =>
    execFile('earshot', ['--version'], (error, stdout) => resolve({ code: error ? 1 : 0, stdout })),
  );
  assert.equal(result.code, 0, 'earshot is not on the PATH: run `npm link` (the quick start does)');
  assert.equal(result.stdout.trim(), JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
});

for (const command of commands) {
  test(`as written: ${command}`, async () => {
    // The reader's server is the default one, at 127.0.0.1:8080: here, this test's.
    const result = await run('bash', ['-c', `EARSHOT_SERVER=http://127.0.0.1:${port} ${asReader(command)}`], work);
    assert.equal(result.code, 0, `${command}\n${result.stderr}`);
    assert.ok(result.stdout.trim().length > 0, 'it printed its answer');
  });
}

const sdkSnippets = fenced('ts').filter((b) => b.includes('@deepgram/sdk'));

test('the README has an @deepgram/sdk snippet for each endpoint', () => {
  assert.deepEqual(sdkSnippets.map((s) => /listen\.(v\d)\.connect/.exec(s)?.[1]), ['v1', 'v2']);
});

for (const snippet of sdkSnippets) {
  test(`the @deepgram/sdk snippet "${snippet.split('\n')[0]}" prints the transcript of the clip it sends`, async () => {
    // Inside the repository, so that '@deepgram/sdk' resolves as it does for the reader in their project.
    const file = join(CACHE, `readme-sdk-snippet-${sdkSnippets.indexOf(snippet)}.mts`);
    writeFileSync(file, asReader(snippet).replace("'any-key-the-server-knows'", `'${KEY}'`));
    const result = await run(process.execPath, ['--import', 'tsx', file], ROOT);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(server.fake.script[0]));
  });
}
