/** PostgreSQL implementation of AttachmentStore (metadata; bytes are in the blob store). */
import type pg from 'pg';
import type { AttachmentStore } from '../attachments.ts';
import type { AttachmentId, AttachmentRecord, Millis } from '../types.ts';
import { mapConstraint } from './rows.ts';

export class PgAttachmentStore implements AttachmentStore {
  constructor(private readonly pool: pg.Pool) {}

  async putAttachment(record: AttachmentRecord): Promise<void> {
    await mapConstraint('attachment', () =>
      this.pool.query('INSERT INTO attachments (id, size, created_at, expires_at) VALUES ($1, $2, $3, $4)', [
        record.id,
        record.size,
        record.createdAt,
        record.expiresAt,
      ]),
    );
  }

  async getAttachment(id: AttachmentId, now: Millis): Promise<AttachmentRecord | undefined> {
    const { rows } = await this.pool.query<{ id: string; size: number; created_at: number; expires_at: number }>(
      'SELECT id, size, created_at, expires_at FROM attachments WHERE id = $1 AND expires_at > $2',
      [id, now],
    );
    const row = rows[0];
    return row === undefined ? undefined : { id: row.id as AttachmentId, size: row.size, createdAt: row.created_at, expiresAt: row.expires_at };
  }

  async deleteAttachment(id: AttachmentId): Promise<void> {
    await this.pool.query('DELETE FROM attachments WHERE id = $1', [id]);
  }

  async listExpiredAttachments(now: Millis, limit: number): Promise<AttachmentId[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      'SELECT id FROM attachments WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2',
      [now, limit],
    );
    return rows.map((r) => r.id as AttachmentId);
  }
}
