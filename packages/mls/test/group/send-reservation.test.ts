// A sender's saved position ahead of its live one (SerializeOptions.ownApplicationAt,
// SecretTree.ratchetSecretAt): the client reserves generations durably before ciphertexts
// leave, so a state restored after a crash never encrypts with a generation it may have
// used; receivers accept the jump within the generation-gap bound.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeProvider } from '@sealed/crypto/node/provider';
import { createCommit } from '../../src/group/commit.ts';
import { createGroup } from '../../src/group/create.ts';
import { GroupError } from '../../src/group/errors.ts';
import { processMessage } from '../../src/group/process.ts';
import { encryptApplication } from '../../src/group/send.ts';
import { deserializeGroupState, serializeGroupState } from '../../src/group/serialize.ts';
import { parseMLSMessage } from '../../src/structs/mls-message.ts';
import { SecretTreeError } from '../../src/secret-tree/errors.ts';
import { joinFromWelcome } from '../../src/welcome/join.ts';
import { acceptAll, member, SUITE_1 } from './helpers.ts';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

function pair() {
  let alice = createGroup(SUITE_1, member(SUITE_1, 'alice'));
  const bobKp = member(SUITE_1, 'bob');
  const c = createCommit(alice, { policy: acceptAll, proposals: [{ type: 'add', keyPackage: bobKp.keyPackage }] });
  alice = c.state;
  const welcome = parseMLSMessage(c.welcome!);
  if (welcome.wireFormat !== 'mls_welcome') throw new Error('unreachable');
  const bob = joinFromWelcome({ suite: SUITE_1, welcome: welcome.welcome, keyPackage: bobKp, policy: acceptAll });
  return { alice, bob };
}

function read(state: ReturnType<typeof pair>['bob'], message: Uint8Array): string {
  const result = processMessage(state, message, { policy: acceptAll });
  assert.equal(result.kind, 'application');
  return result.kind === 'application' ? new TextDecoder().decode(result.data) : '';
}

test('a state saved with a reserved position restarts at the end of the reservation; the receiver reads both sides of the gap', () => {
  const { alice, bob } = pair();
  const first = encryptApplication(alice, text('one')); // generation 0: our leaf's ratchets initialised
  const tree = alice.secretTree;
  const reserved = tree.ratchetSecretAt(alice.own.leafIndex, 'application', 16);
  assert.equal(tree.nextGeneration(alice.own.leafIndex, 'application'), 1, 'looking ahead changes nothing');
  const saved = serializeGroupState(alice, { ownApplicationAt: reserved });
  // Sent after the save and lost with the crash: generations 1 and 2.
  const second = encryptApplication(alice, text('two'));
  const third = encryptApplication(alice, text('three'));
  const restored = deserializeGroupState(saved, nodeProvider);
  assert.equal(restored.secretTree.nextGeneration(restored.own.leafIndex, 'application'), 16);
  const afterCrash = encryptApplication(restored, text('after the crash'));
  assert.equal(read(bob, first), 'one');
  assert.equal(read(bob, second), 'two');
  assert.equal(read(bob, third), 'three');
  assert.equal(read(bob, afterCrash), 'after the crash');
});

test('without the reservation a restored sender would reuse a generation (what the reservation prevents)', () => {
  const { alice, bob } = pair();
  encryptApplication(alice, text('zero'));
  const saved = serializeGroupState(alice);
  const lost = encryptApplication(alice, text('sent, then crash'));
  const restored = deserializeGroupState(saved, nodeProvider);
  const reused = encryptApplication(restored, text('same generation'));
  assert.equal(read(bob, lost), 'sent, then crash');
  assert.throws(() => processMessage(bob, reused, { policy: acceptAll }), (e: unknown) => e instanceof GroupError && e.code === 'replayed-message');
});

test('ratchetSecretAt: only ahead, within the gap bound, of an initialised leaf; the saved position needs an initialised leaf', () => {
  const { alice } = pair();
  const me = alice.own.leafIndex;
  assert.throws(() => alice.secretTree.ratchetSecretAt(me, 'application', 4), (e: unknown) => e instanceof SecretTreeError && e.code === 'stale-state');
  encryptApplication(alice, text('x'));
  encryptApplication(alice, text('y'));
  assert.throws(() => alice.secretTree.ratchetSecretAt(me, 'application', 1), (e: unknown) => e instanceof SecretTreeError && e.code === 'generation-too-far');
  assert.throws(() => alice.secretTree.ratchetSecretAt(me, 'application', 2 + 1025), (e: unknown) => e instanceof SecretTreeError && e.code === 'generation-too-far');
  assert.throws(() => alice.secretTree.ratchetSecretAt(me, 'application', 2.5), (e: unknown) => e instanceof SecretTreeError && e.code === 'generation-too-far');
  assert.equal(alice.secretTree.ratchetSecretAt(me, 'application', 2).generation, 2);
  const { alice: fresh } = pair();
  const at = { generation: 3, secret: new Uint8Array(32), retained: [] };
  assert.throws(() => serializeGroupState(fresh, { ownApplicationAt: at }), (e: unknown) => e instanceof GroupError && e.code === 'malformed-state');
});
