/**
 * Structural integrity of a ratchet tree received from a peer (RFC 9420 §12.4.3.1 "Verify
 * the integrity of the ratchet tree", §7.1, §7.3): what can be checked without the group's
 * policy. Parent hashes are in parent-hash.ts, tree hashes in tree-hash.ts, and the
 * per-leaf checks (signature, capabilities, lifetime, credential) in ../validation/.
 */
import { TreeError } from './errors.ts';
import { bytesKey } from './key-index.ts';
import type { RatchetTree } from './ratchet-tree.ts';

/** A Map key for a byte string (moved beside the tree's key index; re-exported for existing callers). */
export { bytesKey };

/** True when sorted `values` contains `value` (binary search). */
function sortedHas(values: readonly number[], value: number): boolean {
  let lo = 0;
  let hi = values.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = values[mid]!;
    if (v === value) return true;
    if (v < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/**
 * Checks every non-blank parent's unmerged_leaves (§7.1, §12.4.3.1): strictly increasing,
 * each entry a non-blank leaf below the parent, and listed as unmerged by every non-blank
 * node between that leaf and the parent.
 * @throws TreeError('invalid-unmerged-leaves') naming the parent and leaf
 */
export function verifyUnmergedLeaves(tree: RatchetTree): void {
  for (let p = 1; p < tree.nodeCount; p += 2) {
    const node = tree.parent(p);
    if (node === undefined) continue;
    let previous = -1;
    for (const leafIndex of node.unmergedLeaves) {
      const what = `parent ${p}, unmerged leaf ${leafIndex}`;
      if (leafIndex <= previous) throw new TreeError('invalid-unmerged-leaves', `${what}: not strictly increasing`);
      previous = leafIndex;
      if (leafIndex >= tree.leafCount || tree.leaf(leafIndex) === undefined) throw new TreeError('invalid-unmerged-leaves', `${what}: blank or outside the tree`);
      if (!tree.inSubtree(2 * leafIndex, p)) throw new TreeError('invalid-unmerged-leaves', `${what}: not a descendant`);
      for (const x of tree.directPath(leafIndex)) {
        if (x === p) break;
        const between = tree.parent(x);
        if (between !== undefined && !sortedHas(between.unmergedLeaves, leafIndex)) {
          throw new TreeError('invalid-unmerged-leaves', `${what}: missing from node ${x} below`);
        }
      }
    }
  }
}

/**
 * Checks that no HPKE encryption key appears in two nodes (§12.4.3.1 for parents, §7.3 for
 * leaves) and no signature key in two leaves (§7.3).
 * @throws TreeError('duplicate-encryption-key' | 'duplicate-signature-key') naming both nodes
 */
export function verifyUniqueKeys(tree: RatchetTree): void {
  const encryptionKeys = new Map<string, number>();
  const signatureKeys = new Map<string, number>();
  for (let x = 0; x < tree.nodeCount; x++) {
    const key = tree.encryptionKey(x);
    if (key === undefined) continue;
    const k = bytesKey(key);
    const seen = encryptionKeys.get(k);
    if (seen !== undefined) throw new TreeError('duplicate-encryption-key', `nodes ${seen} and ${x}`);
    encryptionKeys.set(k, x);
    if (x % 2 === 0) {
      const s = bytesKey(tree.leaf(x / 2)!.signatureKey);
      const seenLeaf = signatureKeys.get(s);
      if (seenLeaf !== undefined) throw new TreeError('duplicate-signature-key', `leaves ${seenLeaf} and ${x / 2}`);
      signatureKeys.set(s, x / 2);
    }
  }
}

/**
 * The policy-free integrity checks of §12.4.3.1: unmerged leaves and key uniqueness.
 * @throws TreeError('invalid-unmerged-leaves' | 'duplicate-encryption-key' | 'duplicate-signature-key')
 */
export function verifyTreeIntegrity(tree: RatchetTree): void {
  verifyUnmergedLeaves(tree);
  verifyUniqueKeys(tree);
}
