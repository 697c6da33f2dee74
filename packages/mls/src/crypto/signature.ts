/**
 * SignWithLabel and VerifyWithLabel (RFC 9420 §5.1.2): every MLS signature is over
 * SignContent { "MLS 1.0 " + Label, Content }, so a signature made for one purpose can
 * never be replayed as another.
 */
import type { CipherSuite } from './cipher-suite.ts';
import { encodeSignContent } from './labels.ts';

/** SignWithLabel(SignatureKey, Label, Content) (§5.1.2). Throws the provider's CryptoError for a malformed private key. */
export function signWithLabel(suite: CipherSuite, privateKey: Uint8Array, label: string, content: Uint8Array): Uint8Array {
  return suite.provider.sign(suite.signature, privateKey, encodeSignContent(label, content));
}

/** VerifyWithLabel(VerificationKey, Label, Content, SignatureValue) (§5.1.2). False for any bad key or signature; never throws on attacker bytes. */
export function verifyWithLabel(suite: CipherSuite, publicKey: Uint8Array, label: string, content: Uint8Array, signature: Uint8Array): boolean {
  return suite.provider.verify(suite.signature, publicKey, encodeSignContent(label, content), signature);
}
