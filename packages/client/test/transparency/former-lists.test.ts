// A device added and removed again while a contact was offline: the commit that added it
// names a device the log's latest list no longer has. The contact proves an earlier logged
// list (fixed-version search) and accepts that device with that key only; ghosts stay
// refused. The whole path against real processes: cli/test/device-removal.e2e.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeProvider } from '@sealed/crypto/node/provider';
import { accountLabel, usernameLabel } from '@sealed/kt/labels/labels';
import { Directory } from '../../src/engine/directory.ts';
import { EngineError } from '../../src/engine/errors.ts';
import { credentialFor } from '../../src/engine/identity.ts';
import { verifyContactAccount } from '../../src/transparency/contact-verify.ts';
import { verifyFormerList } from '../../src/transparency/former-lists.ts';
import { TransparencyError } from '../../src/transparency/transparency-error.ts';
import { VouchedLists } from '../../src/transparency/vouched-lists.ts';
import { ProverWorld, type TestAccount } from './support/prover-world.ts';

/** Bob registers (label version 0), links a device (1), removes it again (2). */
function setup() {
  const world = new ProverWorld();
  const bob = world.newAccount('bob');
  world.register(bob);
  world.addDevice(bob);
  const linked = bob.devices[1]!;
  const withLinked = world.signedList(bob);
  bob.devices = bob.devices.slice(0, 1);
  bob.listVersion++;
  world.epoch([{ label: accountLabel(bob.accountId), value: world.accountValue(bob) }]);
  const size = world.size;
  const latest = verifyContactAccount(nodeProvider, world.policy(), undefined, 'bob', world.prover.search(usernameLabel('bob'), size), world.prover.search(accountLabel(bob.accountId), size, size), world.signedList(bob));
  assert.equal(latest.accountVersion, 2);
  const vouched = new VouchedLists('alice');
  vouched.record(latest);
  const directory = new Directory(nodeProvider);
  directory.requireTransparency(vouched);
  directory.learn('bob', latest.signedDeviceList);
  return { world, bob, linked, withLinked, latest, vouched, directory };
}

const check = (username: string, deviceId: Uint8Array, signatureKey: Uint8Array) => ({ credential: credentialFor(username, deviceId), signatureKey }) as Parameters<Directory['validateCredential']>[0];

test('an earlier logged list verifies by fixed-version search; the latest list or another account does not count as one', () => {
  const { world, bob, withLinked, latest } = setup();
  const size = world.size;
  const former = verifyFormerList(nodeProvider, world.policy(), latest.checkpoint, latest, 1, world.prover.searchVersion(accountLabel(bob.accountId), 1, size, size));
  assert.deepEqual(former.signedDeviceList, withLinked);
  assert.equal(former.deviceList.devices.length, 2);
  // The latest version is not an earlier list.
  assert.throws(() => verifyFormerList(nodeProvider, world.policy(), latest.checkpoint, latest, 2, world.prover.searchVersion(accountLabel(bob.accountId), 2, size, size)), (e) => e instanceof TransparencyError && e.code === 'wrong-value');
  // Another account's version 1 under bob's name: the proof is for another label.
  const carol: TestAccount = world.newAccount('carol');
  world.register(carol);
  world.addDevice(carol);
  const now = world.size;
  assert.throws(() => verifyFormerList(nodeProvider, world.policy(), latest.checkpoint, latest, 1, world.prover.searchVersion(accountLabel(carol.accountId), 1, now, size)), (e) => e instanceof TransparencyError && e.code === 'not-in-log');
  // A response about another version than asked.
  assert.throws(() => verifyFormerList(nodeProvider, world.policy(), latest.checkpoint, latest, 0, world.prover.searchVersion(accountLabel(bob.accountId), 1, size, size)), TransparencyError);
});

test('the credential validator accepts a device of an earlier vouched list with its key, and nothing else', () => {
  const { world, bob, linked, withLinked, latest, vouched, directory } = setup();
  const ghost = nodeProvider.signatureGenerate('Ed25519');
  // Before the earlier list is proven the removed device is refused, and recorded for the refetch.
  assert.equal(directory.validateCredential(check('bob', linked.id, linked.key.publicKey)), false);
  assert.deepEqual(directory.takeRefusedUnknown().map((d) => d.username), ['bob']);
  // An earlier list the log did not vouch for is not learned.
  assert.throws(() => directory.learnFormer('bob', withLinked), (e) => e instanceof EngineError && e.code === 'not-in-transparency-log');
  const size = world.size;
  const former = verifyFormerList(nodeProvider, world.policy(), latest.checkpoint, latest, 1, world.prover.searchVersion(accountLabel(bob.accountId), 1, size, size));
  vouched.recordFormer('bob', former.signedDeviceList);
  directory.learnFormer('bob', former.signedDeviceList);
  assert.equal(directory.validateCredential(check('bob', linked.id, linked.key.publicKey)), true, 'the removed device with its logged key');
  assert.equal(directory.validateCredential(check('bob', linked.id, ghost.publicKey)), false, 'the removed device with another key');
  assert.equal(directory.validateCredential(check('bob', new Uint8Array(16).fill(7), ghost.publicKey)), false, 'a device no logged list had');
  // It still counts as absent from the latest list: verify-members awaits its removal commit.
  assert.equal(directory.deviceKey('bob', Buffer.from(linked.id).toString('hex')), undefined);
  // The current list (not earlier), or a list signed by another identity key, is refused.
  vouched.recordFormer('bob', latest.signedDeviceList);
  assert.throws(() => directory.learnFormer('bob', latest.signedDeviceList), (e) => e instanceof EngineError && e.code === 'invalid-device-list');
  const impostor = { ...bob, identity: nodeProvider.signatureGenerate('Ed25519'), listVersion: 1 };
  vouched.recordFormer('bob', world.signedList(impostor));
  assert.throws(() => directory.learnFormer('bob', world.signedList(impostor)), (e) => e instanceof EngineError && e.code === 'invalid-device-list');
});

test('without transparency an earlier list is ignored (the validator lets verify-members decide, as before)', () => {
  const { world, bob, withLinked } = setup();
  const directory = new Directory(nodeProvider);
  directory.learn('bob', world.signedList(bob));
  directory.learnFormer('bob', withLinked);
  assert.equal(directory.validateCredential(check('bob', new Uint8Array(16).fill(7), nodeProvider.signatureGenerate('Ed25519').publicKey)), true);
});
