// TreeKEM (RFC 9420 §7.4-§7.6, §12.4.3.1): UpdatePaths between members of a real tree,
// new members excluded from resolutions, and a typed error for every malformed path.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { toHex } from '../../../../tools/testvectors.ts';
import { encryptWithLabel, hpkeSuiteOf } from '../../src/crypto/hpke.ts';
import type { GroupContext } from '../../src/structs/group-context.ts';
import type { UpdatePath } from '../../src/structs/ratchet-tree.ts';
import { verifyParentHashes } from '../../src/tree/parent-hash.ts';
import { RatchetTree } from '../../src/tree/ratchet-tree.ts';
import { treeHash } from '../../src/tree/tree-hash.ts';
import { createUpdatePath, pathSecretForNewMember, UPDATE_PATH_NODE_LABEL } from '../../src/treekem/create-update-path.ts';
import { TreeKemError, type TreeKemErrorCode } from '../../src/treekem/errors.ts';
import { commitSecretFrom } from '../../src/treekem/path-secrets.ts';
import { PrivateTree } from '../../src/treekem/private-tree.ts';
import { processUpdatePath } from '../../src/treekem/process-update-path.ts';
import { GROUP_ID, makeMember, type Member, SUITE } from './helpers.ts';

const context: Omit<GroupContext, 'treeHash'> = { version: 1, cipherSuite: SUITE.id, groupId: GROUP_ID, epoch: 1n, confirmedTranscriptHash: new Uint8Array(32), extensions: [] };
const kem = hpkeSuiteOf(SUITE).kem;

interface Group {
  tree: RatchetTree;
  members: Member[];
  privates: Map<number, PrivateTree>;
}

function groupOf(size: number): Group {
  const members = Array.from({ length: size }, () => makeMember());
  const tree = RatchetTree.withFirstLeaf(members[0]!.leafNode);
  for (const m of members.slice(1)) tree.addLeaf(m.leafNode);
  const privates = new Map(members.map((m, i) => [i, PrivateTree.forLeaf(i, { privateKey: m.encryptionPrivateKey, publicKey: m.leafNode.encryptionKey })]));
  return { tree, members, privates };
}

/** Sender commits with a path; everyone else processes it; all must agree. */
function commitRound(group: Group, sender: number): Uint8Array {
  const created = createUpdatePath({ suite: SUITE, tree: group.tree.clone(), leafIndex: sender, signaturePrivateKey: group.members[sender]!.signaturePrivateKey, context });
  let after: RatchetTree | undefined;
  for (const [leafIndex] of group.tree.occupiedLeaves()) {
    if (leafIndex === sender) continue;
    const copy = group.tree.clone();
    const result = processUpdatePath({ suite: SUITE, tree: copy, sender, updatePath: created.updatePath, context, privateTree: group.privates.get(leafIndex)! });
    assert.equal(toHex(result.commitSecret), toHex(created.commitSecret), `leaf ${leafIndex} agrees with committer ${sender}`);
    result.privateTree.verifyAgainst(SUITE, copy);
    group.privates.set(leafIndex, result.privateTree);
    after = copy;
  }
  group.privates.set(sender, created.privateTree);
  group.tree = after!;
  verifyParentHashes(SUITE, group.tree);
  return created.commitSecret;
}

function expectTreeKemError(run: () => void, code: TreeKemErrorCode): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof TreeKemError, `expected TreeKemError(${code}), got ${String(error)}`);
    assert.equal(error.code, code);
    return true;
  });
}

describe('TreeKEM between members', () => {
  test('successive commits by different members: everyone derives the same commit secret, parent hashes stay valid', () => {
    const group = groupOf(6);
    const secrets = new Set<string>();
    for (const sender of [0, 3, 5, 1, 3, 4]) secrets.add(toHex(commitRound(group, sender)));
    assert.equal(secrets.size, 6);
  });

  test('a member added by the commit is left out of the resolutions and joins with the Welcome path secret', () => {
    const group = groupOf(3);
    commitRound(group, 0);
    const newcomer = makeMember();
    const tree = group.tree.clone();
    const added = tree.addLeaf(newcomer.leafNode);
    const addedLeaves = new Set([added]);
    const beforePath = tree.clone();
    const created = createUpdatePath({ suite: SUITE, tree, leafIndex: 0, signaturePrivateKey: group.members[0]!.signaturePrivateKey, context, addedLeaves });
    for (const node of created.updatePath.nodes) assert.ok(node.encryptedPathSecret.length >= 1);
    for (const leafIndex of [1, 2]) {
      const result = processUpdatePath({ suite: SUITE, tree: beforePath.clone(), sender: 0, updatePath: created.updatePath, context, privateTree: group.privates.get(leafIndex)!, addedLeaves });
      assert.equal(toHex(result.commitSecret), toHex(created.commitSecret));
    }
    const joinerView = PrivateTree.forLeaf(added, { privateKey: newcomer.encryptionPrivateKey, publicKey: newcomer.leafNode.encryptionKey });
    expectTreeKemError(
      () => processUpdatePath({ suite: SUITE, tree: beforePath.clone(), sender: 0, updatePath: created.updatePath, context, privateTree: joinerView, addedLeaves }),
      'not-a-member',
    );
    // Welcome: the path secret of the lowest filtered-path node above the joiner.
    const pathSecret = pathSecretForNewMember(tree, created, added)!;
    const start = created.pathSecrets.find((p) => p.pathSecret === pathSecret)!.node;
    const rootSecret = joinerView.setPathSecret(SUITE, tree, start, pathSecret);
    assert.equal(toHex(commitSecretFrom(SUITE, rootSecret)), toHex(created.commitSecret));
    joinerView.verifyAgainst(SUITE, tree);
  });

  test('private view: a wrong Welcome path secret is refused and stores nothing; prune drops keys of blanked nodes', () => {
    const group = groupOf(4);
    commitRound(group, 0);
    const view = group.privates.get(1)!.clone();
    const before = view.nodes();
    assert.ok(before.length > 1, 'leaf 1 learnt path keys');
    expectTreeKemError(() => view.setPathSecret(SUITE, group.tree, before[1]!, new Uint8Array(32).fill(1)), 'public-key-mismatch');
    assert.deepEqual(view.nodes(), before);
    const tree = group.tree.clone();
    tree.updateLeaf(1, makeMember().leafNode);
    view.prune(SUITE, tree);
    assert.deepEqual(view.nodes(), [], 'the replaced leaf key and the blanked path keys are gone');
    const other = group.privates.get(2)!.clone();
    other.prune(SUITE, group.tree);
    assert.deepEqual(other.nodes(), group.privates.get(2)!.nodes(), 'nothing outdated, nothing dropped');
  });

  test('a copath subtree holding only new members stays in the path with no ciphertext (§4.1.2, §7.6)', () => {
    const group = groupOf(2);
    const newcomer = makeMember();
    const tree = group.tree.clone();
    const added = tree.addLeaf(newcomer.leafNode);
    assert.equal(added, 2);
    const addedLeaves = new Set([added]);
    const beforePath = tree.clone();
    const created = createUpdatePath({ suite: SUITE, tree, leafIndex: 0, signaturePrivateKey: group.members[0]!.signaturePrivateKey, context, addedLeaves });
    assert.deepEqual(created.pathSecrets.map((p) => p.node), [1, 3]);
    assert.deepEqual(created.updatePath.nodes.map((n) => n.encryptedPathSecret.length), [1, 0]);
    const result = processUpdatePath({ suite: SUITE, tree: beforePath.clone(), sender: 0, updatePath: created.updatePath, context, privateTree: group.privates.get(1)!, addedLeaves });
    assert.equal(toHex(result.commitSecret), toHex(created.commitSecret));
    // The joiner gets the path secret of the lowest common ancestor (node 3) in its Welcome.
    assert.equal(pathSecretForNewMember(tree, created, added), created.pathSecrets[1]!.pathSecret);
    const joinerView = PrivateTree.forLeaf(added, { privateKey: newcomer.encryptionPrivateKey, publicKey: newcomer.leafNode.encryptionKey });
    const rootSecret = joinerView.setPathSecret(SUITE, tree, 3, created.pathSecrets[1]!.pathSecret);
    assert.equal(toHex(commitSecretFrom(SUITE, rootSecret)), toHex(created.commitSecret));
    // Without the added set the receiver expects a ciphertext for the new leaf and rejects the path.
    expectTreeKemError(
      () => processUpdatePath({ suite: SUITE, tree: beforePath.clone(), sender: 0, updatePath: created.updatePath, context, privateTree: group.privates.get(1)! }),
      'ciphertext-count-mismatch',
    );
  });

  test('a commit in a one-member group has an empty path', () => {
    const group = groupOf(1);
    const created = createUpdatePath({ suite: SUITE, tree: group.tree.clone(), leafIndex: 0, signaturePrivateKey: group.members[0]!.signaturePrivateKey, context });
    assert.equal(created.updatePath.nodes.length, 0);
    assert.equal(created.commitSecret.length, SUITE.Nh);
  });

  test('private keys never reach JSON or inspection', () => {
    const group = groupOf(2);
    const view = group.privates.get(0)!;
    const secretHex = toHex(group.members[0]!.encryptionPrivateKey);
    assert.equal(JSON.stringify({ view }), '{"view":"[PrivateTree]"}');
    assert.ok(!inspect(view, { depth: 5 }).includes(secretHex));
    assert.ok(!inspect(view, { depth: 5 }).toLowerCase().includes(secretHex.slice(0, 16)));
  });
});

describe('malformed UpdatePaths are rejected with typed errors and change nothing', () => {
  const group = groupOf(5);
  commitRound(group, 2);
  const sender = 0;
  const created = createUpdatePath({ suite: SUITE, tree: group.tree.clone(), leafIndex: sender, signaturePrivateKey: group.members[sender]!.signaturePrivateKey, context });
  const good = created.updatePath;
  const receiver = 4;

  function process(updatePath: UpdatePath, options: { receiver?: number; sender?: number } = {}): void {
    const me = options.receiver ?? receiver;
    const view = group.privates.get(me)!;
    const keysBefore = view.nodes().map((x) => toHex(view.privateKey(x)!));
    const hashBefore = toHex(treeHash(SUITE, group.tree));
    try {
      processUpdatePath({ suite: SUITE, tree: group.tree.clone(), sender: options.sender ?? sender, updatePath, context, privateTree: view });
    } finally {
      assert.deepEqual(view.nodes().map((x) => toHex(view.privateKey(x)!)), keysBefore, 'private view unchanged');
      assert.equal(toHex(treeHash(SUITE, group.tree)), hashBefore, 'original tree unchanged');
    }
  }

  test('the untouched path is accepted', () => process(good));

  test('too few or too many path nodes', () => {
    expectTreeKemError(() => process({ ...good, nodes: good.nodes.slice(1) }), 'path-length-mismatch');
    expectTreeKemError(() => process({ ...good, nodes: [...good.nodes, good.nodes[0]!] }), 'path-length-mismatch');
  });

  test('a ciphertext missing from a node', () => {
    const nodes = good.nodes.map((n, i) => (i === good.nodes.length - 1 ? { ...n, encryptedPathSecret: n.encryptedPathSecret.slice(1) } : n));
    expectTreeKemError(() => process({ ...good, nodes }), 'ciphertext-count-mismatch');
  });

  test('a leaf that is not a commit leaf', () => {
    expectTreeKemError(() => process({ ...good, leafNode: { ...good.leafNode, source: { type: 'update' } } }), 'wrong-leaf-node-source');
  });

  test('a replaced path key breaks the parent hash chain', () => {
    const other = kem.generateKeyPair(SUITE.provider).publicKey;
    const nodes = good.nodes.map((n, i) => (i === good.nodes.length - 1 ? { ...n, encryptionKey: other } : n));
    expectTreeKemError(() => process({ ...good, nodes }), 'parent-hash-mismatch');
  });

  test('a path key that another node already has', () => {
    const taken = group.tree.leaf(receiver)!.encryptionKey;
    const nodes = good.nodes.map((n, i) => (i === 0 ? { ...n, encryptionKey: taken } : n));
    expectTreeKemError(() => process({ ...good, nodes }), 'duplicate-encryption-key');
  });

  test('an altered ciphertext does not decrypt', () => {
    const nodes = good.nodes.map((n) => ({
      ...n,
      encryptedPathSecret: n.encryptedPathSecret.map((c) => {
        const ciphertext = c.ciphertext.slice();
        ciphertext[0]! ^= 1;
        return { ...c, ciphertext };
      }),
    }));
    expectTreeKemError(() => process({ ...good, nodes }), 'decrypt-failed');
  });

  test('a path secret that does not match the sent public keys', () => {
    // A dishonest committer encrypts an unrelated secret to us under the right context.
    const path = group.tree.filteredDirectPath(sender);
    const i = path.findIndex((e) => group.tree.inSubtree(2 * receiver, e.copathChild));
    const bogus = encryptWithLabel(SUITE, group.tree.leaf(receiver)!.encryptionKey, UPDATE_PATH_NODE_LABEL, created.groupContext, new Uint8Array(32).fill(7));
    const slot = group.tree.resolution(path[i]!.copathChild).indexOf(2 * receiver);
    assert.ok(slot >= 0, 'receiver is addressed directly by its leaf key');
    const nodes = good.nodes.map((n, k) => (k === i ? { ...n, encryptedPathSecret: n.encryptedPathSecret.map((c, s) => (s === slot ? bogus : c)) } : n));
    expectTreeKemError(() => process({ ...good, nodes }), 'public-key-mismatch');
  });

  test('processing our own commit, or a commit from a blank leaf', () => {
    expectTreeKemError(() => process(good, { receiver: sender }), 'not-a-member');
    const tree = group.tree.clone();
    tree.removeLeaf(3);
    expectTreeKemError(
      () => processUpdatePath({ suite: SUITE, tree, sender: 3, updatePath: good, context, privateTree: group.privates.get(receiver)! }),
      'blank-sender',
    );
  });
});
