/**
 * Attachment bytes in PostgreSQL, for scale-out mode (every node must serve every blob).
 * Bytes arrive as a stream and are cut into {@link BLOB_CHUNK_BYTES} rows; the whole
 * upload is one transaction whose last statement writes the header row, so a blob that
 * failed, was too large, or whose node died mid-upload leaves nothing behind.
 * Reads stream a window of chunks per query, holding no connection between windows.
 *
 * Trade-off: an upload holds one pooled connection for its duration; the edge's body
 * timeout bounds that (a slow client cannot hold it forever).
 */
import { Readable } from 'node:stream';
import type pg from 'pg';
import type { AttachmentBlobStore } from '../../attachments/blob-store.ts';
import { ServerError } from '../../errors.ts';
import { StorageError } from '../errors.ts';
import type { AttachmentId } from '../types.ts';
import type { PgStorage } from './open.ts';
import { inTransaction } from './pool.ts';
import { UNIQUE_VIOLATION, bytes } from './rows.ts';
import { hasSqlState } from './pool.ts';

/** Bytes per chunk row: large enough to keep round trips few, small enough to keep memory flat. */
export const BLOB_CHUNK_BYTES = 256 * 1024;
/** Chunks fetched per read query (1 MiB): bounds a reader's memory. */
export const BLOB_READ_WINDOW = 4;

/** Error codes of this module (a too-large upload is a ServerError, as the interface says). */
export type PgBlobErrorCode = 'truncated';

/** A blob that vanished or shrank while being read; carries no bytes. */
export class PgBlobError extends Error {
  override readonly name = 'PgBlobError';
  constructor(
    readonly code: PgBlobErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export class PgBlobStore implements AttachmentBlobStore {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * @throws {ServerError} `too-large` once more than `maxBytes` arrived (nothing is kept).
   * @throws {StorageError} `conflict` when a blob with this id exists.
   * @throws whatever `source` throws (nothing is kept).
   */
  async write(id: AttachmentId, source: AsyncIterable<Uint8Array>, maxBytes: number): Promise<number> {
    try {
      return await inTransaction(this.pool, async (client) => {
        const insert = (chunkNo: number, data: Uint8Array) =>
          client.query('INSERT INTO attachment_chunks (attachment_id, chunk_no, data) VALUES ($1, $2, $3)', [id, chunkNo, data]);
        let size = 0;
        let chunkNo = 0;
        let pending = new Uint8Array(BLOB_CHUNK_BYTES);
        let filled = 0;
        for await (const piece of source) {
          size += piece.length;
          if (size > maxBytes) throw new ServerError('too-large', `attachment above ${maxBytes} bytes`);
          let at = 0;
          while (at < piece.length) {
            const n = Math.min(piece.length - at, BLOB_CHUNK_BYTES - filled);
            pending.set(piece.subarray(at, at + n), filled);
            filled += n;
            at += n;
            if (filled === BLOB_CHUNK_BYTES) {
              await insert(chunkNo++, pending);
              pending = new Uint8Array(BLOB_CHUNK_BYTES);
              filled = 0;
            }
          }
        }
        if (filled > 0) await insert(chunkNo++, pending.subarray(0, filled));
        await client.query('INSERT INTO attachment_blobs (id, size, chunks) VALUES ($1, $2, $3)', [id, size, chunkNo]);
        return size;
        // The upload stream cannot be read twice: a lost connection fails the upload.
      }, 'read committed', { replayable: false });
    } catch (error) {
      if (hasSqlState(error, UNIQUE_VIOLATION)) throw new StorageError('conflict', 'attachment blob');
      throw error;
    }
  }

  /**
   * A stream of the blob, or undefined when there is none. If the blob is deleted while
   * being read, the stream errors with {@link PgBlobError} `truncated` rather than ending
   * short as if complete.
   */
  async read(id: AttachmentId): Promise<Readable | undefined> {
    const header = await this.pool.query<{ size: number; chunks: number }>('SELECT size, chunks FROM attachment_blobs WHERE id = $1', [id]);
    const blob = header.rows[0];
    if (blob === undefined) return undefined;
    const pool = this.pool;
    async function* chunks(): AsyncGenerator<Uint8Array> {
      let sent = 0;
      // Bounded by the header's chunk count.
      for (let next = 0; next < blob!.chunks; next += BLOB_READ_WINDOW) {
        const { rows } = await pool.query<{ chunk_no: number; data: Uint8Array }>(
          'SELECT chunk_no, data FROM attachment_chunks WHERE attachment_id = $1 AND chunk_no >= $2 AND chunk_no < $3 ORDER BY chunk_no',
          [id, next, next + BLOB_READ_WINDOW],
        );
        const expected = Math.min(BLOB_READ_WINDOW, blob!.chunks - next);
        if (rows.length !== expected || rows.some((r, i) => r.chunk_no !== next + i)) {
          throw new PgBlobError('truncated', 'attachment deleted while being read');
        }
        for (const row of rows) {
          sent += row.data.length;
          yield bytes(row.data);
        }
      }
      if (sent !== blob!.size) throw new PgBlobError('truncated', 'attachment size does not match its header');
    }
    return Readable.from(chunks(), { objectMode: false });
  }

  /** Deletes header and chunks in one transaction. Idempotent. */
  async delete(id: AttachmentId): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await client.query('DELETE FROM attachment_blobs WHERE id = $1', [id]);
      await client.query('DELETE FROM attachment_chunks WHERE attachment_id = $1', [id]);
    });
  }
}

/** The blob store of a PostgreSQL storage (shares its pool). */
export function openPostgresBlobStore(storage: PgStorage): PgBlobStore {
  return new PgBlobStore(storage.handle.pool);
}
