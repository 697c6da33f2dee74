/**
 * A LeafNode's encryption_key and a KeyPackage's init_key are HPKE public keys of the
 * group's KEM (RFC 9420 §5.1.1: SerializePublicKey output). Checking their length here
 * keeps a key that no one can encrypt to out of the tree: without it, a member could add a
 * key package whose key makes every later Welcome or UpdatePath encryption fail, blocking
 * commits for the whole group (found by fuzzing the group API).
 *
 * Only the length is checked: whether a DH public key is on its curve is known only when
 * it is used, and is then a typed HPKE error of the operation that uses it.
 */
import { kemFromId } from '@sealed/crypto/kem/registry';
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { ValidationError } from './errors.ts';

/** @throws ValidationError('invalid-hpke-public-key') when `key` is not `Npk` bytes long. */
export function checkHpkePublicKey(suite: CipherSuite, key: Uint8Array, object: 'init-key' | 'encryption-key'): void {
  const expected = kemFromId(suite.kem).Npk;
  if (key.length !== expected) throw new ValidationError('invalid-hpke-public-key', { object, expected, actual: key.length });
}
