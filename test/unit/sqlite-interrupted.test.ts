// Issue 16, defect 10: a server in a container is PID 1 after every restart. The records it left
// open when it crashed carry PID 1 too, and must be marked interrupted by the next PID 1.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RequestRecord } from '../../src/store/request-record.js';
import { openStateStore } from '../../src/store/state-store.js';

const record = (requestId: string, serverPid: number): RequestRecord => ({
  requestId,
  state: 'open',
  openedAt: new Date().toISOString(),
  client: '127.0.0.1',
  path: '/v1/listen',
  query: {},
  httpStatus: 101,
  bytesReceived: 0,
  audioSeconds: 0,
  messagesSent: {},
  framesReceived: {},
  diagnoses: [],
  serverPid,
});

test('open records under the starting server\'s own PID were left by an earlier run: interrupted', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'earshot-pid-')), 'requests.db');
  const earlier = await openStateStore({ sqlitePath: path }, { role: 'server', server: 'a' });
  await earlier.requests.write(record('same-pid', process.pid));
  // A PID that runs (this test's parent) and is not ours: its records are another live server's.
  await earlier.requests.write(record('other-live-pid', process.ppid));
  await earlier.close();
  const restarted = await openStateStore({ sqlitePath: path }, { role: 'server', server: 'a' });
  try {
    assert.equal((await restarted.requests.get('same-pid'))?.state, 'interrupted');
    assert.equal((await restarted.requests.get('other-live-pid'))?.state, 'open');
  } finally {
    await restarted.close();
  }
});
