/** SQLite implementation of AttachmentStore (metadata only; bytes are in the blob store). */
import type { AttachmentStore } from '../attachments.ts';
import type { AttachmentId, AttachmentRecord, Millis } from '../types.ts';
import { mapConstraint, type Db } from './db.ts';

export class SqliteAttachmentStore implements AttachmentStore {
  private readonly insert;
  private readonly select;
  private readonly remove;
  private readonly expired;

  constructor(db: Db) {
    this.insert = db.prepare('INSERT INTO attachments (id, size, created_at, expires_at) VALUES (?, ?, ?, ?)');
    this.select = db.prepare<[string, number], { id: string; size: number; created_at: number; expires_at: number }>(
      'SELECT id, size, created_at, expires_at FROM attachments WHERE id = ? AND expires_at > ?',
    );
    this.remove = db.prepare('DELETE FROM attachments WHERE id = ?');
    this.expired = db.prepare<[number, number], { id: string }>('SELECT id FROM attachments WHERE expires_at <= ? ORDER BY expires_at LIMIT ?');
  }

  async putAttachment(record: AttachmentRecord): Promise<void> {
    mapConstraint('attachment', () => this.insert.run(record.id, record.size, record.createdAt, record.expiresAt));
  }

  async getAttachment(id: AttachmentId, now: Millis): Promise<AttachmentRecord | undefined> {
    const row = this.select.get(id, now);
    return row === undefined ? undefined : { id: row.id as AttachmentId, size: row.size, createdAt: row.created_at, expiresAt: row.expires_at };
  }

  async deleteAttachment(id: AttachmentId): Promise<void> {
    this.remove.run(id);
  }

  async listExpiredAttachments(now: Millis, limit: number): Promise<AttachmentId[]> {
    return this.expired.all(now, limit).map((row) => row.id as AttachmentId);
  }
}
