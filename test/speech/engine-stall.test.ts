// Scope item 6: NET-0000 when the real engine stalls — its worker misses the decode deadline.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connect, finals, listenUrl } from '../helpers/client.js';
import { speechWav, wavData } from '../helpers/fixtures.js';
import { startServer, type TestServer } from '../helpers/server.js';

const LINEAR16 = { encoding: 'linear16', sample_rate: 16000 };
const NET_0000 = 'Deepgram did not provide a response message within the timeout window. See https://dpgr.am/net0000';

describe('NET-0000: the engine stalls', () => {
  let server: TestServer;
  // A decode deadline no real decode can meet: every decode counts as an engine stall.
  before(async () => (server = await startServer({ decodeTimeoutMs: 1 })));
  after(() => server.stop());

  test('closes 1011 NET-0000 and logs the engine error under the request id', async () => {
    const c = await connect(listenUrl(server.url, LINEAR16));
    await c.stream(wavData(speechWav('Nobody will transcribe this.')), 640);
    c.send({ type: 'CloseStream' });
    assert.deepEqual(await c.closed, { code: 1011, reason: NET_0000 });
    assert.equal(finals(c.messages).length, 0);
    const logged = server.logs().find((l) => l.requestId === c.requestId && l.failure === 'NET-0000');
    assert.ok(logged, 'engine failure logged with the request id');
    assert.match(logged.detail, /stalled/);
  });

  test('the server keeps serving after engine failures', async () => {
    const res = await fetch(`${server.url.replace('ws', 'http')}/healthz`);
    assert.equal(res.status, 200);
  });
});
