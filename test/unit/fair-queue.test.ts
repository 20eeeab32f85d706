// The decode queue's order (issue 16, defect 14): priority first, then streams in turn, each
// stream's own jobs in the order queued.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FairQueue } from '../../src/engines/fair-queue.js';

function drain<T>(q: FairQueue<T>): T[] {
  const out: T[] = [];
  for (let item = q.shift(); item !== undefined; item = q.shift()) out.push(item);
  return out;
}

test('streams take turns within a priority; a backlog does not hold up a stream with one job', () => {
  const q = new FairQueue<string>();
  for (const job of ['A1', 'A2', 'A3', 'A4']) q.push(job, 0, 'A');
  q.push('B1', 0, 'B');
  q.push('C1', 0, 'C');
  q.push('C2', 0, 'C');
  assert.equal(q.length, 7);
  assert.deepEqual(drain(q), ['A1', 'B1', 'C1', 'A2', 'C2', 'A3', 'A4']);
  assert.equal(q.length, 0);
});

test('a more urgent priority always goes first, whatever the turns', () => {
  const q = new FairQueue<string>();
  q.push('A-interim', 1, 'A');
  q.push('B-interim', 1, 'B');
  q.push('A-final', 0, 'A');
  assert.equal(q.shift(), 'A-final');
  q.push('B-final', 0, 'B');
  assert.deepEqual(drain(q), ['B-final', 'A-interim', 'B-interim']);
});

test('a stream that comes back after its queue emptied waits its turn behind those waiting', () => {
  const q = new FairQueue<string>();
  q.push('A1', 0, 'A');
  q.push('B1', 0, 'B');
  assert.equal(q.shift(), 'A1');
  q.push('A2', 0, 'A');
  q.push('B2', 0, 'B');
  assert.deepEqual(drain(q), ['B1', 'A2', 'B2']);
});

test('entries lists every waiting job with its priority; clear takes them all', () => {
  const q = new FairQueue<string>();
  q.push('x', 0, 'A');
  q.push('y', 1, 'B');
  assert.deepEqual([...q.entries()].sort(), [['x', 0], ['y', 1]]);
  assert.deepEqual(q.clear().sort(), ['x', 'y']);
  assert.equal(q.length, 0);
  assert.equal(q.shift(), undefined);
});
