// The Session without a network: a fake transport and a fake clock test the seed's 10 s rules
// exactly (closing at 10 000 ms, not at 9 999) in milliseconds of real time.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { parseListenOptions } from '../../src/protocol/listen-options.js';
import { Session } from '../../src/protocol/session.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { FakeRecognizer } from '../helpers/fake-recognizer.js';

// The audio here is silence: the timers, not the words, are under test.
const recognizer = new FakeRecognizer();

function session(keepAliveBeforeAudio = false, maxDurationMs = 0) {
  const clock = new FakeClock();
  const sent: any[] = [];
  let closed: { code: number; reason: string } | undefined;
  const s = new Session({
    requestId: '00000000-0000-4000-8000-000000000000',
    options: parseListenOptions(new URLSearchParams('encoding=linear16&sample_rate=16000')),
    recognizer,
    log: pino({ level: 'silent' }),
    policy: { inactivityTimeoutMs: 10_000, keepAliveBeforeAudio, unendpointedGapMs: 800, live: true, maxBacklogSeconds: 60, maxQueuedBytes: 4 * 1024 * 1024, maxDurationMs, maxUnreadBytes: Infinity },
    transport: { send: (m) => sent.push(m), close: (code, reason) => (closed = { code, reason }) },
    clock,
  });
  const settle = () => new Promise((r) => setTimeout(r, 50));
  return { s, clock, sent, closedWith: () => closed, settle };
}

test('no audio: open at 9 999 ms, closed with NET-0001 at 10 000 ms', async () => {
  const { clock, closedWith, settle } = session();
  clock.advance(9_999);
  await settle();
  assert.equal(closedWith(), undefined);
  clock.advance(1);
  await settle();
  assert.equal(closedWith()?.code, 1011);
  assert.match(closedWith()!.reason, /net0001/);
});

test('KeepAlive every 5 s before any audio does not extend the 10 s', async () => {
  const { s, clock, closedWith, settle } = session();
  clock.advance(5_000);
  s.onText('{"type":"KeepAlive"}');
  clock.advance(5_000);
  await settle();
  assert.equal(closedWith()?.code, 1011);
});

test('after audio, each KeepAlive restarts the 10 s; then 10 s of nothing closes it', async () => {
  const { s, clock, closedWith, settle } = session();
  clock.advance(9_000);
  s.onBinary(Buffer.alloc(3200));
  for (let i = 0; i < 5; i++) {
    clock.advance(9_999);
    s.onText('{"type":"KeepAlive"}');
  }
  await settle();
  assert.equal(closedWith(), undefined, 'alive after 59 s of KeepAlive');
  clock.advance(10_000);
  await settle();
  assert.equal(closedWith()?.code, 1011);
});

test('with keepAliveBeforeAudio, KeepAlive alone keeps a stream open', async () => {
  const { s, clock, closedWith, settle } = session(true);
  for (let i = 0; i < 6; i++) {
    clock.advance(9_000);
    s.onText('{"type":"KeepAlive"}');
  }
  await settle();
  assert.equal(closedWith(), undefined);
});

test('CloseStream stops the timer: Metadata and 1000, never a late NET-0001', async () => {
  const { s, clock, sent, closedWith, settle } = session();
  s.onBinary(Buffer.alloc(32000));
  s.onText('{"type":"CloseStream"}');
  for (let i = 0; i < 100 && !closedWith(); i++) await settle();
  assert.deepEqual(closedWith(), { code: 1000, reason: '' });
  assert.equal(sent.at(-1).type, 'Metadata');
  assert.equal(sent.at(-1).duration, 1);
  clock.advance(60_000);
  assert.equal(closedWith()?.code, 1000);
});

test('--max-stream-seconds: at the limit, not before, the stream is finalized (all audio in Metadata) and closed 1000 with the limit named', async () => {
  const { s, clock, sent, closedWith, settle } = session(false, 60_000);
  for (let i = 0; i < 59; i++) {
    clock.advance(1_000);
    s.onBinary(Buffer.alloc(32000));
  }
  clock.advance(999);
  await settle();
  assert.equal(closedWith(), undefined, 'open at 59.999 s');
  clock.advance(1);
  for (let i = 0; i < 100 && !closedWith(); i++) await settle();
  assert.equal(closedWith()?.code, 1000);
  assert.match(closedWith()!.reason, /reached the server's 60 s limit \(--max-stream-seconds\)/);
  assert.ok(Buffer.byteLength(closedWith()!.reason) <= 123, 'fits a close frame');
  assert.equal(sent.at(-1).type, 'Metadata');
  assert.equal(sent.at(-1).duration, 59, 'every second sent before the limit is counted');
  s.onBinary(Buffer.alloc(32000));
  await settle();
  assert.equal(sent.at(-1).duration, 59, 'nothing after the close');
});
