// Issue 19: a model per request. `model=` picks an Earshot model exactly, Deepgram names use the
// server's default, a model not loaded is refused at the handshake naming those that are; Results,
// Metadata, the pre-recorded response and the request log name the model that really transcribed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { connect, listenUrl, refused, transcriptOf } from '../helpers/client.js';
import { JFK_TEXT, jfkWav, wavData } from '../helpers/fixtures.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { wer } from '../helpers/wer.js';

const KEY = 'models-test-key';
const auth = { headers: { authorization: `Token ${KEY}` } };
const RAW = { encoding: 'linear16', sample_rate: 16000 };

async function stream(server: TestServer, query: Record<string, string>): Promise<any[]> {
  const c = await connect(listenUrl(server.url, { ...RAW, ...query }), auth);
  await c.stream(wavData(jfkWav()), 3200);
  c.send({ type: 'CloseStream' });
  assert.equal((await c.closed).code, 1000);
  return c.messages;
}

async function prerecorded(server: TestServer, query: string): Promise<Response> {
  return fetch(`${server.url.replace('ws://', 'http://')}/v1/listen${query}`, { method: 'POST', headers: { ...auth.headers, 'content-type': 'audio/wav' }, body: Uint8Array.from(readFileSync(jfkWav())) });
}

const modelOf = (messages: any[]) => messages.find((m) => m.type === 'Metadata').model_info;
const resultsModels = (messages: any[]) => new Set(messages.filter((m) => m.type === 'Results').map((m) => m.metadata.model_info.name));

describe('the default server: tiny only', () => {
  let server: TestServer;
  before(async () => (server = await startServer({ apiKeys: [KEY] })));
  after(() => server.stop());

  test('Deepgram model names use the default, and Metadata names it', async () => {
    for (const model of ['nova-3', 'nova-2', 'general', 'base', 'enhanced']) {
      const messages = await stream(server, { model });
      assert.deepEqual(Object.values(modelOf(messages)).map((m: any) => m.name), ['moonshine-tiny'], model);
      assert.deepEqual(resultsModels(messages), new Set(['moonshine-tiny']));
    }
  });

  test('an Earshot model not loaded is refused with 400, live and pre-recorded, naming what is loaded', async () => {
    const live = await refused(listenUrl(server.url, { ...RAW, model: 'moonshine-base' }), auth);
    assert.equal(live.status, 400);
    assert.match(String(live.headers['dg-error']), /Invalid 'model' value of 'moonshine-base'\. This server has loaded moonshine-tiny \(start it with --models tiny,base to add it\)/);
    const file = await prerecorded(server, '?model=moonshine-base');
    assert.equal(file.status, 400);
    assert.match((await file.json()).err_msg, /This server has loaded moonshine-tiny/);
  });
});

describe('a server with both models, base the default', () => {
  let server: TestServer;
  before(async () => (server = await startServer({ apiKeys: [KEY], models: ['moonshine-base', 'moonshine-tiny'] })));
  after(() => server.stop());

  test('model= picks each exactly, live, and both transcribe', async () => {
    for (const [query, name] of [['moonshine-tiny', 'moonshine-tiny'], ['MOONSHINE-BASE', 'moonshine-base'], ['nova-3', 'moonshine-base']]) {
      const messages = await stream(server, { model: query });
      assert.deepEqual(Object.values(modelOf(messages)).map((m: any) => m.name), [name], query);
      assert.deepEqual(resultsModels(messages), new Set([name]));
      assert.ok(wer(JFK_TEXT, transcriptOf(messages)) <= 0.2, `${name}: ${transcriptOf(messages)}`);
    }
  });

  test('pre-recorded names the model in its metadata and the request log', async () => {
    const res = await prerecorded(server, '?model=moonshine-tiny');
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.deepEqual(Object.values(body.metadata.model_info).map((m: any) => m.name), ['moonshine-tiny']);
    assert.ok(wer(JFK_TEXT, body.results.channels[0].alternatives[0].transcript) <= 0.2);
    const record = await (await fetch(`${server.url.replace('ws://', 'http://')}/v1/requests/${body.metadata.request_id}`, auth)).json();
    assert.equal(record.model, 'moonshine-tiny');
    const live = await connect(listenUrl(server.url, { ...RAW, model: 'general' }), auth);
    live.send({ type: 'CloseStream' });
    await live.closed;
    const liveRecord = await (await fetch(`${server.url.replace('ws://', 'http://')}/v1/requests/${live.requestId}`, auth)).json();
    assert.equal(liveRecord.model, 'moonshine-base');
  });
});
