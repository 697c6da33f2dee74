/**
 * KeyPackage validation (RFC 9420 §10, §10.1) and signing.
 */
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { signWithLabel, verifyWithLabel } from '../crypto/signature.ts';
import { type KeyPackage, type KeyPackageTBS, keyPackageTBSBytes } from '../structs/key-package.ts';
import type { RatchetTree } from '../tree/ratchet-tree.ts';
import { isGrease } from '../structs/enums.ts';
import { ValidationError } from './errors.ts';
import { checkUniqueExtensionTypes } from './extension-list.ts';
import { checkHpkePublicKey } from './hpke-key.ts';
import { type GroupParameters, isDefaultExtensionType, type LeafValidationPolicy, validateLeafNode } from './leaf-node.ts';
import type { MemberIndex } from './member-index.ts';

const KEY_PACKAGE_TBS_LABEL = 'KeyPackageTBS';

/** True when the KeyPackage signature verifies under its leaf's signature key (§10). Never throws on attacker bytes. */
export function verifyKeyPackageSignature(suite: CipherSuite, keyPackage: KeyPackage): boolean {
  return verifyWithLabel(suite, keyPackage.leafNode.signatureKey, KEY_PACKAGE_TBS_LABEL, keyPackageTBSBytes(keyPackage), keyPackage.signature);
}

/**
 * Signs `tbs` into a KeyPackage with the private key of `tbs.leafNode.signature_key` (§10).
 * @throws CryptoError from the provider for a malformed private key
 */
export function signKeyPackage(suite: CipherSuite, signaturePrivateKey: Uint8Array, tbs: KeyPackageTBS): KeyPackage {
  return { ...tbs, signature: signWithLabel(suite, signaturePrivateKey, KEY_PACKAGE_TBS_LABEL, keyPackageTBSBytes(tbs)) };
}

/**
 * Validates a KeyPackage for joining `group` (§10.1): version and cipher suite match the
 * group, its leaf is a valid key_package leaf for the group (§7.3, see validateLeafNode),
 * its non-default extensions are in the leaf's capabilities (§10), the KeyPackage
 * signature verifies, and init_key differs from the leaf's encryption key.
 * @throws ValidationError
 * @throws DecodeError when the group's required_capabilities extension is malformed
 */
export function validateKeyPackage(keyPackage: KeyPackage, group: GroupParameters, tree: RatchetTree, members: MemberIndex, policy: LeafValidationPolicy): void {
  if (keyPackage.version !== group.version) throw new ValidationError('version-mismatch', { expected: group.version, actual: keyPackage.version });
  if (keyPackage.cipherSuite !== group.suite.id) throw new ValidationError('cipher-suite-mismatch', { expected: group.suite.id, actual: keyPackage.cipherSuite });
  const leaf = keyPackage.leafNode;
  checkUniqueExtensionTypes(keyPackage.extensions, 'key-package');
  for (const extension of keyPackage.extensions) {
    const type = extension.extensionType;
    // §13.5: GREASE in KeyPackage.extensions is ignored by receivers, listed or not.
    if (!isDefaultExtensionType(type) && !isGrease(type) && !leaf.capabilities.extensions.includes(type)) {
      throw new ValidationError('extension-not-in-capabilities', { extensionType: type, object: 'key-package' });
    }
  }
  checkHpkePublicKey(group.suite, keyPackage.initKey, 'init-key');
  if (group.suite.provider.constantTimeEqual(keyPackage.initKey, leaf.encryptionKey)) throw new ValidationError('init-key-equals-encryption-key', {});
  if (!verifyKeyPackageSignature(group.suite, keyPackage)) throw new ValidationError('invalid-signature', { object: 'key-package', leafIndex: undefined });
  validateLeafNode(leaf, { kind: 'key_package' }, group, tree, members, policy);
}
