// LeafNode (RFC 9420 §7.3) and KeyPackage (§10.1) validation: one test per rule, each
// feeding a violating input and checking the typed error and its values.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { requiredCapabilitiesExtension } from '../../src/structs/extensions.ts';
import type { KeyPackage } from '../../src/structs/key-package.ts';
import type { LeafNode } from '../../src/structs/leaf-node.ts';
import { RatchetTree } from '../../src/tree/ratchet-tree.ts';
import { rejectAllCredentials } from '../../src/validation/credential.ts';
import { type ValidationErrorCode, ValidationError } from '../../src/validation/errors.ts';
import { validateKeyPackage } from '../../src/validation/key-package.ts';
import { DEFAULT_MAX_LEAF_LIFETIME_SECONDS, type GroupParameters, type LeafNodeUse, type LeafValidationPolicy, validateLeafNode } from '../../src/validation/leaf-node.ts';
import { MemberIndex } from '../../src/validation/member-index.ts';
import { validateRatchetTree } from '../../src/validation/ratchet-tree.ts';
import { TreeError } from '../../src/tree/errors.ts';
import { treeHash } from '../../src/tree/tree-hash.ts';
import { GROUP_ID, makeMember, type Member, NOW, SUITE, updateLeaf } from './helpers.ts';

const acceptAll: LeafValidationPolicy = { validateCredential: () => true, now: NOW, maxLifetimeSeconds: DEFAULT_MAX_LEAF_LIFETIME_SECONDS };
const group: GroupParameters = { suite: SUITE, version: 1, groupId: GROUP_ID, extensions: [] };

function twoMembers(): { tree: RatchetTree; a: Member; b: Member } {
  const a = makeMember();
  const b = makeMember();
  const tree = RatchetTree.withFirstLeaf(a.leafNode);
  tree.addLeaf(b.leafNode);
  return { tree, a, b };
}

function expectCode(run: () => void, code: ValidationErrorCode, values?: Record<string, unknown>): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ValidationError, `expected ValidationError, got ${String(error)}`);
    assert.equal(error.code, code);
    if (values !== undefined) for (const [k, v] of Object.entries(values)) assert.deepEqual((error.values as Record<string, unknown>)[k], v, k);
    return true;
  });
}

function addKeyPackage(kp: KeyPackage, tree: RatchetTree, options: { policy?: LeafValidationPolicy; group?: GroupParameters } = {}): void {
  validateKeyPackage(kp, options.group ?? group, tree, MemberIndex.of(tree), options.policy ?? acceptAll);
}

function useLeaf(leaf: LeafNode, use: LeafNodeUse, tree: RatchetTree, policy: LeafValidationPolicy = acceptAll, g: GroupParameters = group): void {
  validateLeafNode(leaf, use, g, tree, MemberIndex.of(tree), policy);
}

describe('KeyPackage validation (§10.1)', () => {
  test('a valid KeyPackage passes', () => {
    const { tree } = twoMembers();
    addKeyPackage(makeMember().keyPackage, tree);
  });

  test('the default credential validator rejects', () => {
    const { tree } = twoMembers();
    expectCode(() => addKeyPackage(makeMember().keyPackage, tree, { policy: { ...acceptAll, validateCredential: rejectAllCredentials } }), 'credential-rejected', { credentialType: 1 });
  });

  test('the validator sees the credential and signature key', () => {
    const { tree } = twoMembers();
    const c = makeMember({ identity: 'carol/phone' });
    let seen: string | undefined;
    addKeyPackage(c.keyPackage, tree, {
      policy: {
        ...acceptAll,
        validateCredential: ({ credential, signatureKey }) => {
          seen = credential.type === 'basic' ? new TextDecoder().decode(credential.identity) : undefined;
          return SUITE.provider.constantTimeEqual(signatureKey, c.leafNode.signatureKey);
        },
      },
    });
    assert.equal(seen, 'carol/phone');
  });

  test('a version or cipher suite other than the group is rejected', () => {
    const { tree } = twoMembers();
    const c = makeMember();
    expectCode(() => addKeyPackage({ ...c.keyPackage, version: 2 }, tree), 'version-mismatch', { expected: 1, actual: 2 });
    expectCode(() => addKeyPackage({ ...c.keyPackage, cipherSuite: 3 }, tree), 'cipher-suite-mismatch', { expected: 1, actual: 3 });
  });

  test('an altered KeyPackage fails its signature', () => {
    const { tree } = twoMembers();
    const c = makeMember();
    const d = makeMember();
    expectCode(() => addKeyPackage({ ...c.keyPackage, initKey: d.keyPackage.initKey }, tree), 'invalid-signature', { object: 'key-package' });
  });

  test('init_key equal to the encryption key is rejected', () => {
    const { tree } = twoMembers();
    const c = makeMember();
    const same = makeMember({ signaturePrivateKey: c.signaturePrivateKey, initKey: c.leafNode.encryptionKey, encryption: { privateKey: c.encryptionPrivateKey, publicKey: c.leafNode.encryptionKey } });
    expectCode(() => addKeyPackage(same.keyPackage, tree), 'init-key-equals-encryption-key');
  });

  test('a correctly signed KeyPackage whose init_key or encryption_key is not an HPKE public key of the KEM is rejected', () => {
    // Found by fuzzing: without this check such a key package entered the tree and made every
    // later Welcome or UpdatePath encryption fail with an untyped error.
    const { tree } = twoMembers();
    const emptyInit = makeMember({ initKey: new Uint8Array(0) });
    expectCode(() => addKeyPackage(emptyInit.keyPackage, tree), 'invalid-hpke-public-key', { object: 'init-key', expected: 32, actual: 0 });
    const c = makeMember();
    const shortEncryption = makeMember({ encryption: { privateKey: c.encryptionPrivateKey, publicKey: c.leafNode.encryptionKey.subarray(0, 3) } });
    expectCode(() => addKeyPackage(shortEncryption.keyPackage, tree), 'invalid-hpke-public-key', { object: 'encryption-key', expected: 32, actual: 3 });
  });

  test('a KeyPackage extension missing from the capabilities is rejected, GREASE and defaults are not', () => {
    const { tree } = twoMembers();
    const bad = makeMember({ keyPackageExtensions: [{ extensionType: 0xff00, extensionData: new Uint8Array() }] });
    expectCode(() => addKeyPackage(bad.keyPackage, tree), 'extension-not-in-capabilities', { extensionType: 0xff00, object: 'key-package' });
    const fine = makeMember({ keyPackageExtensions: [{ extensionType: 0x0a0a, extensionData: new Uint8Array() }, { extensionType: 1, extensionData: new Uint8Array([0]) }] });
    addKeyPackage(fine.keyPackage, tree);
    const listed = makeMember({ capabilities: { extensions: [0xff00] }, keyPackageExtensions: [{ extensionType: 0xff00, extensionData: new Uint8Array() }] });
    addKeyPackage(listed.keyPackage, tree);
  });
});

describe('LeafNode validation (§7.3)', () => {
  test('a forged leaf signature is rejected', () => {
    const { tree } = twoMembers();
    const c = makeMember();
    const forged: LeafNode = { ...c.leafNode, signatureKey: makeMember().leafNode.signatureKey };
    expectCode(() => useLeaf(forged, { kind: 'key_package' }, tree), 'invalid-signature', { object: 'leaf-node' });
  });

  test('lifetime: expired, not yet valid, too long', () => {
    const { tree } = twoMembers();
    const expired = makeMember({ source: { type: 'key_package', lifetime: { notBefore: NOW - 100n, notAfter: NOW - 1n } } });
    expectCode(() => addKeyPackage(expired.keyPackage, tree), 'lifetime-not-current', { now: NOW, notAfter: NOW - 1n });
    const early = makeMember({ source: { type: 'key_package', lifetime: { notBefore: NOW + 1n, notAfter: NOW + 100n } } });
    expectCode(() => addKeyPackage(early.keyPackage, tree), 'lifetime-not-current', { notBefore: NOW + 1n });
    const long = makeMember({ source: { type: 'key_package', lifetime: { notBefore: 0n, notAfter: 2n ** 64n - 1n } } });
    expectCode(() => addKeyPackage(long.keyPackage, tree), 'lifetime-too-long', { maxSeconds: DEFAULT_MAX_LEAF_LIFETIME_SECONDS });
    addKeyPackage(long.keyPackage, tree, { policy: { ...acceptAll, maxLifetimeSeconds: 2n ** 64n } });
  });

  test('lifetime of a leaf already in a tree is checked only when the policy asks', () => {
    const expired = makeMember({ source: { type: 'key_package', lifetime: { notBefore: NOW - 100n, notAfter: NOW - 1n } } });
    const tree = RatchetTree.withFirstLeaf(makeMember().leafNode);
    tree.addLeaf(expired.leafNode);
    useLeaf(expired.leafNode, { kind: 'tree', leafIndex: 1 }, tree);
    expectCode(() => useLeaf(expired.leafNode, { kind: 'tree', leafIndex: 1 }, tree, { ...acceptAll, checkTreeLifetimes: true }), 'lifetime-not-current');
  });

  test('the group version and cipher suite must be in the capabilities', () => {
    const { tree } = twoMembers();
    expectCode(() => addKeyPackage(makeMember({ capabilities: { versions: [2] } }).keyPackage, tree), 'unsupported-group-parameter', { kind: 'version', value: 1 });
    expectCode(() => addKeyPackage(makeMember({ capabilities: { cipherSuites: [2] } }).keyPackage, tree), 'unsupported-group-parameter', { kind: 'cipher-suite', value: 1 });
  });

  test('required capabilities must be listed', () => {
    const { tree } = twoMembers();
    const required = (extensionTypes: number[], proposalTypes: number[], credentialTypes: number[]): GroupParameters => ({
      ...group,
      extensions: [requiredCapabilitiesExtension({ extensionTypes, proposalTypes, credentialTypes })],
    });
    const plain = makeMember().keyPackage;
    expectCode(() => addKeyPackage(plain, tree, { group: required([0xff01], [], []) }), 'missing-required-capability', { kind: 'extension', type: 0xff01 });
    expectCode(() => addKeyPackage(plain, tree, { group: required([], [0xff02], []) }), 'missing-required-capability', { kind: 'proposal', type: 0xff02 });
    expectCode(() => addKeyPackage(plain, tree, { group: required([], [], [2]) }), 'missing-required-capability', { kind: 'credential', type: 2 });
    // Default types need not be listed.
    addKeyPackage(plain, tree, { group: required([2, 3], [1, 7], [1]) });
    const capable = makeMember({ capabilities: { extensions: [0xff01], proposals: [0xff02], credentials: [1, 2] } }).keyPackage;
    addKeyPackage(capable, tree, { group: required([0xff01], [0xff02], [2]) });
  });

  test('a non-default GroupContext extension must be supported', () => {
    const { tree } = twoMembers();
    const g = { ...group, extensions: [{ extensionType: 0xff03, extensionData: new Uint8Array() }] };
    expectCode(() => addKeyPackage(makeMember().keyPackage, tree, { group: g }), 'unsupported-group-extension', { extensionType: 0xff03 });
    addKeyPackage(makeMember({ capabilities: { extensions: [0xff03] } }).keyPackage, tree, { group: g });
  });

  test("the leaf's credential type and extensions must be in its own capabilities", () => {
    const { tree } = twoMembers();
    const x509 = makeMember({ credential: { type: 'x509', certificates: [new Uint8Array([1])] } });
    expectCode(() => addKeyPackage(x509.keyPackage, tree), 'credential-type-not-in-capabilities', { credentialType: 2 });
    const ext = makeMember({ extensions: [{ extensionType: 0xff04, extensionData: new Uint8Array() }] });
    expectCode(() => addKeyPackage(ext.keyPackage, tree), 'extension-not-in-capabilities', { extensionType: 0xff04, object: 'leaf-node' });
  });

  test('credential types: supported by every member, and the leaf supports those in use', () => {
    const { tree } = twoMembers();
    // x509 credential: members 0 and 1 list only basic.
    const x509 = makeMember({ credential: { type: 'x509', certificates: [new Uint8Array([1])] }, capabilities: { credentials: [1, 2] } });
    expectCode(() => addKeyPackage(x509.keyPackage, tree), 'credential-type-unsupported-by-member', { credentialType: 2, leafIndex: 0 });
    // A tree whose members use x509; a newcomer that only supports basic.
    const tree2 = RatchetTree.withFirstLeaf(x509.leafNode);
    tree2.addLeaf(makeMember({ capabilities: { credentials: [1, 2] } }).leafNode);
    expectCode(() => addKeyPackage(makeMember().keyPackage, tree2), 'credential-type-in-use-unsupported', { credentialType: 2 });
    addKeyPackage(makeMember({ capabilities: { credentials: [1, 2] } }).keyPackage, tree2);
  });

  test('leaf_node_source must match where the leaf appears', () => {
    const { tree, b } = twoMembers();
    const update = updateLeaf(SUITE, { ...b, leafNode: makeMember({ signaturePrivateKey: b.signaturePrivateKey }).leafNode }, 1);
    expectCode(() => useLeaf(update, { kind: 'key_package' }, tree), 'wrong-leaf-node-source', { expected: 'key_package', actual: 'update' });
    expectCode(() => useLeaf(update, { kind: 'commit', leafIndex: 1 }, tree), 'wrong-leaf-node-source', { expected: 'commit', actual: 'update' });
    expectCode(() => useLeaf(b.leafNode, { kind: 'update', leafIndex: 1 }, tree), 'wrong-leaf-node-source', { expected: 'update', actual: 'key_package' });
    useLeaf(update, { kind: 'update', leafIndex: 1 }, tree);
  });

  test('an update signed for another leaf index or group fails its signature', () => {
    const { tree, b } = twoMembers();
    const fresh = makeMember({ signaturePrivateKey: b.signaturePrivateKey });
    const forLeaf0 = updateLeaf(SUITE, { ...b, leafNode: fresh.leafNode }, 0);
    expectCode(() => useLeaf(forLeaf0, { kind: 'update', leafIndex: 1 }, tree), 'invalid-signature', { leafIndex: 1 });
    const update = updateLeaf(SUITE, { ...b, leafNode: fresh.leafNode }, 1);
    expectCode(() => useLeaf(update, { kind: 'update', leafIndex: 1 }, tree, acceptAll, { ...group, groupId: new Uint8Array([9]) }), 'invalid-signature');
  });

  test('an update must change the encryption key and must come from a non-blank leaf', () => {
    const { tree, b } = twoMembers();
    const same = updateLeaf(SUITE, b, 1);
    expectCode(() => useLeaf(same, { kind: 'update', leafIndex: 1 }, tree), 'encryption-key-unchanged', { leafIndex: 1 });
    const fresh = updateLeaf(SUITE, { ...b, leafNode: makeMember({ signaturePrivateKey: b.signaturePrivateKey }).leafNode }, 1);
    tree.addLeaf(makeMember().leafNode);
    tree.removeLeaf(2);
    expectCode(() => useLeaf(fresh, { kind: 'update', leafIndex: 3 }, tree), 'blank-leaf', { leafIndex: 3 });
  });

  test('encryption and signature keys must be unique in the tree', () => {
    const { tree, a, b } = twoMembers();
    const reusedEncryption = makeMember({ encryption: { privateKey: a.encryptionPrivateKey, publicKey: a.leafNode.encryptionKey } });
    expectCode(() => addKeyPackage(reusedEncryption.keyPackage, tree), 'duplicate-encryption-key', { nodeIndex: 0 });
    const reusedSignature = makeMember({ signaturePrivateKey: b.signaturePrivateKey });
    expectCode(() => addKeyPackage(reusedSignature.keyPackage, tree), 'duplicate-signature-key', { leafIndex: 1 });
    // An update may keep its own signature key but not take another member's encryption key.
    const stolen = updateLeaf(SUITE, b, 1, { encryptionKey: a.leafNode.encryptionKey });
    expectCode(() => useLeaf(stolen, { kind: 'update', leafIndex: 1 }, tree), 'duplicate-encryption-key', { nodeIndex: 0 });
  });

  test('an external commit leaf is validated for the blank leaf the joiner takes (§12.4.3.2)', () => {
    const { tree } = twoMembers();
    const joiner = makeMember();
    const leaf = updateLeaf(SUITE, joiner, 2, { source: { type: 'commit', parentHash: new Uint8Array(32) } });
    useLeaf(leaf, { kind: 'external_commit', leafIndex: 2 }, tree);
    expectCode(() => useLeaf(leaf, { kind: 'external_commit', leafIndex: 3 }, tree), 'invalid-signature');
    expectCode(() => useLeaf(updateLeaf(SUITE, joiner, 2), { kind: 'external_commit', leafIndex: 2 }, tree), 'wrong-leaf-node-source', { expected: 'commit', actual: 'update' });
  });

  test('MemberIndex follows admitted and removed leaves', () => {
    const { tree } = twoMembers();
    const members = MemberIndex.of(tree);
    const c = makeMember();
    validateKeyPackage(c.keyPackage, group, tree, members, acceptAll);
    const index = tree.addLeaf(c.leafNode);
    // The same KeyPackage again (a second Add in one commit) now collides.
    expectCode(() => validateKeyPackage(c.keyPackage, group, tree, members, acceptAll), 'duplicate-encryption-key', { nodeIndex: 4 });
    tree.removeLeaf(index);
    validateKeyPackage(c.keyPackage, group, tree, members, acceptAll);
  });
});

describe('ratchet tree validation on join (§12.4.3.1)', () => {
  test('a valid tree passes; a wrong tree hash, a rejected credential or a bad leaf fail', () => {
    const { tree, b } = twoMembers();
    const hash = treeHash(SUITE, tree);
    validateRatchetTree(tree, group, acceptAll, hash);
    const wrong = hash.slice();
    wrong[0]! ^= 1;
    assert.throws(() => validateRatchetTree(tree, group, acceptAll, wrong), (e: unknown) => e instanceof TreeError && e.code === 'tree-hash-mismatch');
    expectCode(() => validateRatchetTree(tree, group, { ...acceptAll, validateCredential: rejectAllCredentials }, hash), 'credential-rejected', { leafIndex: 0 });
    const forged = tree.clone();
    forged.setLeaf(1, { ...b.leafNode, signature: new Uint8Array(64) });
    expectCode(() => validateRatchetTree(forged, group, acceptAll, treeHash(SUITE, forged)), 'invalid-signature', { leafIndex: 1 });
  });
});
