// RFC 9420 §7.4-§7.6 TreeKEM (UpdatePath processing and creation, parent hashes, commit
// secrets) against the official `treekem.json` vectors, for every case, suite and provider.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hex, loadVectors, toHex } from '../../../../tools/testvectors.ts';
import { type CipherSuite, cipherSuite } from '../../src/crypto/cipher-suite.ts';
import { hpkeSuiteOf } from '../../src/crypto/hpke.ts';
import { decode } from '../../src/codec/reader.ts';
import type { GroupContext } from '../../src/structs/group-context.ts';
import { decodeUpdatePath, parseRatchetTree } from '../../src/structs/ratchet-tree.ts';
import { RatchetTree } from '../../src/tree/ratchet-tree.ts';
import { treeHash } from '../../src/tree/tree-hash.ts';
import { createUpdatePath } from '../../src/treekem/create-update-path.ts';
import { nodeKeyPair } from '../../src/treekem/path-secrets.ts';
import { PrivateTree } from '../../src/treekem/private-tree.ts';
import { processUpdatePath } from '../../src/treekem/process-update-path.ts';
import { verifyLeafNodeSignature } from '../../src/validation/leaf-node-signature.ts';
import { PROVIDERS, expectedHeavySuiteCount, runsHeavySuite } from './providers.ts';

interface TreeKemVector {
  cipher_suite: number;
  group_id: string;
  epoch: number;
  confirmed_transcript_hash: string;
  ratchet_tree: string;
  leaves_private: { index: number; encryption_priv: string; signature_priv: string; path_secrets: { node: number; path_secret: string }[] }[];
  update_paths: { sender: number; update_path: string; path_secrets: (string | null)[]; commit_secret: string; tree_hash_after: string }[];
}

const vectors = loadVectors<TreeKemVector[]>('mls/treekem.json');

function privateTreeOf(suite: CipherSuite, tree: RatchetTree, leaf: TreeKemVector['leaves_private'][number]): PrivateTree {
  const kem = hpkeSuiteOf(suite).kem;
  const leafPrivate = hex(leaf.encryption_priv);
  const privateTree = PrivateTree.forLeaf(leaf.index, { privateKey: leafPrivate, publicKey: kem.publicKeyFromPrivate(suite.provider, leafPrivate) });
  for (const { node, path_secret } of leaf.path_secrets) privateTree.setKeyPair(node, nodeKeyPair(suite, hex(path_secret)));
  privateTree.verifyAgainst(suite, tree);
  return privateTree;
}

for (const provider of PROVIDERS) {
  const cases = vectors.filter((v) => runsHeavySuite(provider, v.cipher_suite));
  test(`treekem.json (${provider.name}): ${cases.length} cases`, () => {
    const suites = new Set<number>();
    let processed = 0;
    for (const [index, v] of cases.entries()) {
      const suite = cipherSuite(v.cipher_suite, provider);
      suites.add(suite.id);
      const what = `case ${index} (suite ${v.cipher_suite})`;
      const tree = RatchetTree.fromNodes(parseRatchetTree(hex(v.ratchet_tree)));
      const privates = new Map(v.leaves_private.map((leaf) => [leaf.index, privateTreeOf(suite, tree, leaf)]));
      const context: Omit<GroupContext, 'treeHash'> = {
        version: 1,
        cipherSuite: suite.id,
        groupId: hex(v.group_id),
        epoch: BigInt(v.epoch),
        confirmedTranscriptHash: hex(v.confirmed_transcript_hash),
        extensions: [],
      };

      for (const u of v.update_paths) {
        const updatePath = decode(decodeUpdatePath, hex(u.update_path), 'UpdatePath');
        assert.ok(verifyLeafNodeSignature(suite, updatePath.leafNode, { groupId: context.groupId, leafIndex: u.sender }), `${what} sender ${u.sender} leaf signature`);
        let merged: RatchetTree | undefined;
        for (const [leafIndex] of tree.occupiedLeaves()) {
          if (leafIndex === u.sender) continue;
          const mine = privates.get(leafIndex);
          assert.ok(mine !== undefined, `${what} private state of leaf ${leafIndex}`);
          const copy = tree.clone();
          const result = processUpdatePath({ suite, tree: copy, sender: u.sender, updatePath, context, privateTree: mine });
          assert.equal(toHex(result.pathSecret), u.path_secrets[leafIndex], `${what} sender ${u.sender}, leaf ${leafIndex} path secret`);
          assert.equal(toHex(result.commitSecret), u.commit_secret, `${what} sender ${u.sender}, leaf ${leafIndex} commit secret`);
          assert.equal(toHex(treeHash(suite, copy)), u.tree_hash_after, `${what} sender ${u.sender} tree hash after`);
          result.privateTree.verifyAgainst(suite, copy);
          merged = copy;
          processed++;
        }
        assert.ok(merged !== undefined, `${what}: at least one receiver`);

        // A fresh UpdatePath from the same sender: every other member derives the same commit secret.
        const senderPrivate = v.leaves_private.find((leaf) => leaf.index === u.sender)!;
        const created = createUpdatePath({ suite, tree: tree.clone(), leafIndex: u.sender, signaturePrivateKey: hex(senderPrivate.signature_priv), context });
        for (const [leafIndex] of tree.occupiedLeaves()) {
          if (leafIndex === u.sender) continue;
          const result = processUpdatePath({ suite, tree: tree.clone(), sender: u.sender, updatePath: created.updatePath, context, privateTree: privates.get(leafIndex)! });
          assert.equal(toHex(result.commitSecret), toHex(created.commitSecret), `${what} new path from ${u.sender}, leaf ${leafIndex} commit secret`);
        }
      }
    }
    console.log(`treekem (${provider.name}): ${cases.length} of ${vectors.length} cases, ${processed} UpdatePaths processed, suites ${[...suites].sort((a, b) => a - b).join(',')}`);
    assert.equal(suites.size, expectedHeavySuiteCount(provider));
  });
}
