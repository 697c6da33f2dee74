/**
 * RFC 9420 §4.1.2 / §7.6 wrappers around treekem's UpdatePath functions.
 *
 * The filtered direct path is computed on the tree with the members the commit adds
 * (they make a copath resolution non-empty); only the encrypted_path_secret lists leave
 * them out (§7.6: "the resolution of the corresponding copath node MUST exclude all new
 * leaf nodes"). treekem/ excludes added leaves from the filtering too, which gives a
 * shorter UpdatePath than other implementations expect when an added leaf is the only
 * member under a copath node (found by the ts-mls interop test). Until treekem takes this
 * into account, commits go through these wrappers:
 * - creating: build the path over the full tree, then drop the ciphertexts addressed to
 *   new leaves;
 * - processing: put placeholder ciphertexts back at the new leaves' positions so treekem's
 *   counts match; they are never decrypted (we hold no new leaf's key).
 */
import type { UpdatePath } from '../structs/ratchet-tree.ts';
import type { RatchetTree } from '../tree/ratchet-tree.ts';
import { createUpdatePath, type CreatedUpdatePath, type CreateUpdatePathInput } from '../treekem/create-update-path.ts';
import { processUpdatePath, type ProcessedUpdatePath, type ProcessUpdatePathInput } from '../treekem/process-update-path.ts';

const EMPTY = new Uint8Array(0);

/** createUpdatePath with §7.6's exclusion of new leaves applied to the ciphertexts only. */
export function createCommitUpdatePath(input: CreateUpdatePathInput): CreatedUpdatePath {
  const added = input.addedLeaves;
  if (added === undefined || added.size === 0) return createUpdatePath(input);
  const { addedLeaves: _ignored, ...rest } = input;
  const tree = input.tree;
  const path = tree.filteredDirectPath(input.leafIndex);
  const created = createUpdatePath(rest);
  const nodes = created.updatePath.nodes.map((node, i) => {
    const resolution = tree.resolution(path[i]!.copathChild);
    return { ...node, encryptedPathSecret: node.encryptedPathSecret.filter((_, j) => !isAdded(resolution[j]!, added)) };
  });
  return { ...created, updatePath: { ...created.updatePath, nodes } };
}

/** processUpdatePath for an UpdatePath whose ciphertext lists leave out the new leaves (§7.6). */
export function processCommitUpdatePath(input: ProcessUpdatePathInput): ProcessedUpdatePath {
  const added = input.addedLeaves;
  if (added === undefined || added.size === 0) return processUpdatePath(input);
  const { addedLeaves: _ignored, ...rest } = input;
  return processUpdatePath({ ...rest, updatePath: padForAdded(input.tree, input.sender, input.updatePath, added) });
}

function isAdded(node: number, added: ReadonlySet<number>): boolean {
  return node % 2 === 0 && added.has(node / 2);
}

/**
 * The UpdatePath with an empty ciphertext inserted wherever the full resolution has a new
 * leaf. When the lengths do not fit the full tree the path is returned unchanged, and
 * treekem rejects it with its own typed error.
 */
function padForAdded(tree: RatchetTree, sender: number, updatePath: UpdatePath, added: ReadonlySet<number>): UpdatePath {
  // The sender's direct path is blanked by the merge, but its filtering depends only on copath nodes.
  const path = tree.filteredDirectPath(sender);
  if (path.length !== updatePath.nodes.length) return updatePath;
  const nodes = updatePath.nodes.map((node, i) => {
    const resolution = tree.resolution(path[i]!.copathChild);
    const given = node.encryptedPathSecret;
    const padded = [];
    let next = 0;
    for (const r of resolution) {
      if (isAdded(r, added)) padded.push({ kemOutput: EMPTY, ciphertext: EMPTY });
      else if (next < given.length) padded.push(given[next++]!);
    }
    if (next !== given.length) return node;
    return { ...node, encryptedPathSecret: padded };
  });
  return { ...updatePath, nodes };
}
