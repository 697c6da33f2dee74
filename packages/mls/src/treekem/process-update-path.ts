/**
 * Processing a received UpdatePath as a member (RFC 9420 §7.5, §12.4.2): merge it into the
 * public tree, decrypt the one path secret meant for us, derive the rest up to the root,
 * check every derived public key, and obtain the commit secret.
 */
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { MlsCryptoError } from '../crypto/errors.ts';
import { decryptWithLabel } from '../crypto/hpke.ts';
import { type GroupContext, groupContextBytes } from '../structs/group-context.ts';
import type { UpdatePath } from '../structs/ratchet-tree.ts';
import type { RatchetTree } from '../tree/ratchet-tree.ts';
import { treeHash } from '../tree/tree-hash.ts';
import { applyUpdatePath } from './apply-update-path.ts';
import { UPDATE_PATH_NODE_LABEL } from './create-update-path.ts';
import { TreeKemError } from './errors.ts';
import { commitSecretFrom, nextPathSecret, nodeKeyPair } from './path-secrets.ts';
import type { PrivateTree } from './private-tree.ts';

export interface ProcessUpdatePathInput {
  readonly suite: CipherSuite;
  /** The tree after the commit's proposals; changed in place (pass a clone, keep it only if the commit is accepted). */
  readonly tree: RatchetTree;
  /** The committer's leaf index. */
  readonly sender: number;
  readonly updatePath: UpdatePath;
  /** The provisional GroupContext without its tree hash, which is computed here (§12.4.2). */
  readonly context: Omit<GroupContext, 'treeHash'>;
  /** Our private view before the commit; not changed (a new one is returned). */
  readonly privateTree: PrivateTree;
  /** Leaves added by this commit: in the filtered direct path (§4.1.2) but not among the ciphertexts (§7.6). */
  readonly addedLeaves?: ReadonlySet<number>;
}

export interface ProcessedUpdatePath {
  readonly commitSecret: Uint8Array;
  /** Our private view after the commit: outdated keys deleted, new path keys added. */
  readonly privateTree: PrivateTree;
  /** The path secret we decrypted (of `decryptedNode`). */
  readonly pathSecret: Uint8Array;
  readonly decryptedNode: number;
  /** The encoded provisional GroupContext. */
  readonly groupContext: Uint8Array;
}

/**
 * Merges `input.updatePath` into `input.tree` and decrypts it with our keys (§7.5).
 * The committer's new leaf must have been validated by the caller (validateLeafNode, use
 * 'commit') against the tree before this call.
 * @throws TreeKemError (every code of applyUpdatePath, and 'not-a-member' | 'no-decryption-key'
 *   | 'decrypt-failed' | 'public-key-mismatch')
 */
export function processUpdatePath(input: ProcessUpdatePathInput): ProcessedUpdatePath {
  const { suite, tree, sender, updatePath } = input;
  const me = input.privateTree.leafIndex;
  if (me === sender || tree.leaf(me) === undefined) throw new TreeKemError('not-a-member', `our leaf ${me}, committer ${sender}`);
  if (input.addedLeaves?.has(me) === true) throw new TreeKemError('not-a-member', `leaf ${me} is added by this commit`);

  const path = applyUpdatePath(suite, tree, sender, updatePath, input.addedLeaves);
  const groupContext = groupContextBytes({ ...input.context, treeHash: treeHash(suite, tree) });

  const first = path.findIndex(({ copathChild }) => tree.inSubtree(2 * me, copathChild));
  if (first < 0) throw new TreeKemError('no-decryption-key', `no node of the committer's filtered direct path covers leaf ${me}`);
  const { node, copathChild } = path[first]!;
  const resolution = tree.resolution(copathChild, input.addedLeaves);
  const slot = resolution.findIndex((r) => input.privateTree.privateKey(r) !== undefined);
  if (slot < 0) throw new TreeKemError('no-decryption-key', `none of the ${resolution.length} nodes of the resolution of ${copathChild}`);
  const ciphertext = updatePath.nodes[first]!.encryptedPathSecret[slot]!;
  let pathSecret: Uint8Array;
  try {
    pathSecret = decryptWithLabel(suite, input.privateTree.privateKey(resolution[slot]!)!, UPDATE_PATH_NODE_LABEL, groupContext, ciphertext.kemOutput, ciphertext.ciphertext);
  } catch (error) {
    if (error instanceof MlsCryptoError) throw new TreeKemError('decrypt-failed', `path secret of node ${node} (resolution node ${resolution[slot]})`);
    throw error;
  }

  const privateTree = input.privateTree.clone();
  privateTree.prune(suite, tree);
  let secret = pathSecret;
  for (let i = first; i < path.length; i++) {
    if (i > first) secret = nextPathSecret(suite, secret);
    const pair = nodeKeyPair(suite, secret);
    const x = path[i]!.node;
    if (!suite.provider.constantTimeEqual(pair.publicKey, updatePath.nodes[i]!.encryptionKey)) throw new TreeKemError('public-key-mismatch', `node ${x}`);
    privateTree.setKeyPair(x, pair);
  }
  return { commitSecret: commitSecretFrom(suite, secret), privateTree, pathSecret, decryptedNode: node, groupContext };
}
