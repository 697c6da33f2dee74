// SQLite queue details beyond the conformance suite: ack runs, expiry past one batch (the
// queue and idempotency tables have no secondary index since schema 3: expiry walks keys),
// WAL checkpoints by the background worker.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { CHECKPOINT_INTERVAL_MS, MAIN_AUTOCHECKPOINT_PAGES } from '../../src/storage/sqlite/checkpointer.ts';
import { seqRuns } from '../../src/storage/sqlite/queue.ts';
import { openSqliteStorage, SQLITE_FILE_NAME } from '../../src/storage/sqlite/open.ts';
import { createAccount, NOW, send } from './fixtures.ts';

const root = mkdtempSync(join(tmpdir(), 'sealed-sqlite-queue-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

describe('seqRuns', () => {
  it('splits seqs into ascending contiguous runs, ignoring order and repeats', () => {
    assert.deepEqual(seqRuns([1, 2, 3]), [[1, 3]]);
    assert.deepEqual(seqRuns([5]), [[5, 5]]);
    assert.deepEqual(seqRuns([]), []);
    assert.deepEqual(seqRuns([9, 3, 4, 4, 1, 2, 10]), [[1, 4], [9, 10]]);
    assert.deepEqual(seqRuns([1, 3, 5]), [[1, 1], [3, 3], [5, 5]]);
  });
});

describe('SQLite queue expiry past one batch', () => {
  it('expires 2,500 entries of one device and 2,500 idempotency records, keeping the live ones', async () => {
    const dir = join(root, String(n++));
    const s = await openSqliteStorage({ dataDir: dir });
    try {
      const { deviceId: a } = await createAccount(s);
      const { deviceId: b } = await createAccount(s);
      const { deviceId: c } = await createAccount(s);
      const inputs = Array.from({ length: 2500 }, () => send(a, [b], { now: NOW, receivedAt: NOW, idempotencyTtlMs: 100, maxQueuedPerDevice: 10_000 }));
      const old = await Promise.all(inputs.map((input) => s.queue.enqueue(input)));
      assert.ok(old.every((r) => r.status === 'accepted'));
      const fresh = send(c, [b], { now: NOW + 200, receivedAt: NOW + 200, idempotencyTtlMs: 10_000, maxQueuedPerDevice: 10_000 });
      assert.equal((await s.queue.enqueue(fresh)).status, 'accepted');
      assert.equal(await s.queue.expire(NOW + 150, NOW + 150), 2500);
      assert.equal(await s.queue.count(b), 1);
      assert.deepEqual((await s.queue.fetch(b, 0, 10)).map((e) => e.seq), [2501]);
      const db = new Database(join(dir, SQLITE_FILE_NAME), { readonly: true });
      try {
        assert.deepEqual(db.prepare('SELECT count(*) AS n FROM idempotency').get(), { n: 1 }, 'only the live record is left');
        assert.deepEqual(db.prepare('SELECT count(*) AS n FROM queue').get(), { n: 1 });
      } finally {
        db.close();
      }
      assert.equal((await s.queue.enqueue({ ...fresh, now: NOW + 300 })).status, 'duplicate');
      assert.equal((await s.queue.enqueue({ ...inputs[0]!, now: NOW + 300 })).status, 'accepted', 'an expired id is new again');
    } finally {
      await s.close();
    }
  });
});

describe('SQLite WAL checkpoints in the background', () => {
  it('copies committed pages into the database file without the writer checkpointing', async () => {
    const dir = join(root, String(n++));
    const s = await openSqliteStorage({ dataDir: dir });
    try {
      const { deviceId: a } = await createAccount(s);
      const { deviceId: b } = await createAccount(s);
      // Let the worker catch up with the set-up writes, then note the database file's size.
      await sleep(3 * CHECKPOINT_INTERVAL_MS);
      const before = statSync(join(dir, SQLITE_FILE_NAME)).size;
      const payload = new Uint8Array(1000);
      const results = await Promise.all(Array.from({ length: 2000 }, () => s.queue.enqueue(send(a, [b], { payload, maxQueuedPerDevice: 10_000 }))));
      assert.ok(results.every((r) => r.status === 'accepted'));
      // ~2 MB of entries: far below the writer's backstop (MAIN_AUTOCHECKPOINT_PAGES), so
      // only the worker can have moved them out of the WAL.
      assert.ok(2000 * 1000 < MAIN_AUTOCHECKPOINT_PAGES * 4096);
      const deadline = Date.now() + 10_000;
      // Bounded by the deadline.
      while (statSync(join(dir, SQLITE_FILE_NAME)).size < before + 2000 * 1000 && Date.now() < deadline) await sleep(CHECKPOINT_INTERVAL_MS);
      assert.ok(statSync(join(dir, SQLITE_FILE_NAME)).size >= before + 2000 * 1000, 'the database file holds the entries');
    } finally {
      await s.close();
    }
  });
});
