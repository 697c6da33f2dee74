/**
 * From an encrypted, uploaded file to the AttachmentRef a message carries (content/
 * attachment-ref.ts), and back to what a download needs.
 */
import { fromHex, toHex } from '@sealed/protocol/encoding';
import { ATTACHMENT_ID_BYTES } from '@sealed/protocol/limits';
import { ATTACHMENT_URL_PREFIX, type AttachmentRef } from '../../content/attachment-ref.ts';
import { MAX_CONTENT_TYPE_BYTES, MAX_EXTERNAL_FILENAME_BYTES } from '../../content/limits.ts';
import { AttachmentError } from './errors.ts';
import { ATTACHMENT_KEY_BYTES, NONCE_PREFIX_BYTES, type SealedFile } from './format.ts';

const utf8 = new TextEncoder();

export interface FileDescription {
  readonly contentType: string;
  readonly filename: string;
}

/**
 * @throws AttachmentError('invalid-reference') for a content type or filename above its bound
 */
export function attachmentRef(file: SealedFile, uploaded: { readonly id: Uint8Array; readonly expiresAt: number }, description: FileDescription): AttachmentRef {
  if (utf8.encode(description.contentType).length > MAX_CONTENT_TYPE_BYTES || utf8.encode(description.filename).length > MAX_EXTERNAL_FILENAME_BYTES) {
    throw new AttachmentError('invalid-reference', 'content type or filename too long');
  }
  return {
    url: ATTACHMENT_URL_PREFIX + toHex(uploaded.id),
    contentType: description.contentType,
    filename: description.filename,
    size: file.size,
    expires: Math.floor(uploaded.expiresAt / 1000),
    key: file.key,
    nonce: file.noncePrefix,
    contentHash: file.contentHash,
  };
}

/** The relay's attachment id (hex) and the decryption inputs of a received reference. @throws AttachmentError('invalid-reference') */
export function openReference(ref: AttachmentRef): { readonly idHex: string; readonly file: SealedFile } {
  const idHex = ref.url.slice(ATTACHMENT_URL_PREFIX.length);
  const id = ref.url.startsWith(ATTACHMENT_URL_PREFIX) ? fromHex(idHex) : undefined;
  if (id === undefined || id.length !== ATTACHMENT_ID_BYTES || toHex(id) !== idHex) throw new AttachmentError('invalid-reference', 'url');
  if (ref.key.length !== ATTACHMENT_KEY_BYTES || ref.nonce.length !== NONCE_PREFIX_BYTES || ref.contentHash.length !== 32) throw new AttachmentError('invalid-reference', 'key, nonce or hash length');
  return { idHex, file: { key: ref.key, noncePrefix: ref.nonce, size: ref.size, contentHash: ref.contentHash } };
}
