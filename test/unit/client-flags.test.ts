// One way for every client command to be told the server and the key (src/cli/client-flags.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientFlags, serverUrl } from '../../src/cli/client-flags.js';

test('a server is host:port or a URL of any of the four schemes', () => {
  assert.equal(serverUrl('127.0.0.1:8080'), 'http://127.0.0.1:8080');
  assert.equal(serverUrl('[::1]:8080'), 'http://[::1]:8080');
  assert.equal(serverUrl('wss://api.deepgram.com'), 'wss://api.deepgram.com');
  assert.equal(serverUrl('https://stt.example.com/base/'), 'https://stt.example.com/base');
  assert.throws(() => serverUrl('ftp://host'), /the scheme must be http, https, ws or wss/);
  assert.throws(() => serverUrl('http://[::1'), /write host:port \(127\.0\.0\.1:8080\), or a URL/);
});

test('the flag, else EARSHOT_SERVER / EARSHOT_API_KEY, else DEEPGRAM_API_KEY and this machine', () => {
  assert.deepEqual(clientFlags({}, {}), { server: 'http://127.0.0.1:8080', apiKey: undefined });
  assert.deepEqual(clientFlags({}, { EARSHOT_SERVER: 'box:9000', DEEPGRAM_API_KEY: 'dg' }), { server: 'http://box:9000', apiKey: 'dg' });
  assert.deepEqual(clientFlags({}, { EARSHOT_API_KEY: 'es', DEEPGRAM_API_KEY: 'dg' }).apiKey, 'es');
  assert.deepEqual(clientFlags({ server: 'http://flag:1', apiKey: 'flag' }, { EARSHOT_SERVER: 'box:9000', EARSHOT_API_KEY: 'es' }), { server: 'http://flag:1', apiKey: 'flag' });
});
