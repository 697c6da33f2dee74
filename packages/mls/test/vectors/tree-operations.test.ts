// RFC 9420 §12.1.1-§12.1.3 and §7.7 (Add, Update, Remove applied to the ratchet tree) and
// §7.8 tree hashes, against the official `tree-operations.json` vectors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hex, loadVectors, toHex } from '../../../../tools/testvectors.ts';
import { encode } from '../../src/codec/writer.ts';
import { cipherSuite } from '../../src/crypto/cipher-suite.ts';
import { parseProposal } from '../../src/structs/proposals.ts';
import { encodeRatchetTree, parseRatchetTree } from '../../src/structs/ratchet-tree.ts';
import { RatchetTree } from '../../src/tree/ratchet-tree.ts';
import { treeHash } from '../../src/tree/tree-hash.ts';
import { PROVIDERS } from './providers.ts';

interface TreeOperationsVector {
  cipher_suite: number;
  tree_before: string;
  proposal: string;
  proposal_sender: number;
  tree_hash_before: string;
  tree_after: string;
  tree_hash_after: string;
}

const vectors = loadVectors<TreeOperationsVector[]>('mls/tree-operations.json');

for (const provider of PROVIDERS) {
  test(`tree-operations.json (${provider.name}): ${vectors.length} cases`, () => {
    const kinds: string[] = [];
    for (const [index, v] of vectors.entries()) {
      const suite = cipherSuite(v.cipher_suite, provider);
      const tree = RatchetTree.fromNodes(parseRatchetTree(hex(v.tree_before)));
      assert.equal(toHex(treeHash(suite, tree)), v.tree_hash_before, `case ${index} tree hash before`);
      const proposal = parseProposal(hex(v.proposal));
      kinds.push(proposal.type);
      switch (proposal.type) {
        case 'add':
          tree.addLeaf(proposal.keyPackage.leafNode);
          break;
        case 'update':
          tree.updateLeaf(v.proposal_sender, proposal.leafNode);
          break;
        case 'remove':
          tree.removeLeaf(proposal.removed);
          break;
        default:
          assert.fail(`case ${index}: unexpected proposal ${proposal.type}`);
      }
      assert.equal(toHex(encode(encodeRatchetTree, tree.toNodes())), v.tree_after, `case ${index} (${proposal.type}) tree after`);
      assert.equal(toHex(treeHash(suite, tree)), v.tree_hash_after, `case ${index} (${proposal.type}) tree hash after`);
      // The cache must agree with a tree hashed from scratch.
      const fresh = RatchetTree.fromNodes(tree.toNodes());
      assert.equal(toHex(treeHash(suite, fresh)), v.tree_hash_after, `case ${index} fresh tree hash`);
    }
    console.log(`tree-operations (${provider.name}): ${vectors.length} cases (${kinds.join(', ')})`);
  });
}
