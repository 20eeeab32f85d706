// `earshot serve` as a user runs it: every setting a flag and an environment variable (the flag
// wins), the loopback rule, SIGTERM drain, --help and --version.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { envOf, flagOf, SETTINGS, type SettingName } from '../../src/server/config.js';
import { earshot, serve } from '../helpers/cli.js';
import { connect, listenUrl } from '../helpers/client.js';

const query = { encoding: 'linear16', sample_rate: 16000 };

async function accepts(url: string, key: string): Promise<number> {
  try {
    const c = await connect(listenUrl(url, query), { headers: { Authorization: `Token ${key}` } });
    c.send({ type: 'CloseStream' });
    return (await c.closed).code;
  } catch (err) {
    return (err as { refused?: { status: number } }).refused?.status ?? 0;
  }
}

test('keys from EARSHOT_API_KEYS, or from --api-keys, which wins over it; anything else is refused', async () => {
  const fromEnv = serve(['--port', '0', '--host', '127.0.0.1'], { EARSHOT_API_KEYS: 'env-one, env-two' });
  const fromFlag = serve(['--port', '0', '--host', '127.0.0.1', '--api-keys', 'flag-key,flag-two'], { EARSHOT_API_KEYS: 'env-one' });
  try {
    const [envUrl, flagUrl] = await Promise.all([fromEnv.url, fromFlag.url]);
    assert.deepEqual(await Promise.all(['env-one', 'env-two', 'other'].map((k) => accepts(envUrl, k))), [1000, 1000, 401]);
    assert.deepEqual(await Promise.all(['flag-key', 'flag-two', 'env-one'].map((k) => accepts(flagUrl, k))), [1000, 1000, 401]);
  } finally {
    fromEnv.child.kill('SIGKILL');
    fromFlag.child.kill('SIGKILL');
  }
});

test('a setting that cannot be read names its flag or variable and what it expects', async () => {
  const badFlag = serve(['--port', '0', '--max-frame-bytes', 'lots']);
  const badEnv = serve(['--port', '0'], { EARSHOT_MODELS: 'tiny,huge' });
  assert.equal(await badFlag.exit, 2);
  assert.match(badFlag.stderr(), /--max-frame-bytes: expected a size such as 65536, 64k or 8M, not 'lots'/);
  assert.equal(await badEnv.exit, 2);
  assert.match(badEnv.stderr(), /EARSHOT_MODELS: expected a comma-separated list of tiny, base, not huge/);
});

test('--help lists every setting with its default and variable, never an empty default; --version prints the version', async () => {
  const help = await earshot(['serve', '--help']);
  assert.equal(help.code, 0);
  for (const name of Object.keys(SETTINGS) as SettingName[]) {
    if ('envOnly' in SETTINGS[name]) {
      assert.match(help.stdout, new RegExp(`Only from the environment:\\n.*${envOf(name)}`), name);
      continue;
    }
    assert.match(help.stdout.replace(/\s+/g, ' '), new RegExp(`${flagOf(name)}\\b.*?\\(default: [^)]+; ${envOf(name)}\\)`), name);
  }
  for (const command of [['serve'], ['requests'], ['requests', 'list'], ['keys', 'create'], ['token'], ['doctor'], ['transcribe'], ['stream']]) {
    const shown = await earshot([...command, '--help']);
    assert.equal(shown.code, 0, command.join(' '));
    assert.doesNotMatch(shown.stdout, /\(default: (\{\}|\[\]|undefined|""|)[;)]/, command.join(' '));
  }
  const version = await earshot(['--version']);
  assert.equal(version.stdout.trim(), JSON.parse(readFileSync('package.json', 'utf8')).version);
});

test('once it listens, serve says where to connect, where the page is, whether a key is needed, and a first command', async () => {
  const open = serve(['--port', '0', '--host', '127.0.0.1']);
  const keyed = serve(['--port', '0', '--host', '127.0.0.1', '--api-keys', 'k']);
  try {
    for (const [s, auth] of [[open, /auth: {2}off \(no API key set\), so only this machine can connect/], [keyed, /auth: {2}on; clients send a key/]] as const) {
      const url = await s.url;
      const http = url.replace('ws://', 'http://');
      for (let i = 0; i < 50 && !/try:/.test(s.stderr()); i++) await new Promise((r) => setTimeout(r, 20));
      assert.match(s.stderr(), new RegExp(`page: {2}${http}/ \\(live captions`));
      assert.match(s.stderr(), auth);
      assert.match(s.stderr(), new RegExp(`try: {3}earshot stream <file.wav> --server ${http}`));
    }
  } finally {
    open.child.kill('SIGKILL');
    keyed.child.kill('SIGKILL');
  }
});

test('no key and a public address: refuses to start and says why', async () => {
  const s = serve(['--port', '0', '--host', '0.0.0.0']);
  assert.equal(await s.exit, 2);
  assert.match(s.stderr(), /no API key is configured, so Earshot only listens on loopback/);
});

test('SIGTERM: the open stream is finalized (Results, Metadata, 1000) and the process exits 0', async () => {
  const s = serve(['--port', '0', '--drain-grace-ms', '200']);
  const url = await s.url;
  const c = await connect(listenUrl(url, { encoding: 'linear16', sample_rate: 16000 }));
  c.ws.send(Buffer.alloc(16000));
  s.child.kill('SIGTERM');
  assert.equal((await c.closed).code, 1000);
  assert.equal(c.messages.at(-1).type, 'Metadata');
  assert.equal(c.messages.at(-1).duration, 0.5);
  assert.equal(await s.exit, 0);
});
