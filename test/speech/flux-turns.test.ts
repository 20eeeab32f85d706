// Issue 21: /v2/listen with the real engine and real clients. A conversation made with festival —
// a turn with a pause inside it after "and", then a question — streamed at real-time pace: plain
// `ws`, @deepgram/sdk v5's listen.v2, and LiveKit's STTv2, each unchanged but for its URL.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { STTv2 } from '@livekit/agents-plugin-deepgram';
import { initializeLogger, stt } from '@livekit/agents';
import { AudioFrame } from '@livekit/rtc-node';
import { connect, listenUrl } from '../helpers/client.js';
import { trimmedSpeechWav, wavData } from '../helpers/fixtures.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { sdkClient } from '../helpers/sdk.js';

const RATE = 16000;
const silence = (seconds: number) => Buffer.alloc(2 * Math.round(seconds * RATE));
/** Two turns: the first holds a 0.6 s pause after "and" (an open phrase), each ends with 2.5 s of silence. */
const CONVERSATION = [
  { say: "I'd like to book a table for two and", after: 0.6 },
  { say: 'maybe a bottle of red wine.', after: 2.5 },
  { say: 'Do you have anything by the window?', after: 2.5 },
];
let server: TestServer;
let audio: Buffer;

before(async () => {
  server = await startServer();
  audio = Buffer.concat([silence(0.5), ...CONVERSATION.flatMap((p) => [wavData(trimmedSpeechWav(p.say)), silence(p.after)])]);
});
after(() => server.stop());

/** 100 ms chunks at real-time pace. */
async function paced(send: (chunk: Buffer) => void): Promise<void> {
  const chunk = RATE / 10 * 2;
  for (let at = 0; at < audio.length; at += chunk) {
    send(audio.subarray(at, at + chunk));
    await new Promise((r) => setTimeout(r, 100));
  }
}

function assertTwoTurns(ends: string[]): void {
  assert.equal(ends.length, 2, `two turns, the pause after "and" not an end: ${JSON.stringify(ends)}`);
  assert.match(ends[0], /table for two.*wine/i);
  assert.match(ends[1], /window\?/i);
}

test('plain ws: the pause after "and" is held, each real end is an EndOfTurn; eager ends come first and are never empty', async () => {
  const c = await connect(listenUrl(server.url, { model: 'flux-general-en', encoding: 'linear16', sample_rate: RATE, eager_eot_threshold: 0.5 }, '/v2/listen'));
  await paced((chunk) => c.ws.send(chunk));
  c.send({ type: 'CloseStream' });
  assert.equal((await c.closed).code, 1000);
  const turns = c.messages.filter((m) => m.type === 'TurnInfo');
  const ends = turns.filter((m) => m.event === 'EndOfTurn');
  assertTwoTurns(ends.map((m) => m.transcript));
  assert.deepEqual(ends.map((m) => m.trigger), ['model', 'model']);
  for (const end of ends) {
    const eager = turns.filter((m) => m.turn_index === end.turn_index && m.event === 'EagerEndOfTurn').at(-1);
    assert.ok(eager, 'an EagerEndOfTurn before each EndOfTurn');
    assert.equal(eager.transcript, end.transcript);
  }
  assert.ok(turns.filter((m) => m.event === 'Update').length >= 6, 'Updates while each turn is spoken');
});

test('@deepgram/sdk v5 listen.v2: Connected, TurnInfo, a Configure answered, CloseStream closing with 1000', async () => {
  const client = sdkClient(server, { apiKey: 'unused: auth is off' });
  const socket = await client.listen.v2.connect({ model: 'flux-general-en', encoding: 'linear16', sample_rate: RATE, eot_threshold: 0.7, Authorization: 'Token unused', reconnectAttempts: 0 });
  const messages: any[] = [];
  const closed = new Promise<number>((resolve) => socket.on('close', (event: any) => resolve(event.code)));
  socket.on('message', (m: any) => messages.push(m));
  socket.connect();
  await socket.waitForOpen();
  socket.sendConfigure({ type: 'Configure', thresholds: { eager_eot_threshold: 0.5 } });
  await paced((chunk) => socket.sendMedia(chunk));
  socket.sendCloseStream({ type: 'CloseStream' });
  assert.equal(await Promise.race([closed, new Promise<number>((r) => setTimeout(() => r(-1), 30_000))]), 1000);
  socket.close();
  assert.equal(messages[0].type, 'Connected');
  const configured = messages.find((m) => m.type === 'ConfigureSuccess');
  assert.deepEqual(configured.thresholds, { eot_threshold: 0.7, eager_eot_threshold: 0.5, eot_timeout_ms: 5000 });
  assertTwoTurns(messages.filter((m) => m.type === 'TurnInfo' && m.event === 'EndOfTurn').map((m) => m.transcript));
  assert.ok(messages.some((m) => m.event === 'EagerEndOfTurn'), 'the Configure turned eager ends on');
});

test("LiveKit's STTv2: final transcripts, preflight (eager) transcripts and end-of-speech events, as from Deepgram", async () => {
  initializeLogger({ pretty: false, level: 'warn' });
  const sttv2 = new STTv2({ apiKey: 'unused', endpointUrl: listenUrl(server.url, {}, '/v2/listen'), sampleRate: RATE, eagerEotThreshold: 0.5 });
  const stream = sttv2.stream();
  const finals: string[] = [];
  let preflights = 0;
  let starts = 0;
  let ends = 0;
  const reading = (async () => {
    for await (const event of stream) {
      if (event.type === stt.SpeechEventType.FINAL_TRANSCRIPT) finals.push(event.alternatives![0].text);
      if (event.type === stt.SpeechEventType.PREFLIGHT_TRANSCRIPT) preflights++;
      if (event.type === stt.SpeechEventType.START_OF_SPEECH) starts++;
      if (event.type === stt.SpeechEventType.END_OF_SPEECH) ends++;
    }
  })();
  await paced((chunk) => {
    const samples = new Int16Array(chunk.buffer.slice(chunk.byteOffset, chunk.byteOffset + chunk.length));
    stream.pushFrame(new AudioFrame(samples, RATE, 1, samples.length));
  });
  stream.endInput();
  await Promise.race([reading, new Promise((r) => setTimeout(r, 30_000))]);
  stream.close();
  assertTwoTurns(finals);
  assert.deepEqual([starts, ends], [2, 2]);
  assert.ok(preflights >= 2, `a preflight transcript before each final (${preflights})`);
});
