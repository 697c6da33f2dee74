/** Encrypted attachments: streamed upload with a size limit, download by unguessable id, expiry. */
import type { Readable } from 'node:stream';
import { fromHex, toHex } from '@sealed/protocol/encoding';
import type { AttachmentResponse } from '@sealed/protocol/http';
import { ATTACHMENT_ID_BYTES } from '@sealed/protocol/limits';
import type { AttachmentBlobStore } from '../attachments/blob-store.ts';
import { ServerError } from '../errors.ts';
import { randomBytes } from '../keys/ed25519.ts';
import type { AttachmentId } from '../storage/types.ts';
import type { ServiceDeps } from './deps.ts';

/** Expired attachments deleted per sweep round. */
const SWEEP_BATCH = 100;

export class AttachmentService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly blobs: AttachmentBlobStore,
  ) {}

  /**
   * Streams the body into the blob store; the record is written only after the bytes are.
   * @throws ServerError too-large (declared or actual size above the limit).
   */
  async upload(body: AsyncIterable<Uint8Array>, declaredLength: number | undefined): Promise<AttachmentResponse> {
    const max = this.deps.config.maxAttachmentBytes;
    if (declaredLength !== undefined && declaredLength > max) throw new ServerError('too-large', `attachment above ${max} bytes`);
    const idBytes = randomBytes(ATTACHMENT_ID_BYTES);
    const id = toHex(idBytes) as AttachmentId;
    const size = await this.blobs.write(id, body, max);
    const now = this.deps.now();
    const expiresAt = now + this.deps.config.attachmentRetentionMs;
    try {
      await this.deps.storage.attachments.putAttachment({ id, size, createdAt: now, expiresAt });
    } catch (error) {
      await this.blobs.delete(id);
      throw error;
    }
    return { id: idBytes, size, expiresAt };
  }

  /** @throws ServerError not-found for unknown or expired ids. */
  async download(idHex: string): Promise<{ size: number; stream: Readable }> {
    const idBytes = fromHex(idHex);
    if (idBytes === undefined || idBytes.length !== ATTACHMENT_ID_BYTES) throw new ServerError('not-found', 'attachment');
    const record = await this.deps.storage.attachments.getAttachment(idHex as AttachmentId, this.deps.now());
    const stream = record && (await this.blobs.read(record.id));
    if (record === undefined || stream === undefined) throw new ServerError('not-found', 'attachment');
    return { size: record.size, stream };
  }

  /** Deletes expired attachments (blob first, then record); returns how many. */
  async sweep(): Promise<number> {
    let total = 0;
    // Bounded: each round removes what it lists; stops when a round lists fewer than a batch.
    for (;;) {
      const ids = await this.deps.storage.attachments.listExpiredAttachments(this.deps.now(), SWEEP_BATCH);
      for (const id of ids) {
        await this.blobs.delete(id);
        await this.deps.storage.attachments.deleteAttachment(id);
      }
      total += ids.length;
      if (ids.length < SWEEP_BATCH) return total;
    }
  }
}
