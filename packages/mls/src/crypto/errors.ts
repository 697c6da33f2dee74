/**
 * Errors of the MLS cryptographic layer (cipher suites and the labelled functions of
 * RFC 9420 §5). Messages name what failed and the lengths or ids involved, never key
 * material or plaintext.
 */
export type MlsCryptoErrorCode =
  | 'unknown-cipher-suite' // an id this implementation does not define (§17.1)
  | 'invalid-length' // a requested output length outside what the KDF or AEAD allows
  | 'decrypt-failed' // DecryptWithLabel: HPKE open failed (wrong key, altered ciphertext)
  | 'invalid-key' // a KEM or signature key of the wrong size or encoding
  | 'too-many-psks'; // more PSKs than MAX_PSKS in one psk_secret (§8.4)

/** One error type for the MLS crypto layer; branch on `code`. */
export class MlsCryptoError extends Error {
  override readonly name = 'MlsCryptoError';
  constructor(
    readonly code: MlsCryptoErrorCode,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}
