/**
 * The device-link mailbox store on SQLite and on PostgreSQL (same semantics): one answer per
 * mailbox, the answer taken once, expiry, the bound on open mailboxes. PostgreSQL down =
 * FAIL, never skip.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { StorageError } from '../../src/storage/errors.ts';
import { openPostgresStorage } from '../../src/storage/postgres/open.ts';
import { openSqliteStorage } from '../../src/storage/sqlite/open.ts';
import type { Storage } from '../../src/storage/storage.ts';
import { requirePostgres, testSchema } from '../support/services.ts';

const id = (): Uint8Array => new Uint8Array(randomBytes(32));
const isStorageError = (code: string) => (e: unknown) => e instanceof StorageError && e.code === code;

function suite(name: string, open: () => Promise<{ storage: Storage; done: () => Promise<void> }>): void {
  describe(`link mailboxes on ${name}`, () => {
    it('offer, one answer, taken once; a second answer is a conflict; unknown ids are not found', async () => {
      const { storage, done } = await open();
      try {
        const links = storage.links;
        const h = id();
        const offer = new Uint8Array([1, 2, 3]);
        await links.createLink(h, offer, 2_000, 1_000, 10);
        assert.deepEqual(await links.takeLink(h, 1_001), { offer, sealed: null, expiresAt: 2_000 });
        // Still there while unanswered.
        assert.equal((await links.takeLink(h, 1_002))?.sealed, null);
        await links.sealLink(h, new Uint8Array([9]), 1_003);
        await assert.rejects(links.sealLink(h, new Uint8Array([8]), 1_004), isStorageError('conflict'));
        assert.deepEqual((await links.takeLink(h, 1_005))?.sealed, new Uint8Array([9]));
        assert.equal(await links.takeLink(h, 1_006), undefined, 'deleted once the answer was taken');
        await assert.rejects(links.sealLink(id(), new Uint8Array([1]), 1_007), isStorageError('not-found'));
      } finally {
        await done();
      }
    });

    it('expired mailboxes are invisible, cannot be answered, and are swept; open mailboxes are bounded', async () => {
      const { storage, done } = await open();
      try {
        const links = storage.links;
        const h = id();
        await links.createLink(h, new Uint8Array([1]), 2_000, 1_000, 2);
        assert.equal(await links.takeLink(h, 2_000), undefined);
        await assert.rejects(links.sealLink(h, new Uint8Array([1]), 2_000), isStorageError('not-found'));
        await links.createLink(id(), new Uint8Array([1]), 5_000, 1_000, 2);
        await assert.rejects(links.createLink(id(), new Uint8Array([1]), 5_000, 1_000, 2), isStorageError('limit-reached'));
        // Creating after the first expired deletes it first, which makes room.
        await links.createLink(id(), new Uint8Array([1]), 6_000, 2_500, 2);
        assert.equal(await links.deleteExpiredLinks(10_000), 2);
      } finally {
        await done();
      }
    });
  });
}

suite('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sealed-links-'));
  const storage = await openSqliteStorage({ dataDir: dir });
  return { storage, done: async () => {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  } };
});

describe('PostgreSQL', () => {
  before(requirePostgres);
  suite('PostgreSQL', async () => {
    const ts = testSchema('links');
    const storage = await openPostgresStorage({ url: ts.url, schema: ts.schema, poolSize: 2 });
    return { storage, done: async () => {
      await storage.close();
      await ts.drop();
    } };
  });
});
