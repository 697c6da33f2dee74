/**
 * Durable commits of the SQLite back end (store/node/sqlite-backend.ts, wal-sync.ts): a
 * commit that must be durable resolves only after the WAL file was synced, and that sync
 * runs while the event loop is free; a durable call with nothing new waits for a sync still
 * covering earlier commits; a failed sync fails the call and is tried again; lazy batches
 * are never synced. The sync function is injected to observe and delay it; a last test runs
 * the real fdatasync. Checkpoints run on a worker thread (checkpoint-thread.ts).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { RecordKind } from '../../src/store/backend.ts';
import { backgroundCheckpoints, openSqliteBackend } from '../../src/store/node/sqlite-backend.ts';

const C = Uint8Array.of(1);
const put = (n: number) => ({ kind: RecordKind.message, collection: C, key: Uint8Array.of(n), value: Uint8Array.of(n, n) });

function tempFile(): { path: string; done: () => void } {
  const directory = mkdtempSync(join(tmpdir(), 'sealed-wal-sync-'));
  return { path: join(directory, 'records.sqlite'), done: () => rmSync(directory, { recursive: true, force: true }) };
}

/** A sync function that records each call and completes only when the test says so. */
function gatedSync() {
  const calls: { file: FileHandle; finish: (error?: Error) => void }[] = [];
  const syncFile = (file: FileHandle) =>
    new Promise<void>((resolve, reject) => calls.push({ file, finish: (error) => (error === undefined ? resolve() : reject(error)) }));
  return { calls, syncFile };
}

const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

/** Waits (bounded: 5 s) until `count` syncs were started; the first opens the WAL in the thread pool. */
async function syncsStarted(calls: readonly unknown[], count: number): Promise<void> {
  for (let i = 0; i < 500 && calls.length < count; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(calls.length, count);
  // Anything that would start one more has had its chance.
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(calls.length, count);
}

test('a durable batch is committed at once and resolves only after the WAL is synced, the event loop free meanwhile', async () => {
  const file = tempFile();
  const gate = gatedSync();
  try {
    const backend = openSqliteBackend(file.path, { syncFile: gate.syncFile });
    let done = false;
    const batch = backend.applyBatch!([put(1), put(2)], true).then(() => (done = true));
    let timerRan = false;
    setImmediate(() => (timerRan = true));
    await syncsStarted(gate.calls, 1);
    assert.equal(timerRan, true, 'the event loop runs while the sync waits');
    assert.equal(done, false, 'not durable before the WAL sync finished');
    // The sync is of the WAL file itself.
    const { ino } = await gate.calls[0]!.file.stat();
    assert.equal(ino, statSync(`${file.path}-wal`).ino);
    // Committed already (another connection reads it): a crash of the process keeps it.
    const reader = new Database(file.path, { readonly: true });
    assert.equal((reader.prepare('SELECT count(*) AS n FROM records').get() as { n: number }).n, 2);
    reader.close();
    gate.calls[0]!.finish();
    await batch;
    assert.equal(done, true);
    await backend.applyBatch!([put(3)], false);
    assert.equal(gate.calls.length, 1, 'a lazy batch is not synced');
    const single = backend.put(RecordKind.message, C, Uint8Array.of(4), Uint8Array.of(4));
    await syncsStarted(gate.calls, 2);
    gate.calls[1]!.finish();
    await single;
    await backend.close();
  } finally {
    file.done();
  }
});

test('a durable call with nothing new waits for the sync that covers earlier commits; a failed sync is retried', async () => {
  const file = tempFile();
  const gate = gatedSync();
  try {
    const backend = openSqliteBackend(file.path, { syncFile: gate.syncFile });
    let first = false;
    let second = false;
    const a = backend.applyBatch!([put(1)], true).then(() => (first = true));
    await syncsStarted(gate.calls, 1);
    const b = backend.applyBatch!([], true).then(() => (second = true));
    await syncsStarted(gate.calls, 1); // nothing new: no second sync
    assert.equal(second, false, 'but it waits for the sync covering the earlier commit');
    gate.calls[0]!.finish();
    await Promise.all([a, b]);
    assert.equal(first && second, true);
    await backend.applyBatch!([], true);
    await turns(3);
    assert.equal(gate.calls.length, 1, 'everything synced: nothing to wait for');

    const failing = backend.applyBatch!([put(2)], true);
    await syncsStarted(gate.calls, 2);
    gate.calls[1]!.finish(new Error('EIO'));
    await assert.rejects(failing, /EIO/);
    const again = backend.applyBatch!([], true);
    await syncsStarted(gate.calls, 3); // the commit whose sync failed is synced again
    gate.calls[2]!.finish();
    await again;
    await backend.close();
  } finally {
    file.done();
  }
});

test('with the real fdatasync: durable puts, deletes and batches, then reopened', async () => {
  const file = tempFile();
  try {
    const backend = openSqliteBackend(file.path);
    await backend.applyBatch!([put(1), put(2)], true);
    await backend.put(RecordKind.message, C, Uint8Array.of(3), Uint8Array.of(3));
    assert.equal(await backend.delete(RecordKind.message, C, Uint8Array.of(1)), true);
    await backend.close();
    const reopened = openSqliteBackend(file.path);
    assert.deepEqual((await reopened.list(RecordKind.message, C, 0, 10)).map((r) => r.key[0]), [2, 3]);
    await reopened.close();
  } finally {
    file.done();
  }
});

test('checkpoints run on the checkpoint thread: the writer\'s own automatic checkpoint is only a backstop', async () => {
  const file = tempFile();
  try {
    const backend = openSqliteBackend(file.path);
    await backend.applyBatch!(Array.from({ length: 50 }, (_, i) => put(i)), true);
    const reader = new Database(file.path, { readonly: true });
    assert.equal(reader.pragma('wal_autocheckpoint', { simple: true }), 1000, 'another connection keeps the default');
    reader.close();
    let count = 0;
    for (let i = 0; i < 100 && count === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      count = (await backgroundCheckpoints(backend)) ?? 0;
    }
    assert.ok(count > 0, 'the thread checkpointed the file');
    await backend.close();
    const reopened = openSqliteBackend(file.path);
    assert.equal((await reopened.list(RecordKind.message, C, 0, 100)).length, 50);
    await reopened.close();
  } finally {
    file.done();
  }
});
