/**
 * Attachment bytes in PostgreSQL (scale-out mode): streamed in and out in chunks, size
 * limit enforced while streaming, all-or-nothing writes, safe concurrent delete.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { BLOB_CHUNK_BYTES, PgBlobError, openPostgresBlobStore, type PgBlobStore } from '../../src/storage/postgres/blob-store.ts';
import { openPostgresStorage, type PgStorage } from '../../src/storage/postgres/open.ts';
import { StorageError } from '../../src/storage/errors.ts';
import { ServerError } from '../../src/errors.ts';
import type { AttachmentId } from '../../src/storage/types.ts';
import { requirePostgres, testSchema, type TestSchema } from '../support/services.ts';
import { hexId } from './fixtures.ts';

const MAX = 4 * 1024 * 1024;

/** Yields `data` in pieces of varying sizes (1 byte up to 100 KiB), as a socket would. */
async function* pieces(data: Uint8Array): AsyncGenerator<Uint8Array> {
  let at = 0;
  let i = 0;
  while (at < data.length) {
    const n = Math.min(data.length - at, [1, 7, 65_536, 100_000, 3][i++ % 5]!);
    yield data.subarray(at, at + n);
    at += n;
  }
}

async function readAll(store: PgBlobStore, id: AttachmentId): Promise<{ data: Uint8Array; chunkSizes: number[] } | undefined> {
  const stream = await store.read(id);
  if (stream === undefined) return undefined;
  const parts: Uint8Array[] = [];
  for await (const part of stream) parts.push(part as Uint8Array);
  return { data: new Uint8Array(Buffer.concat(parts)), chunkSizes: parts.map((p) => p.length) };
}

describe('PostgreSQL attachment blob store', () => {
  let ts: TestSchema;
  let storage: PgStorage;
  let store: PgBlobStore;
  const chunkRows = async (id: string) =>
    (await storage.handle.pool.query('SELECT 1 FROM attachment_chunks WHERE attachment_id = $1', [id])).rowCount;

  before(async () => {
    await requirePostgres();
    ts = testSchema('blobs');
    storage = await openPostgresStorage({ url: ts.url, schema: ts.schema, poolSize: 4 });
    store = openPostgresBlobStore(storage);
  });
  after(async () => {
    await storage?.close();
    await ts?.drop();
  });

  it('streams a multi-chunk blob in and out unchanged, never yielding more than one chunk at a time', async () => {
    const data = new Uint8Array(randomBytes(2 * BLOB_CHUNK_BYTES + 12_345));
    const id = hexId<AttachmentId>(32);
    assert.equal(await store.write(id, pieces(data), MAX), data.length);
    const back = await readAll(store, id);
    assert.ok(back);
    assert.deepEqual(back.data, data);
    assert.ok(back.chunkSizes.every((n) => n <= BLOB_CHUNK_BYTES));
    assert.equal(back.chunkSizes.length, 3);
  });

  it('stores an empty blob and reports an unknown id as absent', async () => {
    const id = hexId<AttachmentId>(32);
    assert.equal(await store.write(id, pieces(new Uint8Array(0)), MAX), 0);
    assert.deepEqual((await readAll(store, id))?.data, new Uint8Array(0));
    assert.equal(await store.read(hexId<AttachmentId>(32)), undefined);
  });

  it('rejects a blob over the limit while streaming and keeps nothing', async () => {
    const id = hexId<AttachmentId>(32);
    let pulled = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 1000; i++) {
        pulled++;
        yield new Uint8Array(64 * 1024);
      }
    }
    await assert.rejects(store.write(id, endless(), BLOB_CHUNK_BYTES + 1), (e: unknown) => e instanceof ServerError && e.code === 'too-large');
    assert.ok(pulled <= 5, `stopped reading at the limit (pulled ${pulled})`);
    assert.equal(await store.read(id), undefined);
    assert.equal(await chunkRows(id), 0);
  });

  it('keeps nothing when the source fails mid-upload', async () => {
    const id = hexId<AttachmentId>(32);
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(BLOB_CHUNK_BYTES * 2);
      throw new Error('client went away');
    }
    await assert.rejects(store.write(id, failing(), MAX), /client went away/);
    assert.equal(await store.read(id), undefined);
    assert.equal(await chunkRows(id), 0);
  });

  it('keeps nothing when the database connection dies mid-upload (as when a node is killed)', async () => {
    const id = hexId<AttachmentId>(32);
    // A node of its own, named so that only its connections are terminated (other test
    // files share this database).
    const name = `sealed-test-${ts.schema}`;
    const doomed = await openPostgresStorage({ url: ts.url, schema: ts.schema, poolSize: 1, applicationName: name });
    try {
      const admin = storage.handle.pool;
      async function* thenKill(): AsyncGenerator<Uint8Array> {
        yield new Uint8Array(BLOB_CHUNK_BYTES);
        yield new Uint8Array(BLOB_CHUNK_BYTES);
        const killed = await admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND state = 'idle in transaction'`,
          [name],
        );
        assert.equal(killed.rowCount, 1);
        yield new Uint8Array(10);
      }
      await assert.rejects(openPostgresBlobStore(doomed).write(id, thenKill(), MAX));
    } finally {
      await doomed.close();
    }
    assert.equal(await store.read(id), undefined);
    assert.equal(await chunkRows(id), 0);
  });

  it('refuses a second blob with the same id and keeps the first', async () => {
    const id = hexId<AttachmentId>(32);
    await store.write(id, pieces(Uint8Array.of(1, 2, 3)), MAX);
    await assert.rejects(store.write(id, pieces(Uint8Array.of(4)), MAX), (e: unknown) => e instanceof StorageError && e.code === 'conflict');
    assert.deepEqual((await readAll(store, id))?.data, Uint8Array.of(1, 2, 3));
  });

  it('deletes idempotently, and a reader racing a delete errors instead of ending short', async () => {
    const id = hexId<AttachmentId>(32);
    await store.write(id, pieces(new Uint8Array(randomBytes(6 * BLOB_CHUNK_BYTES))), 8 * BLOB_CHUNK_BYTES);
    const stream = await store.read(id);
    assert.ok(stream);
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next(); // first window fetched
    await store.delete(id);
    await store.delete(id);
    await assert.rejects(
      (async () => {
        for (let i = 0; i < 10; i++) if ((await iterator.next()).done) return;
      })(),
      (e: unknown) => e instanceof PgBlobError && e.code === 'truncated',
    );
    assert.equal(await store.read(id), undefined);
    assert.equal(await chunkRows(id), 0);
  });
});
