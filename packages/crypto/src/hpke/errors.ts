/**
 * The one HPKE condition that `CryptoError`'s codes do not describe. Everything else the HPKE
 * layer throws is a `CryptoError`: 'aead-auth' when Open fails, 'invalid-length' for inputs
 * of the wrong size, 'invalid-public-key'/'invalid-private-key' from the KEM, and
 * 'unsupported' for unknown identifiers, a mode the KEM lacks, or Seal/Open with the
 * export-only AEAD.
 */
export type HpkeErrorCode = 'message-limit'; // the context's sequence number is exhausted (RFC 9180 §5.2)

export class HpkeError extends Error {
  override readonly name = 'HpkeError';
  constructor(
    readonly code: HpkeErrorCode,
    detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}
