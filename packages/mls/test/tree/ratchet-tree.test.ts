// The ratchet tree (RFC 9420 §4.1.1, §7.7, §7.8, §7.9.2, §12.1.1-3, §12.4.3.1-3): operations,
// malformed input, integrity rules and the tree hash cache.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { hex, loadVectors, toHex } from '../../../../tools/testvectors.ts';
import { cipherSuite } from '../../src/crypto/cipher-suite.ts';
import type { LeafNode } from '../../src/structs/leaf-node.ts';
import { type Node, type ParentNode, parseRatchetTree } from '../../src/structs/ratchet-tree.ts';
import { MAX_TREE_LEAVES } from '../../src/structs/limits.ts';
import { TreeError, type TreeErrorCode } from '../../src/tree/errors.ts';
import { findRatchetTreeExtension, ratchetTreeExtensionOf, ratchetTreeFromExtensionData } from '../../src/tree/extension.ts';
import { verifyParentHashes } from '../../src/tree/parent-hash.ts';
import { RatchetTree } from '../../src/tree/ratchet-tree.ts';
import { treeHash } from '../../src/tree/tree-hash.ts';
import { verifyTreeIntegrity } from '../../src/tree/validate-tree.ts';
import { makeMember, SUITE } from './helpers.ts';

function expectTreeError(run: () => void, code: TreeErrorCode): void {
  assert.throws(run, (error: unknown) => error instanceof TreeError && error.code === code);
}

const leaves: LeafNode[] = Array.from({ length: 8 }, () => makeMember().leafNode);
let keyCounter = 0;
function parentNode(unmergedLeaves: number[] = []): ParentNode {
  return { encryptionKey: Uint8Array.of(0xee, keyCounter++), parentHash: new Uint8Array(), unmergedLeaves };
}
const leafAt = (i: number): Node => ({ type: 'leaf', leafNode: leaves[i]! });
const parentAt = (unmerged: number[] = []): Node => ({ type: 'parent', parentNode: parentNode(unmerged) });

describe('ratchet tree operations', () => {
  test('adds fill the leftmost blank leaf, then extend the tree by doubling (§12.1.1, §7.7)', () => {
    const tree = RatchetTree.withFirstLeaf(leaves[0]!);
    assert.equal(tree.leafCount, 1);
    assert.equal(tree.addLeaf(leaves[1]!), 1);
    assert.equal(tree.leafCount, 2);
    assert.equal(tree.addLeaf(leaves[2]!), 2);
    assert.equal(tree.leafCount, 4);
    assert.equal(tree.addLeaf(leaves[3]!), 3);
    tree.removeLeaf(1);
    assert.equal(tree.leafCount, 4);
    assert.equal(tree.addLeaf(leaves[4]!), 1, 'leftmost blank leaf is reused');
    assert.equal(tree.addLeaf(leaves[5]!), 4);
    assert.equal(tree.leafCount, 8);
  });

  test('an add records the new leaf as unmerged in non-blank parents on its path, sorted', () => {
    const tree = RatchetTree.fromNodes([leafAt(0), parentAt([]), leafAt(1), parentAt([3]), undefined, parentAt([3]), leafAt(3)]);
    assert.equal(tree.addLeaf(leaves[2]!), 2);
    assert.deepEqual(tree.parent(5)!.unmergedLeaves, [2, 3]);
    assert.deepEqual(tree.parent(3)!.unmergedLeaves, [2, 3]);
    assert.deepEqual(tree.parent(1)!.unmergedLeaves, []);
    assert.deepEqual(tree.resolution(5), [5, 4, 6]);
  });

  test('resolution of blank parents descends; excluded leaves are left out (§4.1.1, §7.6)', () => {
    const tree = RatchetTree.fromNodes([leafAt(0), undefined, leafAt(1), undefined, undefined, parentAt([]), leafAt(3)]);
    assert.deepEqual(tree.resolution(3), [0, 2, 5]);
    assert.deepEqual(tree.resolution(4), []);
    assert.deepEqual(tree.resolution(1, new Set([1])), [0]);
    assert.deepEqual(tree.filteredDirectPath(0).map((e) => e.node), [1, 3]);
    assert.deepEqual(tree.filteredDirectPath(0, new Set([1])).map((e) => e.node), [3]);
  });

  test('update replaces the leaf and blanks its direct path (§12.1.2)', () => {
    const tree = RatchetTree.fromNodes([leafAt(0), parentAt(), leafAt(1), parentAt(), leafAt(2), parentAt(), leafAt(3)]);
    tree.updateLeaf(2, leaves[5]!);
    assert.equal(tree.leaf(2), leaves[5]);
    assert.equal(tree.parent(5), undefined);
    assert.equal(tree.parent(3), undefined);
    assert.notEqual(tree.parent(1), undefined);
    expectTreeError(() => RatchetTree.withFirstLeaf(leaves[0]!).updateLeaf(1, leaves[1]!), 'blank-leaf');
  });

  test('remove blanks the leaf and its path and truncates blank right halves (§12.1.3, §7.7)', () => {
    const tree = RatchetTree.fromNodes([leafAt(0), parentAt(), leafAt(1), parentAt(), leafAt(2)]);
    tree.removeLeaf(2);
    assert.equal(tree.leafCount, 2);
    assert.equal(tree.parent(1) !== undefined, true);
    tree.removeLeaf(1);
    assert.equal(tree.leafCount, 1);
    assert.deepEqual(tree.toNodes(), [leafAt(0)]);
    expectTreeError(() => tree.removeLeaf(1), 'blank-leaf');
    expectTreeError(() => tree.removeLeaf(-1), 'blank-leaf');
  });

  test('clones are independent', () => {
    const tree = RatchetTree.withFirstLeaf(leaves[0]!);
    tree.addLeaf(leaves[1]!);
    const before = toHex(treeHash(SUITE, tree));
    const copy = tree.clone();
    copy.addLeaf(leaves[2]!);
    copy.removeLeaf(0);
    assert.equal(tree.leafCount, 2);
    assert.equal(toHex(treeHash(SUITE, tree)), before);
    assert.notEqual(toHex(treeHash(SUITE, copy)), before);
  });
});

describe('ratchet_tree extension conversion (§12.4.3.3)', () => {
  test('malformed node lists are rejected with typed errors', () => {
    expectTreeError(() => RatchetTree.fromNodes([]), 'malformed-tree');
    expectTreeError(() => RatchetTree.fromNodes([leafAt(0), undefined]), 'malformed-tree');
    expectTreeError(() => RatchetTree.fromNodes([leafAt(0), undefined, undefined]), 'malformed-tree');
    expectTreeError(() => RatchetTree.fromNodes([leafAt(0), leafAt(1), leafAt(2)]), 'malformed-tree');
    expectTreeError(() => RatchetTree.fromNodes([parentAt(), undefined, leafAt(2)]), 'malformed-tree');
    const tooMany = new Array<Node | undefined>(2 * MAX_TREE_LEAVES + 1);
    tooMany[tooMany.length - 1] = leafAt(0);
    expectTreeError(() => RatchetTree.fromNodes(tooMany), 'too-many-leaves');
  });

  test('a short list is extended to a full tree and written back without trailing blanks', () => {
    const nodes = [leafAt(0), parentAt(), leafAt(1), undefined, leafAt(2)];
    const tree = RatchetTree.fromNodes(nodes);
    assert.equal(tree.leafCount, 4);
    assert.equal(tree.nodeCount, 7);
    assert.deepEqual(tree.toNodes(), nodes);
  });

  test('every tree of tree-validation.json round-trips, as nodes and as extension bytes', () => {
    for (const v of loadVectors<{ tree: string }[]>('mls/tree-validation.json')) {
      const nodes = parseRatchetTree(hex(v.tree));
      assert.deepEqual(RatchetTree.fromNodes(nodes).toNodes(), nodes);
      const extension = ratchetTreeExtensionOf(ratchetTreeFromExtensionData(hex(v.tree)));
      assert.equal(toHex(extension.extensionData), v.tree);
      assert.equal(findRatchetTreeExtension([{ extensionType: 1, extensionData: new Uint8Array() }, extension]), extension);
    }
  });
});

describe('tree integrity (§12.4.3.1)', () => {
  test('unmerged leaves: unsorted, blank, not a descendant, missing below', () => {
    const base = (p1: number[], p3: number[], p5: number[]): RatchetTree =>
      RatchetTree.fromNodes([leafAt(0), parentAt(p1), leafAt(1), parentAt(p3), leafAt(2), parentAt(p5), leafAt(3)]);
    verifyTreeIntegrity(base([], [2, 3], [2, 3]));
    expectTreeError(() => verifyTreeIntegrity(base([], [3, 2], [2, 3])), 'invalid-unmerged-leaves');
    expectTreeError(() => verifyTreeIntegrity(base([], [2, 2], [2, 2])), 'invalid-unmerged-leaves');
    expectTreeError(() => verifyTreeIntegrity(base([2], [2], [2])), 'invalid-unmerged-leaves');
    expectTreeError(() => verifyTreeIntegrity(base([], [2], [])), 'invalid-unmerged-leaves');
    expectTreeError(() => verifyTreeIntegrity(base([], [7], [])), 'invalid-unmerged-leaves');
    const blankLeaf = RatchetTree.fromNodes([leafAt(0), parentAt([1]), undefined, undefined, leafAt(2)]);
    expectTreeError(() => verifyTreeIntegrity(blankLeaf), 'invalid-unmerged-leaves');
  });

  test('an encryption key in two nodes or a signature key in two leaves is rejected', () => {
    const p: Node = { type: 'parent', parentNode: { encryptionKey: leaves[0]!.encryptionKey, parentHash: new Uint8Array(), unmergedLeaves: [] } };
    expectTreeError(() => verifyTreeIntegrity(RatchetTree.fromNodes([leafAt(0), p, leafAt(1)])), 'duplicate-encryption-key');
    const twin: Node = { type: 'leaf', leafNode: { ...leaves[1]!, signatureKey: leaves[0]!.signatureKey } };
    expectTreeError(() => verifyTreeIntegrity(RatchetTree.fromNodes([leafAt(0), undefined, twin])), 'duplicate-signature-key');
  });

  test('a tampered parent node is not parent-hash valid (§7.9.2)', () => {
    const vectors = loadVectors<{ cipher_suite: number; tree: string }[]>('mls/tree-validation.json');
    let tampered = 0;
    for (const v of vectors.filter((x) => x.cipher_suite === 1)) {
      const nodes = parseRatchetTree(hex(v.tree));
      const p = nodes.findIndex((n) => n?.type === 'parent');
      if (p < 0) continue;
      const suite = cipherSuite(1, SUITE.provider);
      verifyParentHashes(suite, RatchetTree.fromNodes(nodes));
      const original = (nodes[p] as Extract<Node, { type: 'parent' }>).parentNode;
      const key = original.encryptionKey.slice();
      key[0]! ^= 1;
      const altered = nodes.slice();
      altered[p] = { type: 'parent', parentNode: { ...original, encryptionKey: key } };
      expectTreeError(() => verifyParentHashes(suite, RatchetTree.fromNodes(altered)), 'parent-hash-invalid');
      tampered++;
    }
    assert.ok(tampered >= 10, `tampered ${tampered} trees`);
  });

  test('a parent with no linked descendant is not parent-hash valid', () => {
    expectTreeError(() => verifyParentHashes(SUITE, RatchetTree.fromNodes([leafAt(0), parentAt(), leafAt(1)])), 'parent-hash-invalid');
  });
});

describe('tree hash cache (§7.8)', () => {
  test('after any sequence of adds, updates and removes the cached hash equals a fresh one', () => {
    const pool = Array.from({ length: 12 }, () => makeMember().leafNode);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('add', 'update', 'remove'), fc.nat(15), fc.nat(11)), { maxLength: 30 }), (ops) => {
        const tree = RatchetTree.withFirstLeaf(pool[0]!);
        treeHash(SUITE, tree);
        for (const [op, index, leaf] of ops) {
          const occupied = [...tree.occupiedLeaves()].map(([i]) => i);
          const target = occupied[index % occupied.length]!;
          if (op === 'add') tree.addLeaf(pool[leaf]!);
          else if (op === 'update') tree.updateLeaf(target, pool[leaf]!);
          else if (occupied.length > 1) tree.removeLeaf(target);
          treeHash(SUITE, tree);
        }
        const fresh = RatchetTree.fromNodes(tree.toNodes());
        assert.equal(toHex(treeHash(SUITE, tree)), toHex(treeHash(SUITE, fresh)));
        assert.equal(tree.leafCount, fresh.leafCount);
      }),
      { numRuns: 60 },
    );
  });
});
