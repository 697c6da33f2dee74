import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { leafHash } from '@sealed/kt/log/merkle-hash';
import { treeRoot } from '@sealed/kt/log/merkle-tree';
import { appendLeaf, EMPTY_FRONTIER, frontierRoot } from '../src/log-frontier.ts';

test('RFC 9162 §2.1.1: the frontier root equals MTH for every size 0..130', () => {
  const leaves: Uint8Array[] = [];
  let frontier = EMPTY_FRONTIER;
  for (let n = 0; n <= 130; n++) {
    assert.deepEqual(frontierRoot(frontier), treeRoot(leaves), `size ${n}`);
    assert.equal(frontier.subtrees.length, n.toString(2).split('1').length - 1, 'one subtree per set bit');
    const l = leafHash(new Uint8Array(randomBytes(20)));
    leaves.push(l);
    frontier = appendLeaf(frontier, l);
  }
});

test('appending does not change the frontier it was given', () => {
  const a = appendLeaf(EMPTY_FRONTIER, leafHash(Uint8Array.of(1)));
  const before = frontierRoot(a);
  appendLeaf(a, leafHash(Uint8Array.of(2)));
  assert.deepEqual(frontierRoot(a), before);
  assert.equal(a.size, 1);
});
