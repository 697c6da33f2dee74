/**
 * The ratchet_tree extension (RFC 9420 §12.4.3.3) to and from a RatchetTree: the bytes of
 * `optional<Node> ratchet_tree<V>` in array order, trailing blank nodes omitted.
 */
import { ExtensionType } from '../structs/enums.ts';
import type { Extension } from '../structs/extensions.ts';
import { parseRatchetTree, ratchetTreeExtension } from '../structs/ratchet-tree.ts';
import { RatchetTree } from './ratchet-tree.ts';

/**
 * A tree from the extension_data of a ratchet_tree extension. Only decoding and shape are
 * checked; validate it (validation/ratchet-tree.ts) before use.
 * @throws DecodeError for malformed bytes (bounded by the struct limits)
 * @throws TreeError('malformed-tree' | 'too-many-leaves')
 */
export function ratchetTreeFromExtensionData(data: Uint8Array): RatchetTree {
  return RatchetTree.fromNodes(parseRatchetTree(data));
}

/** The ratchet_tree extension carrying `tree` (for a GroupInfo). */
export function ratchetTreeExtensionOf(tree: RatchetTree): Extension {
  return ratchetTreeExtension(tree.toNodes());
}

/** The ratchet_tree extension of a list, if present. */
export function findRatchetTreeExtension(extensions: readonly Extension[]): Extension | undefined {
  return extensions.find((e) => e.extensionType === ExtensionType.ratchet_tree);
}
