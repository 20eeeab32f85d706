// `earshot serve` as a user runs it: keys from EARSHOT_API_KEYS, the loopback rule, SIGTERM drain.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serve } from '../helpers/cli.js';
import { connect, listenUrl, refused } from '../helpers/client.js';

test('EARSHOT_API_KEYS and --api-key are both accepted; anything else is refused', async () => {
  const s = serve(['--port', '0', '--host', '127.0.0.1', '--api-key', 'flag-key'], { EARSHOT_API_KEYS: 'env-one, env-two' });
  try {
    const url = await s.url;
    const query = { encoding: 'linear16', sample_rate: 16000 };
    for (const key of ['flag-key', 'env-two']) {
      const c = await connect(listenUrl(url, query), { headers: { Authorization: `Token ${key}` } });
      c.send({ type: 'CloseStream' });
      assert.equal((await c.closed).code, 1000);
    }
    assert.equal((await refused(listenUrl(url, query), { headers: { Authorization: 'Token other' } })).status, 401);
  } finally {
    s.child.kill('SIGKILL');
  }
});

test('no key and a public address: refuses to start and says why', async () => {
  const s = serve(['--port', '0', '--host', '0.0.0.0']);
  assert.equal(await s.exit, 2);
  assert.match(s.stderr(), /no API key is configured, so Earshot only listens on loopback/);
});

test('SIGTERM: the open stream is finalized (Results, Metadata, 1000) and the process exits 0', async () => {
  const s = serve(['--port', '0', '--drain-grace', '200']);
  const url = await s.url;
  const c = await connect(listenUrl(url, { encoding: 'linear16', sample_rate: 16000 }));
  c.ws.send(Buffer.alloc(16000));
  s.child.kill('SIGTERM');
  assert.equal((await c.closed).code, 1000);
  assert.equal(c.messages.at(-1).type, 'Metadata');
  assert.equal(c.messages.at(-1).duration, 0.5);
  assert.equal(await s.exit, 0);
});
