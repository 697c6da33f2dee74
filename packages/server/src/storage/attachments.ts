/**
 * Attachment metadata. The bytes live behind `AttachmentBlobStore`
 * (server/src/attachments/blob-store.ts): the file system by default, PostgreSQL in
 * scale-out mode.
 */
import type { AttachmentId, AttachmentRecord, Millis } from './types.ts';

export interface AttachmentStore {
  /** @throws StorageError('conflict') if the id exists. */
  putAttachment(record: AttachmentRecord): Promise<void>;
  /** The record if it exists and has not expired at `now`. */
  getAttachment(id: AttachmentId, now: Millis): Promise<AttachmentRecord | undefined>;
  deleteAttachment(id: AttachmentId): Promise<void>;
  /** Up to `limit` ids expired at `now` (callers delete blob then record, in batches). */
  listExpiredAttachments(now: Millis, limit: number): Promise<AttachmentId[]>;
}
