import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openDatabase } from '../../src/storage/sqlite/db.ts';

describe('SQLite secure_delete', () => {
  it('is on, and a deleted queue payload is no longer in the database file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sealed-secure-delete-'));
    try {
      const file = join(dir, 'sealed.sqlite');
      const db = openDatabase(file, 'normal');
      assert.equal(db.pragma('secure_delete', { simple: true }), 1);
      const marker = Buffer.from('SEALED-SECURE-DELETE-MARKER-'.repeat(8));
      db.prepare('INSERT INTO queue (device_id, seq, kind, received_at, payload) VALUES (?, ?, ?, ?, ?)').run('d', 1, 1, 0, marker);
      db.pragma('wal_checkpoint(TRUNCATE)');
      assert.ok(readFileSync(file).includes(marker), 'the marker was written');
      db.prepare('DELETE FROM queue WHERE device_id = ?').run('d');
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
      assert.ok(!readFileSync(file).includes(marker), 'the deleted payload lingers in the file');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
