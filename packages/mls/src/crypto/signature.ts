/**
 * SignWithLabel and VerifyWithLabel (RFC 9420 §5.1.2): every MLS signature is over
 * SignContent { "MLS 1.0 " + Label, Content }, so a signature made for one purpose can
 * never be replayed as another.
 */
import type { SignatureAlgorithm } from '@sealed/crypto/provider';
import type { CipherSuite } from './cipher-suite.ts';
import { encodeSignContent } from './labels.ts';

/** Length of an ECDSA private scalar (Field-Element-to-Octet-String, SEC 1 §2.3.5). */
const ECDSA_SCALAR_LENGTH: Partial<Record<SignatureAlgorithm, number>> = {
  'ECDSA-P256-SHA256': 32,
  'ECDSA-P384-SHA384': 48,
  'ECDSA-P521-SHA512': 66,
};

/**
 * ECDSA private keys are big-endian scalars of the field size, but some encoders (the
 * RFC 9420 interop vectors among them) drop leading zero bytes: a P-521 key whose top
 * byte is zero arrives as 65 bytes. Left-pad such keys; never truncate.
 */
function normalizePrivateKey(algorithm: SignatureAlgorithm, privateKey: Uint8Array): Uint8Array {
  const length = ECDSA_SCALAR_LENGTH[algorithm];
  if (length === undefined || privateKey.length >= length) return privateKey;
  const padded = new Uint8Array(length);
  padded.set(privateKey, length - privateKey.length);
  return padded;
}

/** SignWithLabel(SignatureKey, Label, Content) (§5.1.2). Throws the provider's CryptoError for a malformed private key. */
export function signWithLabel(suite: CipherSuite, privateKey: Uint8Array, label: string, content: Uint8Array): Uint8Array {
  return suite.provider.sign(suite.signature, normalizePrivateKey(suite.signature, privateKey), encodeSignContent(label, content));
}

/** VerifyWithLabel(VerificationKey, Label, Content, SignatureValue) (§5.1.2). False for any bad key or signature; never throws on attacker bytes. */
export function verifyWithLabel(suite: CipherSuite, publicKey: Uint8Array, label: string, content: Uint8Array, signature: Uint8Array): boolean {
  return suite.provider.verify(suite.signature, publicKey, encodeSignContent(label, content), signature);
}
