// RFC 9420 §4.1.1 resolutions, §7.8 tree hashes, §7.9.2 parent-hash validity and §7.3 leaf
// signatures against the official `tree-validation.json` vectors, for every case and suite
// in the file and every provider.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hex, loadVectors, toHex } from '../../../../tools/testvectors.ts';
import { cipherSuite } from '../../src/crypto/cipher-suite.ts';
import { parseRatchetTree } from '../../src/structs/ratchet-tree.ts';
import { verifyParentHashes } from '../../src/tree/parent-hash.ts';
import { RatchetTree } from '../../src/tree/ratchet-tree.ts';
import { nodeTreeHash } from '../../src/tree/tree-hash.ts';
import { verifyTreeIntegrity } from '../../src/tree/validate-tree.ts';
import { verifyLeafNodeSignature } from '../../src/validation/leaf-node-signature.ts';
import { DEFAULT_MAX_LEAF_LIFETIME_SECONDS } from '../../src/validation/leaf-node.ts';
import { validateRatchetTree } from '../../src/validation/ratchet-tree.ts';
import { PROVIDERS, expectedHeavySuiteCount, runsHeavySuite } from './providers.ts';

// The vectors' key packages expired in 2024; §7.3 only recommends lifetime checks for leaves in a received tree.
const policy = { validateCredential: () => true, now: 1_700_000_000n, maxLifetimeSeconds: DEFAULT_MAX_LEAF_LIFETIME_SECONDS * 10n };

interface TreeValidationVector {
  cipher_suite: number;
  tree: string;
  group_id: string;
  resolutions: number[][];
  tree_hashes: string[];
}

const vectors = loadVectors<TreeValidationVector[]>('mls/tree-validation.json');

for (const provider of PROVIDERS) {
  const cases = vectors.filter((v) => runsHeavySuite(provider, v.cipher_suite));
  test(`tree-validation.json (${provider.name}): ${cases.length} cases`, () => {
    const suites = new Set<number>();
    for (const [index, v] of cases.entries()) {
      const suite = cipherSuite(v.cipher_suite, provider);
      suites.add(suite.id);
      const what = `case ${index} (suite ${v.cipher_suite})`;
      const tree = RatchetTree.fromNodes(parseRatchetTree(hex(v.tree)));
      assert.equal(tree.nodeCount, v.resolutions.length, `${what} node count`);
      for (let x = 0; x < tree.nodeCount; x++) {
        assert.deepEqual(tree.resolution(x), v.resolutions[x], `${what} resolution of node ${x}`);
        assert.equal(toHex(nodeTreeHash(suite, tree, x)), v.tree_hashes[x], `${what} tree hash of node ${x}`);
      }
      verifyParentHashes(suite, tree);
      verifyTreeIntegrity(tree);
      const groupId = hex(v.group_id);
      for (const [leafIndex, leaf] of tree.occupiedLeaves()) {
        assert.ok(verifyLeafNodeSignature(suite, leaf, { groupId, leafIndex }), `${what} signature of leaf ${leafIndex}`);
      }
      // The whole join-time check (§12.4.3.1), as a joiner with an accepting credential policy runs it.
      const group = { suite, version: 1, groupId, extensions: [] };
      validateRatchetTree(RatchetTree.fromNodes(parseRatchetTree(hex(v.tree))), group, policy, hex(v.tree_hashes[tree.root]!));
    }
    console.log(`tree-validation (${provider.name}): ${cases.length} of ${vectors.length} cases, suites ${[...suites].sort((a, b) => a - b).join(',')}`);
    assert.equal(suites.size, expectedHeavySuiteCount(provider));
  });
}
