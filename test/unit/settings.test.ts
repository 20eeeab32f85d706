// The one table of `earshot serve` settings (src/server/config.ts): how flags and variables are read,
// and the README's copy of the table.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { defaultConfig, describeDefault, envOf, flagOf, readSettings, SettingError } from '../../src/server/config.js';
import { README, withSettingsTable } from '../../scripts/settings-table.js';

test('each setting is a --kebab-case flag and an EARSHOT_SNAKE_CASE variable of its one name', () => {
  assert.equal(flagOf('maxStreamsPerKey'), '--max-streams-per-key');
  assert.equal(envOf('maxStreamsPerKey'), 'EARSHOT_MAX_STREAMS_PER_KEY');
  assert.equal(envOf('requestLog'), 'EARSHOT_REQUEST_LOG');
  assert.equal(envOf('apiKeys'), 'EARSHOT_API_KEYS');
});

test('a flag wins over its variable; what neither names is left to the default', () => {
  const read = readSettings({ port: '9000', trustProxy: true }, { EARSHOT_PORT: '7000', EARSHOT_MAX_STREAMS: '3', EARSHOT_API_KEYS: ' a, b ,' });
  assert.deepEqual(read, { port: 9000, trustProxy: true, maxStreams: 3, apiKeys: ['a', 'b'] });
  assert.equal(readSettings({}, {}).host, undefined, 'the host is chosen at start when not given (loopback unless keys guard it)');
});

test('values are read as people write them: sizes with k/M/G, switches, model lists', () => {
  const read = readSettings({ maxFrameBytes: '64k', maxUploadBytes: '1G', models: 'base, moonshine-tiny' }, { EARSHOT_MAX_UNREAD_BYTES: '8M', EARSHOT_ALLOW_PRIVATE_URLS: 'yes', EARSHOT_KEEP_ALIVE_BEFORE_AUDIO: '0' });
  assert.deepEqual(read, { maxFrameBytes: 65536, maxUploadBytes: 1024 ** 3, models: ['moonshine-base', 'moonshine-tiny'], maxUnreadBytes: 8 * 1024 ** 2, allowPrivateUrls: true, keepAliveBeforeAudio: false });
  assert.equal(describeDefault('maxFrameBytes'), '8M');
  assert.equal(describeDefault('models'), 'tiny');
  assert.equal(defaultConfig.maxFrameBytes, 8 * 1024 ** 2);
});

test('a value that cannot be read is refused naming the flag or the variable', () => {
  assert.throws(() => readSettings({ port: 'eighty' }, {}), (err: Error) => err instanceof SettingError && err.message === "--port: expected a whole number, not 'eighty'");
  assert.throws(() => readSettings({}, { EARSHOT_TRUST_PROXY: 'maybe' }), /^Error: EARSHOT_TRUST_PROXY: expected true or false, not 'maybe'$/);
  assert.throws(() => readSettings({ models: '' }, {}), /--models: expected a comma-separated list of tiny, base/);
});

test("the README's settings table is the one the code has (npm run settings-table rewrites it)", () => {
  const readme = readFileSync(README, 'utf8');
  assert.equal(readme, withSettingsTable(readme));
});
