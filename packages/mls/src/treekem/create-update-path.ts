/**
 * Creating an UpdatePath (RFC 9420 §7.4, §7.5, §7.6, §12.4.1): fresh keys for the
 * committer's leaf and filtered direct path, parent hashes, the re-signed leaf, and the
 * path secrets encrypted to the copath resolutions under the provisional GroupContext.
 */
import type { KeyPair } from '@sealed/crypto/provider';
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { encryptWithLabelToMany, hpkeSuiteOf } from '../crypto/hpke.ts';
import { type GroupContext, groupContextBytes } from '../structs/group-context.ts';
import type { LeafNode, LeafNodeContent } from '../structs/leaf-node.ts';
import type { UpdatePath, UpdatePathNode } from '../structs/ratchet-tree.ts';
import { setParentHashes } from '../tree/parent-hash.ts';
import type { RatchetTree } from '../tree/ratchet-tree.ts';
import { treeHash } from '../tree/tree-hash.ts';
import { signLeafNode } from '../validation/leaf-node-signature.ts';
import { TreeKemError } from './errors.ts';
import { commitSecretFrom, nextPathSecret, nodeKeyPair } from './path-secrets.ts';
import { PrivateTree } from './private-tree.ts';

/** The label of the path secret encryptions (§7.6). */
export const UPDATE_PATH_NODE_LABEL = 'UpdatePathNode';

export interface CreateUpdatePathInput {
  readonly suite: CipherSuite;
  /** The tree after the commit's proposals; it is changed in place (pass a clone if the commit may be abandoned). */
  readonly tree: RatchetTree;
  /** The committer's leaf index. */
  readonly leafIndex: number;
  readonly signaturePrivateKey: Uint8Array;
  /** The provisional GroupContext without its tree hash, which is computed here (§12.4.1). */
  readonly context: Omit<GroupContext, 'treeHash'>;
  /**
   * Leaves added by this commit. They count for the filtered direct path (§4.1.2) but get
   * no ciphertext (§7.6: the resolution a path secret is encrypted to excludes them).
   */
  readonly addedLeaves?: ReadonlySet<number>;
  /** Changes to the committer's leaf (new credential, capabilities, extensions, signature key); encryption key and source are set here. */
  readonly leafChanges?: Partial<Omit<LeafNodeContent, 'encryptionKey' | 'source'>>;
}

export interface CreatedUpdatePath {
  readonly updatePath: UpdatePath;
  readonly commitSecret: Uint8Array;
  /** The committer's new private view (new leaf key, keys of the filtered direct path). */
  readonly privateTree: PrivateTree;
  /** The filtered direct path (node indices, bottom-up) and each node's path secret, for Welcome's path_secret. */
  readonly pathSecrets: readonly { readonly node: number; readonly pathSecret: Uint8Array }[];
  /** The encoded provisional GroupContext the path secrets were encrypted under. */
  readonly groupContext: Uint8Array;
}

/**
 * Updates the committer's direct path in `input.tree` and builds the UpdatePath (§7.5):
 * blank the direct path; path_secret[0] random, each next one DeriveSecret(.., "path");
 * node keys by DeriveKeyPair; parent hashes root-down; a new commit leaf signed for the
 * group and leaf index; every path secret encrypted to each node of its copath child's
 * resolution minus the added leaves (§7.6; a node whose copath child holds only new members
 * stays in the path with no ciphertext) with EncryptWithLabel(.., "UpdatePathNode", context).
 * @throws TreeKemError('blank-sender') when the committer's leaf is blank
 * @throws MlsCryptoError('invalid-key') when a resolution node's key is not a valid KEM key
 */
export function createUpdatePath(input: CreateUpdatePathInput): CreatedUpdatePath {
  const { suite, tree, leafIndex } = input;
  const provider = suite.provider;
  const oldLeaf = tree.leaf(leafIndex);
  if (oldLeaf === undefined) throw new TreeKemError('blank-sender', `leaf ${leafIndex}`);
  const added = input.addedLeaves;
  // §4.1.2: filtering uses the full resolution, new members included; §7.6 drops them only from the encryptions below.
  const path = tree.filteredDirectPath(leafIndex);
  tree.blankDirectPath(leafIndex);

  const privateTree = PrivateTree.forLeaf(leafIndex, hpkeSuiteOf(suite).kem.generateKeyPair(provider));
  const pathSecrets: { node: number; pathSecret: Uint8Array }[] = [];
  const keyPairs: KeyPair[] = [];
  let secret = provider.randomBytes(suite.Nh);
  for (const [i, { node }] of path.entries()) {
    if (i > 0) secret = nextPathSecret(suite, secret);
    const pair = nodeKeyPair(suite, secret);
    pathSecrets.push({ node, pathSecret: secret });
    keyPairs.push(pair);
    privateTree.setKeyPair(node, pair);
    tree.setParent(node, { encryptionKey: pair.publicKey, parentHash: new Uint8Array(0), unmergedLeaves: [] });
  }
  const commitSecret = commitSecretFrom(suite, secret);
  const leafParentHash = setParentHashes(suite, tree, path);

  const { signature: _old, ...oldContent } = oldLeaf;
  const content: LeafNodeContent = {
    ...oldContent,
    ...input.leafChanges,
    encryptionKey: privateTree.leafPublicKey(),
    source: { type: 'commit', parentHash: leafParentHash },
  };
  const leafNode: LeafNode = signLeafNode(suite, input.signaturePrivateKey, content, { groupId: input.context.groupId, leafIndex });
  tree.setLeaf(leafIndex, leafNode);

  const groupContext = groupContextBytes({ ...input.context, treeHash: treeHash(suite, tree) });
  // Every ciphertext of the path shares one label and context: encrypt them in one batch so
  // the EncryptContext is encoded and its HPKE info_hash computed once, not per recipient.
  const resolutions = path.map(({ copathChild }) => tree.resolution(copathChild, added));
  const recipients = resolutions.flatMap((resolution, i) => resolution.map((r) => ({ publicKey: tree.encryptionKey(r)!, plaintext: pathSecrets[i]!.pathSecret })));
  const ciphertexts = encryptWithLabelToMany(suite, UPDATE_PATH_NODE_LABEL, groupContext, recipients);
  let next = 0;
  const nodes: UpdatePathNode[] = resolutions.map((resolution, i) => ({
    encryptionKey: keyPairs[i]!.publicKey,
    encryptedPathSecret: ciphertexts.slice(next, (next += resolution.length)),
  }));
  return { updatePath: { leafNode, nodes }, commitSecret, privateTree, pathSecrets, groupContext };
}

/**
 * The path secret a member newly added at `newLeaf` receives in its Welcome (§12.4.3.1):
 * that of the lowest node of the committer's filtered direct path above it (their lowest
 * common ancestor, §12.4.3.1), or undefined when the path does not reach it (no path).
 */
export function pathSecretForNewMember(tree: RatchetTree, created: CreatedUpdatePath, newLeaf: number): Uint8Array | undefined {
  for (const { node, pathSecret } of created.pathSecrets) if (tree.inSubtree(2 * newLeaf, node)) return pathSecret;
  return undefined;
}
