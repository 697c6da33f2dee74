/**
 * The public ratchet tree on the wire (RFC 9420 §7.1, §7.6, §12.4.3.3).
 *
 *   opaque HPKEPublicKey<V>;
 *   struct { HPKEPublicKey encryption_key; opaque parent_hash<V>;
 *            uint32 unmerged_leaves<V>; } ParentNode;                      §7.1
 *   struct { NodeType node_type;
 *            select (Node.node_type) { case leaf: LeafNode leaf_node;
 *                                      case parent: ParentNode parent_node; }; } Node;
 *   optional<Node> ratchet_tree<V>;    // the ratchet_tree extension body   §12.4.3.3
 *   struct { opaque kem_output<V>; opaque ciphertext<V>; } HPKECiphertext;  §7.6
 *   struct { HPKEPublicKey encryption_key;
 *            HPKECiphertext encrypted_path_secret<V>; } UpdatePathNode;
 *   struct { LeafNode leaf_node; UpdatePathNode nodes<V>; } UpdatePath;
 */
import { DecodeError } from '../codec/errors.ts';
import { decode, type Reader } from '../codec/reader.ts';
import { encode, type Writer } from '../codec/writer.ts';
import { ExtensionType, nodeTypeCodec } from './enums.ts';
import type { Extension } from './extensions.ts';
import { decodeLeafNode, encodeLeafNode, type LeafNode } from './leaf-node.ts';
import {
  MAX_KEM_OUTPUT_BYTES,
  MAX_PATH_SECRET_CIPHERTEXTS,
  MAX_RATCHET_TREE_NODES,
  MAX_UNMERGED_LEAVES,
  MAX_UPDATE_PATH_NODES,
} from './limits.ts';
import { decodeHashSized, decodePublicKey, type HPKEPublicKey } from './primitives.ts';

export type { HPKEPublicKey } from './primitives.ts';

// ---------------------------------------------------------------------------------------
// HPKECiphertext

/** HPKECiphertext (RFC 9420 §7.6). */
export interface HPKECiphertext {
  readonly kemOutput: Uint8Array;
  readonly ciphertext: Uint8Array;
}

/**
 * Writes HPKECiphertext (RFC 9420 §7.6).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function encodeHPKECiphertext(writer: Writer, value: HPKECiphertext): void {
  writer.opaque(value.kemOutput).opaque(value.ciphertext);
}

/** @throws DecodeError('truncated' | 'too-large') */
export function decodeHPKECiphertext(reader: Reader): HPKECiphertext {
  const kemOutput = reader.opaque('HPKECiphertext.kem_output', MAX_KEM_OUTPUT_BYTES);
  const ciphertext = reader.opaque('HPKECiphertext.ciphertext');
  return { kemOutput, ciphertext };
}

// ---------------------------------------------------------------------------------------
// ParentNode and Node

/** ParentNode (RFC 9420 §7.1). */
export interface ParentNode {
  readonly encryptionKey: HPKEPublicKey;
  readonly parentHash: Uint8Array;
  readonly unmergedLeaves: readonly number[];
}

/**
 * Writes ParentNode (RFC 9420 §7.1).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function encodeParentNode(writer: Writer, value: ParentNode): void {
  writer.opaque(value.encryptionKey).opaque(value.parentHash);
  writer.vector(value.unmergedLeaves, (w, leaf) => w.uint32(leaf));
}

/** @throws DecodeError('truncated' | 'too-large' | 'trailing-bytes') */
export function decodeParentNode(reader: Reader): ParentNode {
  const encryptionKey = decodePublicKey(reader, 'ParentNode.encryption_key');
  const parentHash = decodeHashSized(reader, 'ParentNode.parent_hash');
  const unmergedLeaves = reader.vector((r) => r.uint32('ParentNode.unmerged_leaves'), 'ParentNode.unmerged_leaves', MAX_UNMERGED_LEAVES, 4 * MAX_UNMERGED_LEAVES);
  return { encryptionKey, parentHash, unmergedLeaves };
}

/** Node (RFC 9420 §12.4.3.3). */
export type Node = { readonly type: 'leaf'; readonly leafNode: LeafNode } | { readonly type: 'parent'; readonly parentNode: ParentNode };

/**
 * Writes Node (RFC 9420 §12.4.3.3).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function encodeNode(writer: Writer, value: Node): void {
  nodeTypeCodec.write(writer, value.type);
  if (value.type === 'leaf') encodeLeafNode(writer, value.leafNode);
  else encodeParentNode(writer, value.parentNode);
}

/** @throws DecodeError('truncated' | 'too-large' | 'invalid-value' | 'trailing-bytes') */
export function decodeNode(reader: Reader): Node {
  const type = nodeTypeCodec.read(reader);
  if (type === 'leaf') return { type, leafNode: decodeLeafNode(reader) };
  return { type, parentNode: decodeParentNode(reader) };
}

// ---------------------------------------------------------------------------------------
// The ratchet_tree extension body

/** Nodes in array order (leaf L at 2L); `undefined` is a blank node. */
export type RatchetTree = readonly (Node | undefined)[];

/**
 * Writes RatchetTree (RFC 9420 §12.4.3.3).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function encodeRatchetTree(writer: Writer, value: RatchetTree): void {
  writer.vector(value, (w, node) => w.optional(node, encodeNode));
}

/**
 * Reads `optional<Node> ratchet_tree<V>` and checks what §12.4.3.3 makes a syntax rule:
 * the list is not empty, its last node is not blank, and leaves sit at even positions and
 * parents at odd ones (Appendix C's array layout).
 * @throws DecodeError('truncated' | 'too-large' | 'invalid-value' | 'trailing-bytes')
 */
export function decodeRatchetTree(reader: Reader): RatchetTree {
  const nodes = reader.vector((r) => r.optional(decodeNode, 'ratchet_tree node'), 'ratchet_tree', MAX_RATCHET_TREE_NODES);
  if (nodes.length === 0) throw new DecodeError('invalid-value', 'ratchet_tree: empty');
  if (nodes[nodes.length - 1] === undefined) throw new DecodeError('invalid-value', 'ratchet_tree: last node is blank');
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i];
    if (node !== undefined && (node.type === 'leaf') !== (i % 2 === 0)) {
      throw new DecodeError('invalid-value', `ratchet_tree: ${node.type} node at index ${i}`);
    }
  }
  return nodes;
}

/** A ratchet_tree extension carrying `tree`. */
export function ratchetTreeExtension(tree: RatchetTree): Extension {
  return { extensionType: ExtensionType.ratchet_tree, extensionData: encode(encodeRatchetTree, tree) };
}

/** @throws DecodeError when `data` is not exactly one valid ratchet_tree body */
export function parseRatchetTree(data: Uint8Array): RatchetTree {
  return decode(decodeRatchetTree, data, 'ratchet_tree');
}

// ---------------------------------------------------------------------------------------
// UpdatePath

/** UpdatePathNode (RFC 9420 §7.6). */
export interface UpdatePathNode {
  readonly encryptionKey: HPKEPublicKey;
  readonly encryptedPathSecret: readonly HPKECiphertext[];
}

/**
 * Writes UpdatePathNode (RFC 9420 §7.6).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function encodeUpdatePathNode(writer: Writer, value: UpdatePathNode): void {
  writer.opaque(value.encryptionKey).vector(value.encryptedPathSecret, encodeHPKECiphertext);
}

/** @throws DecodeError('truncated' | 'too-large' | 'trailing-bytes') */
export function decodeUpdatePathNode(reader: Reader): UpdatePathNode {
  const encryptionKey = decodePublicKey(reader, 'UpdatePathNode.encryption_key');
  const encryptedPathSecret = reader.vector(decodeHPKECiphertext, 'UpdatePathNode.encrypted_path_secret', MAX_PATH_SECRET_CIPHERTEXTS);
  return { encryptionKey, encryptedPathSecret };
}

/** UpdatePath (RFC 9420 §7.6). */
export interface UpdatePath {
  readonly leafNode: LeafNode;
  readonly nodes: readonly UpdatePathNode[];
}

/**
 * Writes UpdatePath (RFC 9420 §7.6).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function encodeUpdatePath(writer: Writer, value: UpdatePath): void {
  encodeLeafNode(writer, value.leafNode);
  writer.vector(value.nodes, encodeUpdatePathNode);
}

/** @throws DecodeError('truncated' | 'too-large' | 'invalid-value' | 'trailing-bytes') */
export function decodeUpdatePath(reader: Reader): UpdatePath {
  const leafNode = decodeLeafNode(reader);
  const nodes = reader.vector(decodeUpdatePathNode, 'UpdatePath.nodes', MAX_UPDATE_PATH_NODES);
  return { leafNode, nodes };
}
