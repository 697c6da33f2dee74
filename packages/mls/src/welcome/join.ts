/**
 * Joining a group from a Welcome (RFC 9420 §12.4.3.1).
 *
 * Steps, each failing with a typed GroupError and no state created:
 *  1. find the EncryptedGroupSecrets for our KeyPackageRef; the Welcome's suite is ours;
 *  2. decrypt GroupSecrets with our init key (DecryptWithLabel "Welcome", context
 *     encrypted_group_info);
 *  3. look up the PSKs, derive welcome_secret, decrypt and parse GroupInfo;
 *  4. take the tree from the ratchet_tree extension or the caller; verify the GroupInfo
 *     signature with the signer's leaf key; verify the tree (hash, parent hashes, unmerged
 *     leaves, unique keys, every leaf per §7.3 with the caller's credential policy);
 *  5. find our leaf (our KeyPackage's leaf node); with a path_secret, derive the keys of
 *     the lowest common ancestor of us and the signer and above, checked against the tree;
 *  6. run the key schedule from joiner_secret and check the confirmation tag;
 *  7. interim transcript hash from the confirmation tag.
 */
import { CryptoError } from '@sealed/crypto/errors';
import { DecodeError } from '../codec/errors.ts';
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { MlsCryptoError } from '../crypto/errors.ts';
import { decryptWithLabel } from '../crypto/hpke.ts';
import { epochSecretsFromJoiner } from '../key-schedule/epoch-secrets.ts';
import { ExtensionType, ProtocolVersion } from '../structs/enums.ts';
import { findExtension } from '../structs/extensions.ts';
import { type GroupInfo, parseGroupInfo } from '../structs/group-info.ts';
import { groupContextBytes } from '../structs/group-context.ts';
import { encodeLeafNode } from '../structs/leaf-node.ts';
import { parseRatchetTree, type RatchetTree as WireRatchetTree } from '../structs/ratchet-tree.ts';
import { type GroupSecrets, parseGroupSecrets, type Welcome } from '../structs/welcome.ts';
import { encode } from '../codec/writer.ts';
import { TreeError } from '../tree/errors.ts';
import { RatchetTree } from '../tree/ratchet-tree.ts';
import { commonAncestor } from '../tree-math.ts';
import { interimTranscriptHash, verifyConfirmationTag } from '../transcript/transcript-hash.ts';
import { TreeKemError } from '../treekem/errors.ts';
import { PrivateTree } from '../treekem/private-tree.ts';
import { epochKeysOf, forgetTransientSecrets, secretTreeOf } from '../group/epoch.ts';
import { GroupError } from '../group/errors.ts';
import { keyPackageRef, type KeyPackageBundle } from '../group/key-package.ts';
import { noPsks, type PskResolver, resolvePskSecret } from '../group/psks.ts';
import { type GroupState, sealState } from '../group/state.ts';
import { verifyJoinedTree } from '../group/verify-tree.ts';
import type { LeafValidationPolicy } from '../validation/leaf-node.ts';
import { ValidationError } from '../validation/errors.ts';
import { checkGroupContextExtensions, checkUniqueExtensionTypes } from '../validation/extension-list.ts';
import { decryptGroupInfo, WELCOME_LABEL, welcomeSecretOf } from './welcome-secrets.ts';
import { verifyGroupInfo } from './group-info.ts';

export interface JoinFromWelcomeInput {
  /** Our cipher suite, bound to the provider (must be the Welcome's). */
  readonly suite: CipherSuite;
  readonly welcome: Welcome;
  /** The KeyPackage the Welcome was made for, with its private keys. */
  readonly keyPackage: KeyPackageBundle;
  /** The tree, when the GroupInfo has no ratchet_tree extension (§12.4.3.3). */
  readonly ratchetTree?: WireRatchetTree | undefined;
  readonly policy: LeafValidationPolicy;
  readonly resolvePsk?: PskResolver | undefined;
}

/** What a Welcome decrypts to before the tree is checked: for tests and tools (welcome vectors). */
export interface OpenedWelcome {
  readonly groupSecrets: GroupSecrets;
  readonly groupInfo: GroupInfo;
  readonly pskSecret: Uint8Array | undefined;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/**
 * Steps 1-3: decrypts our GroupSecrets and the GroupInfo.
 * @throws GroupError('unsupported-cipher-suite' | 'welcome-not-for-us' | 'invalid-welcome' | 'missing-psk')
 */
export function openWelcome(suite: CipherSuite, welcome: Welcome, keyPackage: KeyPackageBundle, resolvePsk: PskResolver = noPsks): OpenedWelcome {
  if (welcome.cipherSuite !== suite.id || keyPackage.keyPackage.cipherSuite !== suite.id) {
    throw new GroupError('unsupported-cipher-suite', `Welcome of suite ${welcome.cipherSuite}, key package ${keyPackage.keyPackage.cipherSuite}`);
  }
  const ref = keyPackageRef(suite, keyPackage.keyPackage);
  const entry = welcome.secrets.find((s) => sameBytes(s.newMember, ref));
  if (entry === undefined) throw new GroupError('welcome-not-for-us', `${welcome.secrets.length} entries, none for our KeyPackageRef`);
  let groupSecrets: GroupSecrets;
  try {
    const plaintext = decryptWithLabel(
      suite,
      keyPackage.initPrivateKey,
      WELCOME_LABEL,
      welcome.encryptedGroupInfo,
      entry.encryptedGroupSecrets.kemOutput,
      entry.encryptedGroupSecrets.ciphertext,
    );
    groupSecrets = parseGroupSecrets(plaintext);
  } catch (error) {
    if (error instanceof MlsCryptoError || error instanceof DecodeError) throw new GroupError('invalid-welcome', `GroupSecrets: ${error.code}`, error);
    throw error;
  }
  if (groupSecrets.joinerSecret.length !== suite.Nh) throw new GroupError('invalid-welcome', `joiner secret of ${groupSecrets.joinerSecret.length} bytes`);
  const pskSecret = resolvePskSecret(suite, groupSecrets.psks, resolvePsk);
  const welcomeSecret = welcomeSecretOf(suite, groupSecrets.joinerSecret, pskSecret);
  let groupInfo: GroupInfo;
  try {
    groupInfo = parseGroupInfo(decryptGroupInfo(suite, welcomeSecret, welcome.encryptedGroupInfo));
  } catch (error) {
    if (error instanceof CryptoError || error instanceof DecodeError) throw new GroupError('invalid-welcome', `GroupInfo: ${error.code}`, error);
    throw error;
  } finally {
    welcomeSecret.fill(0);
  }
  return { groupSecrets, groupInfo, pskSecret };
}

/** The tree of a GroupInfo: its ratchet_tree extension, else the one given. @throws GroupError('missing-ratchet-tree' | 'invalid-tree') */
export function treeOfGroupInfo(groupInfo: GroupInfo, given: WireRatchetTree | undefined): RatchetTree {
  const extension = findExtension(groupInfo.extensions, ExtensionType.ratchet_tree);
  try {
    if (extension !== undefined) return RatchetTree.fromNodes(parseRatchetTree(extension.extensionData));
    if (given !== undefined) return RatchetTree.fromNodes(given);
  } catch (error) {
    if (error instanceof DecodeError || error instanceof TreeError) throw new GroupError('invalid-tree', error.message, error);
    throw error;
  }
  throw new GroupError('missing-ratchet-tree', 'GroupInfo has no ratchet_tree extension and no tree was given');
}

/**
 * Checks the GroupInfo's version, suite, extension lists (§13.4, §17.3: its GroupContext's
 * as any GroupContext's, its own for unique types), signature and tree (§12.4.3.1).
 * @throws GroupError('invalid-group-info' | 'unsupported-cipher-suite' | 'too-many-members' | 'invalid-tree' | 'invalid-leaf')
 */
export function verifyGroupInfoAndTree(suite: CipherSuite, groupInfo: GroupInfo, tree: RatchetTree, policy: LeafValidationPolicy): void {
  const context = groupInfo.groupContext;
  if (context.version !== ProtocolVersion.mls10) throw new GroupError('invalid-group-info', `version ${context.version}`);
  if (context.cipherSuite !== suite.id) throw new GroupError('unsupported-cipher-suite', `GroupInfo of suite ${context.cipherSuite}, expected ${suite.id}`);
  try {
    checkGroupContextExtensions(context.extensions);
    checkUniqueExtensionTypes(groupInfo.extensions, 'group-info');
  } catch (error) {
    if (error instanceof ValidationError) throw new GroupError('invalid-group-info', error.message, error);
    throw error;
  }
  const signer = tree.leaf(groupInfo.signer);
  if (signer === undefined) throw new GroupError('invalid-group-info', `signer leaf ${groupInfo.signer} is blank`);
  if (!verifyGroupInfo(suite, groupInfo, signer.signatureKey)) throw new GroupError('invalid-group-info', 'GroupInfo signature does not verify');
  verifyJoinedTree(suite, tree, context, policy);
}

/**
 * Joins the group a Welcome describes (§12.4.3.1) and returns our state in its epoch.
 * @throws GroupError('unsupported-cipher-suite' | 'welcome-not-for-us' | 'invalid-welcome' | 'missing-psk'
 *   | 'missing-ratchet-tree' | 'invalid-group-info' | 'invalid-tree' | 'invalid-leaf' | 'too-many-members'
 *   | 'invalid-confirmation-tag')
 */
export function joinFromWelcome(input: JoinFromWelcomeInput): GroupState {
  const { suite, keyPackage, policy } = input;
  const { groupSecrets, groupInfo, pskSecret } = openWelcome(suite, input.welcome, keyPackage, input.resolvePsk);
  const tree = treeOfGroupInfo(groupInfo, input.ratchetTree);
  verifyGroupInfoAndTree(suite, groupInfo, tree, policy);

  const ourLeafBytes = encode(encodeLeafNode, keyPackage.keyPackage.leafNode);
  let leafIndex = -1;
  for (const [index, leaf] of tree.occupiedLeaves()) {
    if (sameBytes(leaf.encryptionKey, keyPackage.keyPackage.leafNode.encryptionKey)) {
      if (sameBytes(encode(encodeLeafNode, leaf), ourLeafBytes)) leafIndex = index;
      break;
    }
  }
  if (leafIndex < 0) throw new GroupError('invalid-welcome', 'our leaf node is not in the tree');
  if (leafIndex === groupInfo.signer) throw new GroupError('invalid-group-info', 'GroupInfo signed by our own leaf');

  const privateTree = PrivateTree.forLeaf(leafIndex, { privateKey: keyPackage.encryptionPrivateKey, publicKey: keyPackage.keyPackage.leafNode.encryptionKey });
  if (groupSecrets.pathSecret !== undefined) {
    const ancestor = commonAncestor(2 * leafIndex, 2 * groupInfo.signer, tree.leafCount);
    try {
      privateTree.setPathSecret(suite, tree, ancestor, groupSecrets.pathSecret.pathSecret);
    } catch (error) {
      if (error instanceof TreeKemError) throw new GroupError('invalid-welcome', `path secret: ${error.message}`, error);
      throw error;
    }
  }

  const context = groupInfo.groupContext;
  const secrets = epochSecretsFromJoiner(suite, groupSecrets.joinerSecret, pskSecret, groupContextBytes(context));
  if (!verifyConfirmationTag(suite, secrets.confirmationKey, context.confirmedTranscriptHash, groupInfo.confirmationTag)) {
    throw new GroupError('invalid-confirmation-tag', `GroupInfo of epoch ${context.epoch}`);
  }
  const secretTree = secretTreeOf(suite, secrets, tree);
  forgetTransientSecrets(secrets);
  return sealState({
    suite,
    groupContext: context,
    tree,
    own: { leafIndex, signatureKey: keyPackage.signaturePrivateKey, privateTree },
    keys: epochKeysOf(secrets),
    secretTree,
    interimTranscriptHash: interimTranscriptHash(suite, context.confirmedTranscriptHash, groupInfo.confirmationTag),
    confirmationTag: groupInfo.confirmationTag,
    pendingProposals: [],
    pastEpochs: [],
    resumptionPsks: [],
  });
}
