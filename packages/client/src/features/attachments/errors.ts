/** Errors of attachment encryption, decryption and transfer. Details never hold keys or content. */
export type AttachmentErrorCode =
  | 'bad-header' // the stored file does not start with Sealed's attachment header
  | 'unknown-version' // a header of a format version this code does not know
  | 'chunk-authentication-failed' // a chunk was altered, reordered, or encrypted under another key
  | 'truncated' // the file ends before its final chunk (cut short)
  | 'trailing-data' // bytes after the final chunk
  | 'size-mismatch' // the stored size differs from the one the message names
  | 'hash-mismatch' // the content hash differs from the one the message names
  | 'too-large' // above MAX_ATTACHMENT_PLAINTEXT_BYTES
  | 'invalid-reference' // an AttachmentRef with a bad key, nonce, hash or url
  | 'transfer-failed'; // the relay refused or the connection broke (HTTP status or cause in detail)

export class AttachmentError extends Error {
  override readonly name = 'AttachmentError';
  constructor(
    readonly code: AttachmentErrorCode,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}
