// Not a test: measures the ratchet tree and TreeKEM at N members (default 1024) so
// regressions to O(n^2) show. Run: npx tsx packages/mls/test/tree/measure-1024.ts [N] [suite]
import { nodeProvider } from '@sealed/crypto/node/provider';
import { cipherSuite } from '../../src/crypto/cipher-suite.ts';
import type { GroupContext } from '../../src/structs/group-context.ts';
import type { LeafNode } from '../../src/structs/leaf-node.ts';
import { verifyParentHashes } from '../../src/tree/parent-hash.ts';
import { RatchetTree } from '../../src/tree/ratchet-tree.ts';
import { treeHash } from '../../src/tree/tree-hash.ts';
import { verifyTreeIntegrity } from '../../src/tree/validate-tree.ts';
import { createUpdatePath } from '../../src/treekem/create-update-path.ts';
import { PrivateTree } from '../../src/treekem/private-tree.ts';
import { processUpdatePath } from '../../src/treekem/process-update-path.ts';
import { DEFAULT_MAX_LEAF_LIFETIME_SECONDS, validateLeafNode } from '../../src/validation/leaf-node.ts';
import { MemberIndex } from '../../src/validation/member-index.ts';
import { validateRatchetTree } from '../../src/validation/ratchet-tree.ts';
import { GROUP_ID, makeMember, NOW } from './helpers.ts';

const policy0 = { validateCredential: () => true, now: NOW, maxLifetimeSeconds: DEFAULT_MAX_LEAF_LIFETIME_SECONDS };
const n = Number(process.argv[2] ?? 1024);
const suite = cipherSuite(Number(process.argv[3] ?? 1), nodeProvider);
const context: Omit<GroupContext, 'treeHash'> = { version: 1, cipherSuite: suite.id, groupId: GROUP_ID, epoch: 1n, confirmedTranscriptHash: new Uint8Array(32), extensions: [] };

function time<T>(label: string, run: () => T): T {
  const start = performance.now();
  const out = run();
  console.log(`${label}: ${(performance.now() - start).toFixed(2)} ms`);
  return out;
}

const members = Array.from({ length: n }, () => makeMember({ suite }));
const leaves: LeafNode[] = members.map((m) => m.leafNode);
const tree = time(`add ${n - 1} leaves`, () => {
  const t = RatchetTree.withFirstLeaf(leaves[0]!);
  for (const leaf of leaves.slice(1)) t.addLeaf(leaf);
  return t;
});
const rootHash = time('tree hash (cold)', () => treeHash(suite, tree));
time('validateRatchetTree of the joined tree (as a Welcome joiner)', () =>
  validateRatchetTree(RatchetTree.fromNodes(tree.toNodes()), { suite, version: 1, groupId: GROUP_ID, extensions: [] }, policy0, rootHash),
);
time('tree hash (cold, again)', () => treeHash(suite, RatchetTree.fromNodes(tree.toNodes())));
const members1 = time('MemberIndex.build', () => MemberIndex.of(tree));
const policy = { validateCredential: () => true, now: NOW, maxLifetimeSeconds: DEFAULT_MAX_LEAF_LIFETIME_SECONDS };
time(`validate ${n} key packages' leaves`, () => {
  const extra = makeMember({ suite });
  for (let i = 0; i < n; i++) validateLeafNode(extra.leafNode, { kind: 'key_package' }, { suite, version: 1, groupId: GROUP_ID, extensions: [] }, tree, members1, policy);
});

// Every member commits once so the tree fills with parent nodes.
const privates = members.map((m, i) => PrivateTree.forLeaf(i, { privateKey: m.encryptionPrivateKey, publicKey: m.leafNode.encryptionKey }));
let current = tree;
const created = time('createUpdatePath by leaf 0 (full resolution)', () =>
  createUpdatePath({ suite, tree: current.clone(), leafIndex: 0, signaturePrivateKey: members[0]!.signaturePrivateKey, context }),
);
const next = current.clone();
time('processUpdatePath by the last leaf', () =>
  processUpdatePath({ suite, tree: next, sender: 0, updatePath: created.updatePath, context, privateTree: privates[n - 1]! }),
);
privates[1] = processUpdatePath({ suite, tree: current.clone(), sender: 0, updatePath: created.updatePath, context, privateTree: privates[1]! }).privateTree;
current = next;
time('tree hash after commit (warm cache)', () => treeHash(suite, current));
time('verifyParentHashes', () => verifyParentHashes(suite, current));
time('verifyTreeIntegrity', () => verifyTreeIntegrity(current));
time('verifyTreeIntegrity (again)', () => verifyTreeIntegrity(current));
time('MemberIndex.build (again)', () => MemberIndex.of(current));
const sender = n >> 1;
const second = time(`createUpdatePath by leaf ${sender}`, () =>
  createUpdatePath({ suite, tree: current.clone(), leafIndex: sender, signaturePrivateKey: members[sender]!.signaturePrivateKey, context }),
);
time('clone + processUpdatePath by leaf 1', () => processUpdatePath({ suite, tree: current.clone(), sender, updatePath: second.updatePath, context, privateTree: privates[1]! }));
