/**
 * One error type for the crypto layer. `code` is a closed union so callers can branch on
 * it; the message never contains key material or plaintext.
 */
export type CryptoErrorCode =
  | 'aead-auth' // tag did not verify
  | 'invalid-length' // a key, nonce, seed or output length outside what the algorithm allows
  | 'invalid-public-key' // not on the curve, low order, all-zero shared secret, ML-KEM modulus check
  | 'invalid-private-key'
  | 'unsupported'; // algorithm or mode not implemented by this provider

export class CryptoError extends Error {
  override readonly name = 'CryptoError';
  constructor(
    readonly code: CryptoErrorCode,
    detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}
