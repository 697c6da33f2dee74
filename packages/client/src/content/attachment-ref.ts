/**
 * An attachment as a message refers to it: where the encrypted file is, the key that opens
 * it and the hash that names it, carried in a MIMI ExternalPart (mimi.ts). The file format
 * and its encryption are defined in features/attachments/format.ts.
 */

/**
 * encAlg of Sealed's chunked AES-256-GCM (features/attachments/format.ts). It is a
 * private-use value of the IANA "AEAD Algorithms" registry (RFC 5116 §6: 32768-65535),
 * because the file is not one AES-256-GCM message (value 2) but a sequence of chunks: a
 * MIMI client that does not know it refuses the part instead of misreading it.
 */
export const SEALED_CHUNKED_AES_256_GCM = 0x8001;

/**
 * hashAlg of Sealed's content hash (a hash list: SHA-256 over the SHA-256 of each stored
 * chunk, features/attachments/format.ts). Not a registered value: 1 (sha-256) would claim a
 * plain SHA-256 of the whole content, which a streaming client cannot compute with the
 * one-shot hash of the portable crypto provider.
 */
export const SEALED_CHUNK_HASH_LIST = 0xff;

/** URL scheme of an attachment stored on the conversation's relay: `sealed-attachment:` + 64 hex digits of its id. */
export const ATTACHMENT_URL_PREFIX = 'sealed-attachment:';

export interface AttachmentRef {
  /** ATTACHMENT_URL_PREFIX + hex of the relay's attachment id. */
  readonly url: string;
  readonly contentType: string;
  readonly filename: string;
  /** Bytes stored on the relay (the encrypted file). */
  readonly size: number;
  /** Seconds since the Unix epoch after which the relay may have deleted it. */
  readonly expires: number;
  /** The file's own random AES-256 key (32 bytes). */
  readonly key: Uint8Array;
  /** The file's random nonce prefix (features/attachments/format.ts). */
  readonly nonce: Uint8Array;
  readonly contentHash: Uint8Array;
}
