// RFC 9420 Appendix C tree math against the official `tree-math.json` vectors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadVectors } from '../../../../tools/testvectors.ts';
import {
  MAX_LEAVES,
  TreeMathError,
  commonAncestor,
  copath,
  directPath,
  left,
  level,
  nodeWidth,
  parent,
  right,
  root,
  sibling,
} from '../../src/tree-math.ts';

interface TreeMathVector {
  n_leaves: number;
  n_nodes: number;
  root: number;
  left: (number | null)[];
  right: (number | null)[];
  parent: (number | null)[];
  sibling: (number | null)[];
}

const vectors = loadVectors<TreeMathVector[]>('mls/tree-math.json');

/** Runs `f` and maps a TreeMathError to null, as the vectors encode "no such node". */
function orNull(f: () => number): number | null {
  try {
    return f();
  } catch (error) {
    if (error instanceof TreeMathError) return null;
    throw error;
  }
}

test(`tree-math.json: ${vectors.length} cases`, () => {
  assert.ok(vectors.length > 0);
  for (const v of vectors) {
    const n = v.n_leaves;
    assert.equal(nodeWidth(n), v.n_nodes, `n_nodes for ${n}`);
    assert.equal(root(n), v.root, `root for ${n}`);
    for (let i = 0; i < v.n_nodes; i++) {
      assert.equal(orNull(() => left(i, n)), v.left[i], `left(${i}) n=${n}`);
      assert.equal(orNull(() => right(i, n)), v.right[i], `right(${i}) n=${n}`);
      assert.equal(orNull(() => parent(i, n)), v.parent[i], `parent(${i}) n=${n}`);
      assert.equal(orNull(() => sibling(i, n)), v.sibling[i], `sibling(${i}) n=${n}`);
    }
  }
  console.log(`tree-math: ${vectors.length} cases`);
});

test('direct path, copath and common ancestor of an 8-leaf tree (RFC 9420 Appendix C figure)', () => {
  assert.deepEqual(directPath(0, 8), [1, 3, 7]);
  assert.deepEqual(copath(0, 8), [2, 5, 11]);
  assert.deepEqual(directPath(7, 8), []);
  assert.deepEqual(copath(7, 8), []);
  assert.deepEqual(directPath(10, 8), [9, 11, 7]);
  assert.deepEqual(copath(10, 8), [8, 13, 3]);
  assert.equal(commonAncestor(0, 2, 8), 1);
  assert.equal(commonAncestor(0, 14, 8), 7);
  assert.equal(commonAncestor(8, 12, 8), 11);
  assert.equal(commonAncestor(4, 5, 8), 5);
  assert.equal(commonAncestor(3, 4, 8), 3);
  assert.equal(level(7), 3);
  assert.equal(level(0), 0);
});

test('common ancestor matches the semantic definition for every pair of a 16-leaf tree', () => {
  const n = 16;
  for (let x = 0; x < nodeWidth(n); x++) {
    for (let y = 0; y < nodeWidth(n); y++) {
      const dx = new Set([x, ...directPath(x, n)]);
      const shared = [y, ...directPath(y, n)].filter((node) => dx.has(node));
      const lowest = shared.reduce((a, b) => (level(a) <= level(b) ? a : b));
      assert.equal(commonAncestor(x, y, n), lowest, `${x}, ${y}`);
    }
  }
});

test('out-of-range inputs throw TreeMathError with a code', () => {
  const expectCode = (f: () => unknown, code: string) =>
    assert.throws(f, (e: unknown) => e instanceof TreeMathError && e.code === code);
  expectCode(() => nodeWidth(0), 'invalid-leaf-count');
  expectCode(() => nodeWidth(MAX_LEAVES + 1), 'invalid-leaf-count');
  expectCode(() => nodeWidth(1.5), 'invalid-leaf-count');
  expectCode(() => parent(15, 8), 'index-out-of-range');
  expectCode(() => parent(-1, 8), 'index-out-of-range');
  expectCode(() => parent(7, 8), 'root-has-no-parent');
  expectCode(() => sibling(7, 8), 'root-has-no-parent');
  expectCode(() => left(4, 8), 'leaf-has-no-children');
  expectCode(() => right(4, 8), 'leaf-has-no-children');
  expectCode(() => directPath(99, 8), 'index-out-of-range');
  expectCode(() => commonAncestor(0, 99, 8), 'index-out-of-range');
});

test('the largest tree keeps indices exact', () => {
  const n = MAX_LEAVES;
  const last = nodeWidth(n) - 1;
  assert.equal(root(n), 2 ** 30 - 1);
  assert.equal(directPath(last, n).length, 30);
  assert.equal(parent(last, n), last - 1);
  assert.equal(commonAncestor(0, last, n), root(n));
});
