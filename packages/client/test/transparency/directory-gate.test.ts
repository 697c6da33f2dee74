import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeProvider } from '@sealed/crypto/node/provider';
import { accountLabel, usernameLabel } from '@sealed/kt/labels/labels';
import { toHex } from '@sealed/protocol/encoding';
import { Directory } from '../../src/engine/directory.ts';
import { EngineError } from '../../src/engine/errors.ts';
import { credentialFor } from '../../src/engine/identity.ts';
import { verifyContactAccount } from '../../src/transparency/contact-verify.ts';
import { VouchedLists } from '../../src/transparency/vouched-lists.ts';
import { ProverWorld } from './support/prover-world.ts';

function setup() {
  const world = new ProverWorld();
  const bob = world.newAccount('bob');
  world.register(bob);
  const size = world.size;
  const verified = verifyContactAccount(nodeProvider, world.policy(), undefined, 'bob', world.prover.search(usernameLabel('bob'), size), world.prover.search(accountLabel(bob.accountId), size, size));
  const vouched = new VouchedLists('alice');
  vouched.record(verified);
  const directory = new Directory(nodeProvider);
  directory.requireTransparency(vouched);
  return { world, bob, directory, vouched };
}

const check = (username: string, deviceId: Uint8Array, signatureKey: Uint8Array) => ({ credential: credentialFor(username, deviceId), signatureKey }) as Parameters<Directory['validateCredential']>[0];

test('with transparency required, only the device list the log vouched for is learned', () => {
  const { world, bob, directory } = setup();
  directory.learn('bob', world.signedList(bob));
  // The server serves a newer list with a ghost device (signed by bob's key, never logged).
  const ghost = { ...bob, devices: [...bob.devices, { id: new Uint8Array(16).fill(7), key: nodeProvider.signatureGenerate('Ed25519') }], listVersion: 2 };
  assert.throws(() => directory.learn('bob', world.signedList(ghost)), (e) => e instanceof EngineError && e.code === 'not-in-transparency-log');
  // An account the log never vouched for is refused as well.
  const carol = world.newAccount('carol');
  assert.throws(() => directory.learn('carol', world.signedList(carol)), (e) => e instanceof EngineError && e.code === 'not-in-transparency-log');
  // Our own lists are exempt (owner monitoring covers them).
  const alice = world.newAccount('alice');
  directory.learn('alice', world.signedList(alice));
});

test('case 6: the credential validator refuses a ghost device in a commit or Welcome, and members of unvouched accounts', () => {
  const { world, bob, directory } = setup();
  directory.learn('bob', world.signedList(bob));
  const real = bob.devices[0]!;
  assert.equal(directory.validateCredential(check('bob', real.id, real.key.publicKey)), true);
  const ghostKey = nodeProvider.signatureGenerate('Ed25519');
  assert.equal(directory.validateCredential(check('bob', new Uint8Array(16).fill(7), ghostKey.publicKey)), false, 'device not in the vouched list');
  assert.equal(directory.validateCredential(check('bob', real.id, ghostKey.publicKey)), false, 'listed device with another key');
  assert.equal(directory.validateCredential(check('carol', new Uint8Array(16).fill(1), ghostKey.publicKey)), false, 'account never vouched for');
  assert.equal(directory.validateCredential(check('alice', new Uint8Array(16).fill(1), ghostKey.publicKey)), true, 'our own account is decided by owner monitoring');
  assert.equal(toHex(real.id).length, 32);
});

test('without transparency the validator keeps its earlier behaviour (unknown devices decided by verify-members)', () => {
  const world = new ProverWorld();
  const bob = world.newAccount('bob');
  const directory = new Directory(nodeProvider);
  directory.learn('bob', world.signedList(bob));
  assert.equal(directory.validateCredential(check('bob', new Uint8Array(16).fill(7), nodeProvider.signatureGenerate('Ed25519').publicKey)), true);
});
