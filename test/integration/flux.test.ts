// Issue 21: /v2/listen (Deepgram's Flux) through a real WebSocket, on the scripted recognizer: the
// handshake's 400s, Connected and TurnInfo with every message rule, Configure, CloseStream,
// ForceEndTurn, and the seed's failures as Flux reports them (an Error, then the close). Turns are
// judged on the audio clock, so audio sent at once ends its turns where real-time audio would.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { configureAnswer as configure, connect, listenUrl, refused, type Connection } from '../helpers/client.js';
import { FakeRecognizer, scriptedAudio } from '../helpers/fake-recognizer.js';
import { startFakeServer, type FakeServer } from '../helpers/server.js';

const RAW = { encoding: 'linear16', sample_rate: 16000 };
let server: FakeServer;

before(async () => {
  server = await startFakeServer({ inactivityTimeoutMs: 1500 }, new FakeRecognizer());
});
after(() => server.stop());

const flux = (query: Record<string, string | number> = {}) => listenUrl(server.url, { model: 'flux-general-en', ...RAW, ...query }, '/v2/listen');
const turns = (c: Connection) => c.messages.filter((m) => m.type === 'TurnInfo');
const events = (c: Connection) => turns(c).map((m) => m.event);

/** Opens a Flux stream that will hear `script`, sends `audio` at once, then CloseStream; resolves once closed. */
async function run(script: string[], audio: Buffer, query: Record<string, string | number> = {}, close = true): Promise<Connection> {
  server.fake.say(...script);
  const c = await connect(flux(query));
  await c.stream(audio, 3200);
  if (close) c.send({ type: 'CloseStream' });
  return c;
}

/** Every rule of the message list, on one stream's messages. */
function assertMessageRules(c: Connection): void {
  c.messages.forEach((m, i) => assert.equal(m.sequence_id, i, `sequence_id ${m.sequence_id} at message ${i}: one more per message, from 0`));
  assert.deepEqual(c.messages[0], { type: 'Connected', request_id: c.requestId, sequence_id: 0 });
  let index = 0;
  let open = false;
  let eager: any;
  for (const m of turns(c)) {
    assert.equal(m.request_id, c.requestId);
    assert.equal(m.turn_index, index, `${m.event} in turn ${index}`);
    assert.ok(m.audio_window_end >= m.audio_window_start);
    assert.ok(m.end_of_turn_confidence >= 0 && m.end_of_turn_confidence <= 1);
    assert.equal(m.transcript, m.words.map((w: any) => w.word).join(' '));
    for (const w of m.words) assert.deepEqual(Object.keys(w).sort(), ['confidence', 'end', 'start', 'word']);
    assert.equal(m.event === 'StartOfTurn', !open, `${m.event}: StartOfTurn opens every turn, and only it`);
    open = true;
    if (m.event === 'TurnResumed') {
      assert.ok(eager, 'TurnResumed only after an EagerEndOfTurn');
      eager = undefined;
    }
    if (m.event === 'EagerEndOfTurn') {
      assert.notEqual(m.transcript, '', 'an EagerEndOfTurn is never empty');
      eager = m;
    }
    if (m.event === 'EndOfTurn') {
      assert.ok(m.trigger, 'an EndOfTurn says what ended it');
      if (eager) assert.equal(m.transcript, eager.transcript, 'with no speech between, EndOfTurn says what EagerEndOfTurn said');
      index++;
      open = false;
      eager = undefined;
    } else assert.equal(m.trigger, undefined, 'trigger only on EndOfTurn');
  }
}

test('two turns: StartOfTurn, Updates, EagerEndOfTurn, TurnResumed at a short pause, EndOfTurn at the long one; every rule holds', async () => {
  // A 0.4 s pause after a sentence: eager (0.5) but not an end (0.7); 1.5 s after each turn. The
  // audio up to each pause's end is sent alone first, so that its final is out before the speech
  // after it, as in real time.
  const c = await run(['I would like a table.', 'For two people tonight.', 'Thank you very much.'], scriptedAudio(1, 0.4), { eager_eot_threshold: 0.5 }, false);
  await c.next((m) => m.event === 'EagerEndOfTurn', 5000);
  for (const turn of [0, 1]) {
    await c.stream(scriptedAudio(1, 1.5), 3200);
    await c.next((m) => m.event === 'EndOfTurn' && m.turn_index === turn, 5000);
  }
  c.send({ type: 'CloseStream' });
  assert.equal((await c.closed).code, 1000);
  assertMessageRules(c);
  const all = events(c);
  const first = all.slice(0, all.indexOf('EndOfTurn') + 1);
  assert.equal(first[0], 'StartOfTurn');
  assert.ok(first.indexOf('EagerEndOfTurn') < first.indexOf('TurnResumed'), `eager, then resumed at the short pause: ${first.join(' ')}`);
  const ends = turns(c).filter((m) => m.event === 'EndOfTurn');
  assert.deepEqual(ends.map((m) => [m.turn_index, m.transcript, m.trigger]), [
    [0, 'I would like a table. For two people tonight.', 'model'],
    [1, 'Thank you very much.', 'model'],
  ]);
  assert.ok(ends.every((m) => m.end_of_turn_confidence >= 0.7), 'ended at eot_threshold');
  const secondStart = turns(c).find((m) => m.event === 'StartOfTurn' && m.turn_index === 1);
  assert.ok(secondStart.audio_window_start >= ends[0].audio_window_end - 1e-6, 'turns tile the stream: the second starts where the first ended');
  assert.ok(turns(c).filter((m) => m.event === 'Update').length >= 2, 'Updates while words come');
});

test('without eager_eot_threshold there is no EagerEndOfTurn; a short pause inside a turn does not end it', async () => {
  const c = await run(['I would like a table.', 'For two people tonight.'], scriptedAudio(1, 0.4), {}, false);
  await c.next((m) => m.event === 'Update' && m.transcript === 'I would like a table.', 5000);
  await c.stream(scriptedAudio(1, 1.5), 3200);
  c.send({ type: 'CloseStream' });
  assert.equal((await c.closed).code, 1000);
  assertMessageRules(c);
  assert.ok(!events(c).includes('EagerEndOfTurn') && !events(c).includes('TurnResumed'));
  assert.equal(events(c).filter((e) => e === 'EndOfTurn').length, 1);
});

test('an open phrase ("… to") waits longer than a finished sentence; eot_timeout_ms ends it whatever the confidence', async () => {
  // 1 s of silence after "to": the confidence of an open phrase is still under 0.7 there.
  const waits = await run(['I want to'], scriptedAudio(1, 1), {}, false);
  await new Promise((r) => setTimeout(r, 200));
  assert.ok(!events(waits).includes('EndOfTurn'), `no end of turn 1 s after "to": ${events(waits).join(' ')}`);
  waits.ws.close();
  const timed = await run(['I want to'], scriptedAudio(1, 1), { eot_timeout_ms: 500 });
  await timed.closed;
  const end = turns(timed).find((m) => m.event === 'EndOfTurn');
  assert.equal(end.trigger, 'timeout');
  assert.ok(end.end_of_turn_confidence < 0.7);
});

test('CloseStream (and an empty frame) end the open turn with EndOfTurn "close_stream", then 1000; nothing after', async () => {
  for (const closing of ['CloseStream', 'empty'] as const) {
    server.fake.say('Still talking when the stream closed');
    const c = await connect(flux());
    await c.stream(scriptedAudio(1), 3200);
    if (closing === 'CloseStream') c.send({ type: 'CloseStream' });
    else c.ws.send(Buffer.alloc(0));
    assert.deepEqual(await c.closed, { code: 1000, reason: '' });
    assertMessageRules(c);
    const last = c.messages.at(-1);
    assert.deepEqual([last.event, last.trigger, last.transcript], ['EndOfTurn', 'close_stream', 'Still talking when the stream closed'], closing);
  }
});

test('ForceEndTurn ends the turn at once with the audio before it ("manual"); the next speech is a new turn', async () => {
  const c = await run(['Book a table for two.', 'Actually make it three.'], scriptedAudio(1, 0.1), {}, false);
  c.send({ type: 'ForceEndTurn' });
  const end = await c.next((m) => m.event === 'EndOfTurn', 5000);
  assert.deepEqual([end.trigger, end.transcript, end.turn_index], ['manual', 'Book a table for two.', 0]);
  await c.stream(scriptedAudio(1, 1.5), 3200);
  const second = await c.next((m) => m.event === 'EndOfTurn' && m.turn_index === 1, 5000);
  assert.equal(second.transcript, 'Actually make it three.');
  c.send({ type: 'CloseStream' });
  await c.closed;
  assertMessageRules(c);
});


test('Configure: thresholds and keyterms change, each answered once with what is now in effect; a failure changes nothing', async () => {
  const c = await connect(flux({ keyterm: 'Earshot', eot_threshold: 0.8 }));
  const ok = await configure(c, { thresholds: { eager_eot_threshold: 0.4 }, keyterms: ['Moonshine'] });
  assert.deepEqual(ok, {
    type: 'ConfigureSuccess',
    request_id: c.requestId,
    sequence_id: 1,
    thresholds: { eot_threshold: 0.8, eager_eot_threshold: 0.4, eot_timeout_ms: 5000 },
    keyterms: ['Moonshine'],
  });
  const refusals: Array<[object, RegExp]> = [
    [{ thresholds: { eot_threshold: 1.5 } }, /eot_threshold must be a number from 0.5 to 1/],
    [{ thresholds: { eager_eot_threshold: 0.1 } }, /eager_eot_threshold must be a number from 0.3 to 0.9/],
    [{ thresholds: { eager_eot_threshold: 0.85 } }, /must not be above eot_threshold \(0.8\)/],
    [{ thresholds: { eot_timeout_ms: 100 } }, /eot_timeout_ms must be a whole number from 500 to 60000/],
    [{ thresholds: { eot_timeout_ms: 60_001 } }, /eot_timeout_ms must be a whole number from 500 to 60000/],
    [{ thresholds: { eot: 0.6 } }, /unknown threshold 'eot'/],
    [{ thresholds: 0.7 }, /thresholds must be an object/],
    [{ keyterms: [1, 2] }, /keyterms must be an array of strings/],
    [{ language_hints: ['de'] }, /flux-general-multi/],
    [{ features: { numerals: true } }, /unknown field 'features'/],
    [{ numerals: 'yes' }, /numerals must be true or false/],
  ];
  for (const [message, why] of refusals) {
    const failure = await configure(c, message);
    assert.deepEqual(Object.keys(failure).sort(), ['description', 'request_id', 'sequence_id', 'type']);
    assert.equal(failure.type, 'ConfigureFailure', JSON.stringify(message));
    assert.match(failure.description, why);
  }
  const unchanged = await configure(c, {});
  assert.deepEqual([unchanged.thresholds, unchanged.keyterms], [{ eot_threshold: 0.8, eager_eot_threshold: 0.4, eot_timeout_ms: 5000 }, ['Moonshine']]);
  await c.stream(scriptedAudio(0.5), 3200);
  c.send({ type: 'CloseStream' });
  await c.closed;
  assert.deepEqual(server.fake.opened.at(-1)?.keyterms, ['Moonshine'], 'the audio after the Configure is decoded with its keyterms');
  assertMessageRules(c);
});

test('eot_threshold 1 (Deepgram\'s "bring your own turn detection"): no end of turn from the model, ForceEndTurn ends it', async () => {
  const c = await run(['I would like a table.'], scriptedAudio(1, 2), { eot_threshold: 1, eot_timeout_ms: 60_000 }, false);
  await new Promise((r) => setTimeout(r, 200));
  assert.ok(!events(c).includes('EndOfTurn'), `2 s after a finished sentence: ${events(c).join(' ')}`);
  c.send({ type: 'ForceEndTurn' });
  const end = await c.next((m) => m.event === 'EndOfTurn', 5000);
  assert.deepEqual([end.trigger, end.transcript], ['manual', 'I would like a table.']);
  c.send({ type: 'CloseStream' });
  await c.closed;
});

test('text options on /v2/listen: numerals, profanity_filter and redact shape TurnInfo; Configure numerals changes the next words', async () => {
  const masked = await run(['My pin is four five six seven, shit.'], scriptedAudio(1, 1.5), { profanity_filter: 'true', redact: 'numbers' });
  await masked.closed;
  assert.equal(turns(masked).find((m) => m.event === 'EndOfTurn').transcript, 'My pin is ****, ****.');
  const c = await run(['I need twenty five tables.', 'And thirty chairs.'], scriptedAudio(1, 1.5), { numerals: 'true' }, false);
  const first = await c.next((m) => m.event === 'EndOfTurn', 5000);
  assert.equal(first.transcript, 'I need 25 tables.');
  assert.deepEqual((await configure(c, { numerals: false })).type, 'ConfigureSuccess');
  await c.stream(scriptedAudio(1, 1.5), 3200);
  const second = await c.next((m) => m.event === 'EndOfTurn' && m.turn_index === 1, 5000);
  assert.equal(second.transcript, 'And thirty chairs.');
  c.send({ type: 'CloseStream' });
  await c.closed;
  assertMessageRules(c);
});

test('a raised eot_threshold from Configure makes the same pause wait longer', async () => {
  server.fake.say('I would like a table.');
  const c = await connect(flux());
  await configure(c, { thresholds: { eot_threshold: 0.9 } });
  // The audio up to the final first, as in real time; then 1.2 s more of the pause.
  await c.stream(scriptedAudio(1, 0.4), 3200);
  const heard = await c.next((m) => m.type === 'TurnInfo' && m.transcript === 'I would like a table.', 5000);
  await c.stream(scriptedAudio(0, 1.2), 3200);
  await new Promise((r) => setTimeout(r, 200));
  assert.ok(!events(c).includes('EndOfTurn'), 'at 0.9, 1.6 s of silence after a sentence is not yet an end');
  // Flux reports an open turn every 0.25 s of audio, words or not: 1.2 s in 0.1 s frames is at least
  // three Updates (one every third frame or sooner), with the final's words and a rising confidence.
  const quiet = turns(c).filter((m) => m.event === 'Update' && m.sequence_id > heard.sequence_id);
  assert.ok(quiet.length >= 3, `${quiet.length} Updates in the pause`);
  assert.ok(quiet.every((m, i) => m.transcript === heard.transcript && (i === 0 || m.end_of_turn_confidence > quiet[i - 1].end_of_turn_confidence)));
  await c.stream(scriptedAudio(0, 1.5), 3200);
  const end = await c.next((m) => m.event === 'EndOfTurn', 5000);
  assert.ok(end.end_of_turn_confidence >= 0.9);
  c.send({ type: 'CloseStream' });
  await c.closed;
});

test('a text frame that is not a Flux message gets an Error UNPARSABLE_CLIENT_MESSAGE, then 1008', async () => {
  for (const frame of ['{"type":"Finalize"}', 'not json']) {
    const c = await connect(flux());
    c.ws.send(frame);
    assert.equal((await c.closed).code, 1008);
    const error = c.messages.find((m) => m.type === 'Error');
    assert.equal(error.code, 'UNPARSABLE_CLIENT_MESSAGE');
    assert.equal(error.sequence_id, 1);
    assert.match(error.description, /CloseStream, Configure, ForceEndTurn/);
  }
});

test('the seed failures on /v2/listen: an Error naming the code, then the close code of /v1/listen', async () => {
  const idle = await connect(flux());
  assert.equal((await idle.closed).code, 1011);
  assert.equal(idle.messages.at(-1).code, 'INACTIVE_CLIENT', "Flux's own code for NET-0001");
  assert.match(idle.messages.at(-1).description, /Send audio within 10 s/);
  const garbage = await connect(listenUrl(server.url, { model: 'flux-general-en' }, '/v2/listen'));
  garbage.ws.send(Buffer.from('this is not audio in any container at all'.repeat(20)));
  const closed = await garbage.closed;
  assert.equal(closed.code, 1008);
  assert.match(closed.reason, /^DATA-0000/);
  assert.equal(garbage.messages.at(-1).code, 'DATA-0000');
  assert.match(garbage.messages.at(-1).description, /Send valid audio/);
});

test('the handshake refuses what Flux refuses, with 400 naming the parameter, dg-request-id and dg-error', async () => {
  const cases: Array<[Record<string, string | number>, RegExp]> = [
    [{ model: 'flux-general-multi' }, /'model'.*no multilingual engine/],
    [{ model: 'nova-3' }, /'model'.*other models are on \/v1\/listen/],
    [{ eot_threshold: 1.05 }, /'eot_threshold' value of '1.05'.*between 0.5 and 1/],
    [{ eot_timeout_ms: 60_001 }, /'eot_timeout_ms'.*60000/],
    [{ eager_eot_threshold: 0.2 }, /'eager_eot_threshold'.*between 0.3 and 0.9/],
    [{ eager_eot_threshold: 0.8, eot_threshold: 0.6 }, /must not be above eot_threshold/],
    [{ eot_timeout_ms: 'soon' }, /'eot_timeout_ms'.*whole number/],
    [{ encoding: 'flac' }, /'encoding'.*linear16, linear32, mulaw, alaw, opus, ogg-opus/],
    [{ language_hint: 'de' }, /flux-general-multi/],
    [{ interim_results: 'true' }, /Unknown query parameter 'interim_results' for \/v2\/listen/],
  ];
  for (const [query, why] of cases) {
    const r = await refused(flux(query));
    assert.equal(r.status, 400, JSON.stringify(query));
    assert.match(JSON.parse(r.body).err_msg, why);
    assert.ok(r.headers['dg-request-id'] && r.headers['dg-error']);
  }
  // Every value of a repeated parameter is checked, not only the first.
  for (const [repeated, why] of [['redact=numbers&redact=pii', /'redact' value of 'pii'/], [`tag=a&tag=${'x'.repeat(129)}`, /'tag'.*at most 128 characters/]] as const) {
    const r = await refused(`${flux()}&${repeated}`);
    assert.equal(r.status, 400, repeated);
    assert.match(JSON.parse(r.body).err_msg, why);
  }
  const rawWithoutRate = await refused(listenUrl(server.url, { encoding: 'mulaw' }, '/v2/listen'));
  assert.match(JSON.parse(rawWithoutRate.body).err_msg, /Missing 'sample_rate'/);
  const v1 = await refused(listenUrl(server.url, { model: 'flux-general-en' }));
  assert.match(JSON.parse(v1.body).err_msg, /Flux models are served on \/v2\/listen/);
  const plain = await fetch(flux().replace('ws:', 'http:'));
  assert.equal(plain.status, 426, 'a plain GET passes every check and is told to upgrade');
});

test('auth on /v2/listen is /v1/listen\'s', async () => {
  const guarded = await startFakeServer({ apiKeys: ['flux-key'] });
  try {
    const url = listenUrl(guarded.url, RAW, '/v2/listen');
    const r = await refused(url);
    assert.equal(r.status, 401);
    const c = await connect(url, { headers: { Authorization: 'Token flux-key' } });
    assert.equal((await c.next((m) => m.type === 'Connected')).sequence_id, 0);
    c.ws.close();
  } finally {
    await guarded.stop();
  }
});
