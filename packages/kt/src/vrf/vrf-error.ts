/**
 * The one error the ECVRF (RFC 9381) functions throw. RFC 9381 outputs "INVALID" in
 * several places; each place has its own code so a caller (and a test) can tell which
 * step rejected the input. Messages never contain secret keys, alpha or proofs.
 */
export type VrfErrorCode =
  | 'invalid-public-key' // §5.3 steps 1-2 / §5.4.5: PK_string does not decode (RFC 8032 §5.1.3)
  | 'weak-public-key' // §5.4.5 step 3: cofactor * Y is the identity (small-order key)
  | 'invalid-proof-length' // pi_string is not ptLen + cLen + qLen = 80 octets
  | 'invalid-proof-gamma' // §5.4.4 steps 4-5: Gamma does not decode
  | 'invalid-proof-scalar' // §5.4.4 step 8: s >= q
  | 'proof-mismatch' // §5.3 step 11: c != c'
  | 'invalid-secret-key' // SK is not the 32-octet RFC 8032 secret key
  | 'encode-to-curve-failed' // §5.4.1.1: ctr would exceed one octet (probability ~2^-256)
  | 'degenerate-scalar'; // §5.1: x or k is 0 mod q (probability ~2^-252); never proves with it

export class VrfError extends Error {
  override readonly name = 'VrfError';
  constructor(
    readonly code: VrfErrorCode,
    /** Which RFC 9381 step rejected the input; never contains key, alpha or proof bytes. */
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}
