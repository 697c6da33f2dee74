/**
 * Write batches (store/write-buffer.ts) over the real SQLite back end: staged puts reach
 * the file only when the batch is released, in order, once per row; readers see their own
 * writes; outside a batch nothing is staged; a batch released without waiting for the disk
 * survives a crash of the process (a child process kills itself with SIGKILL).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { RecordKind, type RecordBackend } from '../../src/store/backend.ts';
import { MemoryBackend } from '../../src/store/memory/memory-backend.ts';
import { openSqliteBackend } from '../../src/store/node/sqlite-backend.ts';
import { WriteBuffer } from '../../src/store/write-buffer.ts';

const C = Uint8Array.of(1);
const k = (n: number) => Uint8Array.of(n);
const v = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : new TextDecoder().decode(b));

function tempFile(): { path: string; done: () => void } {
  const directory = mkdtempSync(join(tmpdir(), 'sealed-write-buffer-'));
  return { path: join(directory, 'records.sqlite'), done: () => rmSync(directory, { recursive: true, force: true }) };
}

test('write buffer: puts wait for the release, replaced rows keep their first place, readers see their own writes', async () => {
  const file = tempFile();
  try {
    const inner = openSqliteBackend(file.path);
    const buffer = new WriteBuffer(inner);
    buffer.hold();
    await buffer.put(RecordKind.message, C, k(1), v('one'));
    await buffer.put(RecordKind.message, C, k(2), v('two'));
    await buffer.put(RecordKind.message, C, k(1), v('one, edited'));
    assert.equal(buffer.staged, 2, 'a row put twice is staged once');
    assert.equal(await inner.get(RecordKind.message, C, k(1)), undefined, 'nothing applied while the batch is open');
    await buffer.release(false);
    assert.equal(buffer.staged, 0);
    const rows = await inner.list(RecordKind.message, C, 0, 10);
    assert.deepEqual(rows.map((r) => text(r.value)), ['one, edited', 'two']);

    buffer.hold();
    await buffer.put(RecordKind.message, C, k(3), v('three'));
    assert.equal(text(await buffer.get(RecordKind.message, C, k(3))), 'three', 'a read applies the staged puts first');
    await buffer.put(RecordKind.message, C, k(4), v('four'));
    assert.equal(await buffer.delete(RecordKind.message, C, k(4)), true, 'a delete sees the put staged before it');
    await buffer.release(true);
    assert.deepEqual((await inner.list(RecordKind.message, C, 0, 10)).map((r) => text(r.value)), ['one, edited', 'two', 'three']);

    await buffer.put(RecordKind.message, C, k(5), v('five'));
    assert.equal(text(await inner.get(RecordKind.message, C, k(5))), 'five', 'outside a batch a put goes straight through');
    buffer.hold();
    await buffer.put(RecordKind.message, C, k(6), v('six'));
    await buffer.close();
    await buffer.close();
    const reopened = openSqliteBackend(file.path);
    assert.equal(text(await reopened.get(RecordKind.message, C, k(6))), 'six', 'close applies what was staged');
    await reopened.close();
  } finally {
    file.done();
  }
});

test('write buffer: a back end without batches is never staged for', async () => {
  const memory = new MemoryBackend();
  // As IndexedDB's back end today: no applyBatch.
  const inner: RecordBackend = {
    get: (...a) => memory.get(...a),
    put: (...a) => memory.put(...a),
    delete: (...a) => memory.delete(...a),
    deleteCollection: (...a) => memory.deleteCollection(...a),
    list: (...a) => memory.list(...a),
    close: () => memory.close(),
  };
  const buffer = new WriteBuffer(inner);
  buffer.hold();
  await buffer.put(RecordKind.message, C, k(1), v('one'));
  assert.equal(text(await inner.get(RecordKind.message, C, k(1))), 'one');
  await buffer.release(true);
});

test('a batch committed without waiting for the disk survives SIGKILL of the process right after', async () => {
  const file = tempFile();
  try {
    const child = `
      import { openSqliteBackend } from ${JSON.stringify(new URL('../../src/store/node/sqlite-backend.ts', import.meta.url).pathname)};
      const backend = openSqliteBackend(${JSON.stringify(file.path)});
      const puts = Array.from({ length: 20 }, (_, i) => ({ kind: 4, collection: Uint8Array.of(1), key: Uint8Array.of(i), value: new TextEncoder().encode('row ' + i) }));
      await backend.applyBatch(puts, false);
      process.kill(process.pid, 'SIGKILL');
    `;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', child], { timeout: 60_000, encoding: 'utf8' });
    assert.equal(run.signal, 'SIGKILL', run.stderr);
    const backend = openSqliteBackend(file.path);
    const rows = await backend.list(RecordKind.message, C, 0, 100);
    assert.equal(rows.length, 20);
    assert.equal(text(rows[19]!.value), 'row 19');
    // An empty durable batch after lazy ones is allowed (it syncs what is there).
    await backend.applyBatch!([], false);
    await backend.applyBatch!([{ kind: RecordKind.message, collection: C, key: k(99), value: v('x') }], false);
    await backend.applyBatch!([], true);
    await backend.close();
  } finally {
    file.done();
  }
});
