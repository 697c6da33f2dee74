/**
 * The KDF-based functions of RFC 9420 §5.1 and §5.2 over a bound cipher suite: Extract,
 * ExpandWithLabel, DeriveSecret, DeriveTreeSecret, MAC, Hash and RefHash.
 */
import { Writer } from '../codec/writer.ts';
import type { CipherSuite } from './cipher-suite.ts';
import { MlsCryptoError } from './errors.ts';
import { encodeKdfLabel, encodeRefHashInput } from './labels.ts';

/** RFC 5869 §2.3: HKDF-Expand produces at most 255 * Nh bytes. KDFLabel.length is a uint16. */
const MAX_UINT16 = 0xffff;

/** KDF.Extract(salt, ikm) (§5.1). */
export function extract(suite: CipherSuite, salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  return suite.provider.hkdfExtract(suite.hash, salt, ikm);
}

/**
 * ExpandWithLabel(Secret, Label, Context, Length) = KDF.Expand(Secret, KDFLabel, Length) (§5.1).
 * @throws MlsCryptoError('invalid-length') when `length` is not a uint16 or above 255 * Nh.
 */
export function expandWithLabel(suite: CipherSuite, secret: Uint8Array, label: string, context: Uint8Array, length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length > MAX_UINT16 || length > 255 * suite.Nh) {
    throw new MlsCryptoError('invalid-length', `ExpandWithLabel length ${length}`);
  }
  return suite.provider.hkdfExpand(suite.hash, secret, encodeKdfLabel(label, context, length), length);
}

const EMPTY = new Uint8Array(0);

/** DeriveSecret(Secret, Label) = ExpandWithLabel(Secret, Label, "", Nh) (§5.1). */
export function deriveSecret(suite: CipherSuite, secret: Uint8Array, label: string): Uint8Array {
  return expandWithLabel(suite, secret, label, EMPTY, suite.Nh);
}

/**
 * DeriveTreeSecret(Secret, Label, Generation, Length) =
 *   ExpandWithLabel(Secret, Label, uint32 Generation, Length) (§9.1).
 * @throws MlsCryptoError('invalid-length') for a generation outside uint32 or a bad length.
 */
export function deriveTreeSecret(suite: CipherSuite, secret: Uint8Array, label: string, generation: number, length: number): Uint8Array {
  if (!Number.isInteger(generation) || generation < 0 || generation > 0xffff_ffff) {
    throw new MlsCryptoError('invalid-length', `generation ${generation} is not a uint32`);
  }
  return expandWithLabel(suite, secret, label, new Writer(4).uint32(generation).finish(), length);
}

/** Hash(data) with the suite's hash (§5.1). */
export function hash(suite: CipherSuite, data: Uint8Array): Uint8Array {
  return suite.provider.hash(suite.hash, data);
}

/** MAC(key, data) = HMAC with the suite's hash (§5.1). */
export function mac(suite: CipherSuite, key: Uint8Array, data: Uint8Array): Uint8Array {
  return suite.provider.hmac(suite.hash, key, data);
}

/** True when `tag` is MAC(key, data), compared in constant time. */
export function verifyMac(suite: CipherSuite, key: Uint8Array, data: Uint8Array, tag: Uint8Array): boolean {
  return suite.provider.constantTimeEqual(mac(suite, key, data), tag);
}

/** RefHash(label, value) = Hash(RefHashInput) (§5.2); `label` is used verbatim. */
export function refHash(suite: CipherSuite, label: string, value: Uint8Array): Uint8Array {
  return hash(suite, encodeRefHashInput(label, value));
}

/** MakeKeyPackageRef (§5.2). */
export function makeKeyPackageRef(suite: CipherSuite, keyPackage: Uint8Array): Uint8Array {
  return refHash(suite, 'MLS 1.0 KeyPackage Reference', keyPackage);
}

/** MakeProposalRef (§5.2): `authenticatedContent` is the encoded AuthenticatedContent. */
export function makeProposalRef(suite: CipherSuite, authenticatedContent: Uint8Array): Uint8Array {
  return refHash(suite, 'MLS 1.0 Proposal Reference', authenticatedContent);
}
