/**
 * Creating a group (RFC 9420 §11): a one-member tree holding the creator's leaf, epoch 0,
 * an empty confirmed transcript hash and a random init secret.
 */
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { deriveEpochSecrets } from '../key-schedule/epoch-secrets.ts';
import { ProtocolVersion } from '../structs/enums.ts';
import type { Extension } from '../structs/extensions.ts';
import { type GroupContext, groupContextBytes } from '../structs/group-context.ts';
import { MAX_GROUP_ID_BYTES } from '../structs/limits.ts';
import { confirmationTag, interimTranscriptHash } from '../transcript/transcript-hash.ts';
import { RatchetTree } from '../tree/ratchet-tree.ts';
import { treeHash } from '../tree/tree-hash.ts';
import { PrivateTree } from '../treekem/private-tree.ts';
import { checkGroupCompatibility } from '../validation/leaf-node.ts';
import { checkGroupContextExtensions } from '../validation/extension-list.ts';
import { epochKeysOf, forgetTransientSecrets, secretTreeOf } from './epoch.ts';
import { GroupError } from './errors.ts';
import type { KeyPackageBundle } from './key-package.ts';
import { type GroupState, sealState } from './state.ts';

/** Length of the random group ids Sealed creates (§8.1 asks for uniqueness; 32 random bytes give it). */
export const GROUP_ID_BYTES = 32;

export interface CreateGroupOptions {
  /** A fresh random id when omitted. */
  readonly groupId?: Uint8Array | undefined;
  /** GroupContext extensions (required_capabilities, external_senders, ...). */
  readonly extensions?: readonly Extension[] | undefined;
}

/**
 * A new group whose only member is the holder of `creator` (§11).
 * @throws GroupError('unsupported-cipher-suite') when the KeyPackage is of another suite
 * @throws GroupError('invalid-extensions') when `options.extensions` is not a valid GroupContext list (§13.4, §17.3)
 * @throws GroupError('invalid-leaf') when the creator's leaf does not support the group's extensions
 * @throws GroupError('malformed-message') for a group id longer than MAX_GROUP_ID_BYTES
 */
export function createGroup(suite: CipherSuite, creator: KeyPackageBundle, options: CreateGroupOptions = {}): GroupState {
  const { keyPackage } = creator;
  if (keyPackage.cipherSuite !== suite.id) throw new GroupError('unsupported-cipher-suite', `key package of suite ${keyPackage.cipherSuite}, group ${suite.id}`);
  const groupId = options.groupId ?? suite.provider.randomBytes(GROUP_ID_BYTES);
  if (groupId.length > MAX_GROUP_ID_BYTES) throw new GroupError('malformed-message', `group id of ${groupId.length} bytes`);
  const extensions = options.extensions ?? [];
  try {
    checkGroupContextExtensions(extensions);
  } catch (error) {
    throw new GroupError('invalid-extensions', 'GroupContext extensions', error as Error);
  }
  try {
    checkGroupCompatibility(keyPackage.leafNode, { suite, version: ProtocolVersion.mls10, groupId, extensions });
  } catch (error) {
    throw new GroupError('invalid-leaf', 'creator leaf does not support the group', error as Error);
  }
  const tree = RatchetTree.withFirstLeaf(keyPackage.leafNode);
  const groupContext: GroupContext = {
    version: ProtocolVersion.mls10,
    cipherSuite: suite.id,
    groupId,
    epoch: 0n,
    treeHash: treeHash(suite, tree),
    confirmedTranscriptHash: new Uint8Array(0),
    extensions,
  };
  const secrets = deriveEpochSecrets(suite, {
    initSecret: suite.provider.randomBytes(suite.Nh),
    commitSecret: undefined,
    pskSecret: undefined,
    groupContext: groupContextBytes(groupContext),
  });
  const tag = confirmationTag(suite, secrets.confirmationKey, groupContext.confirmedTranscriptHash);
  const secretTree = secretTreeOf(suite, secrets, tree);
  forgetTransientSecrets(secrets);
  return sealState({
    suite,
    groupContext,
    tree,
    own: { leafIndex: 0, signatureKey: creator.signaturePrivateKey, privateTree: PrivateTree.forLeaf(0, { privateKey: creator.encryptionPrivateKey, publicKey: keyPackage.leafNode.encryptionKey }) },
    keys: epochKeysOf(secrets),
    secretTree,
    interimTranscriptHash: interimTranscriptHash(suite, groupContext.confirmedTranscriptHash, tag),
    confirmationTag: tag,
    pendingProposals: [],
    pastEpochs: [],
    resumptionPsks: [],
  });
}
