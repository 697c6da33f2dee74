// SQLite schema 5 stores the client message id as its 16 bytes (it was 32 hex characters):
// records written before the migration still make a retry a duplicate, and expiry (which
// walks the table by its stored keys) still deletes them.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import Database from 'better-sqlite3';
import { SQLITE_MIGRATIONS } from '../../src/storage/sqlite/migrations.ts';
import { openSqliteStorage, SQLITE_FILE_NAME } from '../../src/storage/sqlite/open.ts';
import { DAY_MS, type DeviceId } from '../../src/storage/types.ts';
import { hexId, NOW, send } from './fixtures.ts';

const root = mkdtempSync(join(tmpdir(), 'sealed-migrate-idem-'));
after(() => rmSync(root, { recursive: true, force: true }));

it('migrates hex ids to bytes; a retry of a send accepted before is still a duplicate; expiry deletes migrated records', async () => {
  const sender = hexId<DeviceId>();
  const messageId = hexId();
  const file = join(root, SQLITE_FILE_NAME);
  const old = new Database(file);
  for (let version = 0; version < 4; version++) old.exec(SQLITE_MIGRATIONS[version]!);
  old.pragma('user_version = 4');
  const insert = old.prepare('INSERT INTO idempotency VALUES (?, ?, ?, ?)');
  insert.run(sender, messageId, 5, NOW + DAY_MS);
  insert.run(sender, 'not-hex', 1, NOW + DAY_MS);
  old.close();

  const storage = await openSqliteStorage({ dataDir: root });
  try {
    const raw = new Database(file, { readonly: true });
    try {
      assert.equal(raw.pragma('user_version', { simple: true }), SQLITE_MIGRATIONS.length);
      const rows = raw.prepare('SELECT client_message_id AS id, epoch FROM idempotency ORDER BY epoch').all() as { id: Buffer; epoch: number }[];
      assert.deepEqual(
        rows.map((r) => [r.epoch, Buffer.isBuffer(r.id), r.id.toString('hex')]),
        [
          [1, true, Buffer.from('not-hex').toString('hex')],
          [5, true, messageId],
        ],
      );
    } finally {
      raw.close();
    }
    // The retry names no existing recipient: only a recognised duplicate is answered without that check.
    const retry = send(sender, [hexId<DeviceId>()], { clientMessageId: messageId, now: NOW });
    assert.deepEqual(await storage.queue.enqueue(retry), { status: 'duplicate', epoch: 5 });
    await storage.queue.expire(NOW, NOW + 2 * DAY_MS);
    const after = new Database(file, { readonly: true });
    try {
      assert.deepEqual(after.prepare('SELECT count(*) AS n FROM idempotency').get(), { n: 0 });
    } finally {
      after.close();
    }
  } finally {
    await storage.close();
  }
});
