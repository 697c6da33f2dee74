// MerkleLog (cached complete subtrees) gives exactly merkle-tree.ts's roots and proofs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { MerkleLog } from '../../src/log/merkle-log.ts';
import { consistencyProof, inclusionProof, treeRoot } from '../../src/log/merkle-tree.ts';
import { LogError } from '../../src/log/log-error.ts';

test('roots, inclusion and consistency proofs equal the recomputing implementation for sizes 0..70', () => {
  const log = new MerkleLog();
  const leaves: Uint8Array[] = [];
  assert.deepEqual(log.root(), treeRoot([]));
  for (let n = 1; n <= 70; n++) {
    const leaf = new Uint8Array(createHash('sha256').update(`leaf ${n}`).digest());
    leaves.push(leaf);
    log.append(leaf);
    for (let size = 0; size <= n; size++) assert.deepEqual(log.root(size), treeRoot(leaves, size));
    for (let i = 0; i < n; i++) assert.deepEqual(log.inclusion(i), inclusionProof(leaves, i));
    for (let m = 1; m < n; m++) assert.deepEqual(log.consistency(m), consistencyProof(leaves, m));
  }
  assert.throws(() => log.root(71), LogError);
  assert.throws(() => log.inclusion(70), LogError);
  assert.throws(() => log.consistency(0), LogError);
  assert.throws(() => log.append(new Uint8Array(31)), LogError);
});

test('rootAppending equals the root after the append', () => {
  const log = new MerkleLog();
  for (let n = 0; n < 40; n++) {
    const leaf = new Uint8Array(createHash('sha256').update(`x ${n}`).digest());
    const predicted = log.rootAppending(leaf);
    log.append(leaf);
    assert.deepEqual(predicted, log.root());
  }
});
