/**
 * The signature of a LeafNode (RFC 9420 §7.2, §7.3): SignWithLabel(signature_key,
 * "LeafNodeTBS", LeafNodeTBS), where LeafNodeTBS adds the group_id and leaf index for
 * leaves created in a group (update and commit sources).
 */
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { signWithLabel, verifyWithLabel } from '../crypto/signature.ts';
import { type LeafNode, type LeafNodeContent, type LeafNodeContext, leafNodeContent, leafNodeTBSBytes } from '../structs/leaf-node.ts';

const LEAF_NODE_TBS_LABEL = 'LeafNodeTBS';

/**
 * True when `leaf.signature` verifies under `leaf.signature_key` (§7.3). `context` is the
 * group and leaf index for update/commit leaves and is ignored for key_package leaves
 * (their TBS binds no group, §7.2). False, never an exception, for a malformed key or
 * signature, or an update/commit leaf checked without a context.
 */
export function verifyLeafNodeSignature(suite: CipherSuite, leaf: LeafNode, context: LeafNodeContext | undefined): boolean {
  const content = leafNodeContent(leaf);
  if (content.source.type !== 'key_package' && context === undefined) return false;
  const tbs = content.source.type === 'key_package' ? leafNodeTBSBytes(content) : leafNodeTBSBytes(content, context);
  return verifyWithLabel(suite, leaf.signatureKey, LEAF_NODE_TBS_LABEL, tbs, leaf.signature);
}

/**
 * Signs `content` into a LeafNode (§7.2). `context` is required for update/commit leaves
 * and must be absent for key_package leaves.
 * @throws RangeError when the context does not match the source (a caller bug)
 * @throws CryptoError from the provider for a malformed private key
 */
export function signLeafNode(suite: CipherSuite, signaturePrivateKey: Uint8Array, content: LeafNodeContent, context?: LeafNodeContext): LeafNode {
  const tbs = leafNodeTBSBytes(content, context);
  return { ...content, signature: signWithLabel(suite, signaturePrivateKey, LEAF_NODE_TBS_LABEL, tbs) };
}
