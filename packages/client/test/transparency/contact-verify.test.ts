import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeProvider } from '@sealed/crypto/node/provider';
import { accountLabel, encodeAccountValue, encodeUsernameValue, usernameLabel } from '@sealed/kt/labels/labels';
import { verifyContactAccount } from '../../src/transparency/contact-verify.ts';
import { TransparencyError, type TransparencyErrorCode } from '../../src/transparency/transparency-error.ts';
import { ProverWorld } from './support/prover-world.ts';
import { signDeviceList } from '../../src/engine/identity.ts';

const code = (c: TransparencyErrorCode) => (e: unknown) => e instanceof TransparencyError && e.code === c;

function searches(world: ProverWorld, username: string, accountId: Uint8Array, last?: number) {
  const size = world.size;
  const u = world.prover.search(usernameLabel(username), size, last);
  const a = world.prover.search(accountLabel(accountId), size, size);
  return { u, a };
}

test('a contact whose username, key and device list are in the log verifies; the served list must be that list', () => {
  const world = new ProverWorld();
  const bob = world.newAccount('bob');
  world.register(bob);
  world.epoch();
  const { u, a } = searches(world, 'bob', bob.accountId);
  const v = verifyContactAccount(nodeProvider, world.policy(), undefined, 'Bob', u, a, world.signedList(bob));
  assert.equal(v.username, 'bob');
  assert.deepEqual(v.identityKey, bob.identity.publicKey);
  assert.equal(v.deviceList.devices.length, 1);
  assert.equal(v.checkpoint.treeSize, 2);
  // Case 1 of issue 6: a device list served that is not in the log (a ghost device added
  // by the server, signed by nobody it could fake... or an older list) is rejected.
  const ghost = { ...bob, devices: [...bob.devices, { id: new Uint8Array(16).fill(9), key: nodeProvider.signatureGenerate('Ed25519') }], listVersion: 2 };
  assert.throws(() => verifyContactAccount(nodeProvider, world.policy(), undefined, 'bob', u, a, world.signedList(ghost)), code('not-in-log'));
});

test('the checkpoint policy applies: missing auditors, stale log (no heartbeats) and rollback are rejected', () => {
  const world = new ProverWorld();
  const bob = world.newAccount('bob');
  world.register(bob);
  const { u, a } = searches(world, 'bob', bob.accountId);
  assert.throws(() => verifyContactAccount(nodeProvider, { ...world.policy(3) }, undefined, 'bob', u, a), TransparencyError);
  assert.throws(() => verifyContactAccount(nodeProvider, { ...world.policy(), now: world.time + world.config.maxBehind + 1 }, undefined, 'bob', u, a), code('stale-checkpoint'));
  world.epoch();
  world.epoch();
  const later = searches(world, 'bob', bob.accountId);
  const retained = verifyContactAccount(nodeProvider, world.policy(), undefined, 'bob', later.u, later.a).checkpoint;
  // The server answers with the older view (size 1) to a client that saw size 3.
  const old = { u: world.prover.search(usernameLabel('bob'), 1), a: world.prover.search(accountLabel(bob.accountId), 1) };
  assert.throws(() => verifyContactAccount(nodeProvider, world.policy(), retained, 'bob', old.u, old.a), code('rolled-back'));
});

test('a username bound to a key that did not sign the logged device list is rejected', () => {
  const world = new ProverWorld();
  const bob = world.newAccount('bob');
  const mallory = world.newAccount('bob');
  // The log holds bob's username bound to mallory's key, but bob's own signed list.
  world.epoch([
    { label: usernameLabel('bob'), value: encodeUsernameValue({ accountId: bob.accountId, identityKey: mallory.identity.publicKey }) },
    { label: accountLabel(bob.accountId), value: world.accountValue(bob) },
  ]);
  const { u, a } = searches(world, 'bob', bob.accountId);
  assert.throws(() => verifyContactAccount(nodeProvider, world.policy(), undefined, 'bob', u, a), code('wrong-value'));
  // A list for another username under bob's account label is rejected too.
  const world2 = new ProverWorld();
  const carol = world2.newAccount('carol');
  world2.epoch([
    { label: usernameLabel('bob'), value: encodeUsernameValue({ accountId: bob.accountId, identityKey: carol.identity.publicKey }) },
    { label: accountLabel(bob.accountId), value: encodeAccountValue(signDeviceList(nodeProvider, 'carol', carol.identity, 1, carol.devices)) },
  ]);
  const s2 = searches(world2, 'bob', bob.accountId);
  assert.throws(() => verifyContactAccount(nodeProvider, world2.policy(), undefined, 'bob', s2.u, s2.a), code('wrong-value'));
});

test('case 2: a swapped key published as a new version is accepted by a contact (the owner is the one alerted)', () => {
  const world = new ProverWorld();
  const bob = world.newAccount('bob');
  world.register(bob);
  const swapped = world.newAccount('bob');
  world.epoch([
    { label: usernameLabel('bob'), value: encodeUsernameValue({ accountId: swapped.accountId, identityKey: swapped.identity.publicKey }) },
    { label: accountLabel(swapped.accountId), value: world.accountValue(swapped) },
  ]);
  const { u, a } = searches(world, 'bob', swapped.accountId);
  const v = verifyContactAccount(nodeProvider, world.policy(), undefined, 'bob', u, a);
  assert.deepEqual(v.identityKey, swapped.identity.publicKey);
  assert.equal(v.usernameVersion, 1);
});

test('every byte of both search proofs flipped is rejected (case 8)', () => {
  const world = new ProverWorld();
  const bob = world.newAccount('bob');
  world.register(bob);
  world.epoch();
  world.epoch();
  const { u, a } = searches(world, 'bob', bob.accountId);
  const policy = world.policy();
  verifyContactAccount(nodeProvider, policy, undefined, 'bob', u, a);
  let rejected = 0;
  // Walk every Uint8Array inside each response and flip each of its bytes in turn.
  const flipAll = (root: object, rebuild: (mutated: object) => void) => {
    const visit = (node: unknown, path: (string | number)[]) => {
      if (node instanceof Uint8Array) {
        for (let i = 0; i < node.length; i++) {
          node[i]! ^= 0x01;
          rebuild(root);
          node[i]! ^= 0x01;
        }
        return;
      }
      if (Array.isArray(node)) node.forEach((x, i) => visit(x, [...path, i]));
      else if (node !== null && typeof node === 'object') for (const [k, v] of Object.entries(node)) visit(v, [...path, k]);
    };
    visit(root, []);
  };
  flipAll(u, () => {
    assert.throws(() => verifyContactAccount(nodeProvider, policy, undefined, 'bob', u, a), TransparencyError);
    rejected++;
  });
  flipAll(a, () => {
    assert.throws(() => verifyContactAccount(nodeProvider, policy, undefined, 'bob', u, a), TransparencyError);
    rejected++;
  });
  assert.ok(rejected > 1000, `${rejected} flipped bytes`);
});
