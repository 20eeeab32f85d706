// The per-address handshake rate: a sliding minute, on a fake clock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HandshakeRate } from '../../src/server/handshake-rate.js';

test('at most N per address in any 60 s, other addresses unaffected, and 0 means no limit', () => {
  let now = 0;
  const rate = new HandshakeRate(3, () => now);
  assert.deepEqual([1, 2, 3, 4].map(() => rate.admit('a')), [true, true, true, false]);
  assert.equal(rate.admit('b'), true, 'another address has its own count');
  now = 59_999;
  assert.equal(rate.admit('a'), false, 'still inside the minute of the first three');
  now = 60_001;
  assert.equal(rate.admit('a'), true, 'the first three have slid out of the window');
  const unlimited = new HandshakeRate(0, () => now);
  assert.ok(Array.from({ length: 1000 }, () => unlimited.admit('a')).every(Boolean));
});

test('refused attempts do not count against the address', () => {
  let now = 0;
  const rate = new HandshakeRate(2, () => now);
  rate.admit('a');
  rate.admit('a');
  for (let i = 0; i < 100; i++) rate.admit('a');
  now = 60_001;
  assert.deepEqual([rate.admit('a'), rate.admit('a'), rate.admit('a')], [true, true, false]);
});
