/**
 * Where encrypted attachment bytes live. The file system (`fs-blob-store.ts`) by default;
 * PostgreSQL in scale-out mode (all nodes must see the same blobs).
 */
import type { Readable } from 'node:stream';
import type { AttachmentId } from '../storage/types.ts';

export interface AttachmentBlobStore {
  /**
   * Streams `source` into the blob `id`, failing (and keeping nothing) once more than
   * `maxBytes` arrived or the stream errors. Resolves with the size when durably written.
   * @throws ServerError('too-large') past `maxBytes`.
   */
  write(id: AttachmentId, source: AsyncIterable<Uint8Array>, maxBytes: number): Promise<number>;
  /** A stream of the blob's bytes, or undefined when it does not exist. */
  read(id: AttachmentId): Promise<Readable | undefined>;
  /** Idempotent. */
  delete(id: AttachmentId): Promise<void>;
}
