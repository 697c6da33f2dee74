// A group's life through the group API (RFC 9420 §11-§12): create, add by Welcome (with and
// without a path, with and without the ratchet_tree extension), application messages both
// ways, proposals by reference, self-updates, removal, exporter, state saved and restored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeProvider } from '@sealed/crypto/node/provider';
import { createCommit } from '../../src/group/commit.ts';
import { createGroup } from '../../src/group/create.ts';
import { epochAuthenticator, exportSecret } from '../../src/group/exporter.ts';
import { processMessage } from '../../src/group/process.ts';
import { encryptApplication, propose, proposeUpdate } from '../../src/group/send.ts';
import { deserializeGroupState, serializeGroupState } from '../../src/group/serialize.ts';
import type { GroupState } from '../../src/group/state.ts';
import type { CipherSuite } from '../../src/crypto/cipher-suite.ts';
import { parseMLSMessage } from '../../src/structs/mls-message.ts';
import { joinFromWelcome } from '../../src/welcome/join.ts';
import type { KeyPackageBundle } from '../../src/group/key-package.ts';
import { acceptAll, assertAgree, assertGroupError, hexOf, member, PQ_SUITE, SUITE_1, type TestMember } from './helpers.ts';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const options = { policy: acceptAll };

function join(suite: CipherSuite, welcome: Uint8Array, bundle: KeyPackageBundle, ratchetTree?: GroupState['tree']): GroupState {
  const message = parseMLSMessage(welcome);
  assert.equal(message.wireFormat, 'mls_welcome');
  if (message.wireFormat !== 'mls_welcome') throw new Error('unreachable');
  return joinFromWelcome({ suite, welcome: message.welcome, keyPackage: bundle, policy: acceptAll, ratchetTree: ratchetTree?.toNodes() });
}

/** Everyone but `from` processes `message` and must get `kind`. */
function deliver(members: TestMember[], from: TestMember, message: Uint8Array, kind: string): void {
  for (const m of members) {
    if (m === from) continue;
    const result = processMessage(m.state, message, options);
    assert.equal(result.kind, kind, `${m.name} got ${result.kind}`);
    if (result.kind !== 'removed') m.state = result.state;
  }
}

function sendAndRead(members: TestMember[], from: TestMember, body: string): void {
  const message = encryptApplication(from.state, text(body));
  for (const m of members) {
    if (m === from) continue;
    const result = processMessage(m.state, message, options);
    assert.equal(result.kind, 'application');
    if (result.kind !== 'application') continue;
    assert.equal(new TextDecoder().decode(result.data), body);
    assert.equal(result.sender, from.state.own.leafIndex);
    // Keys are deleted after use: the same message again fails.
    assertGroupError(() => processMessage(m.state, message, options), 'replayed-message');
  }
}

for (const suite of [SUITE_1, PQ_SUITE]) {
  test(`group lifecycle (suite 0x${suite.id.toString(16)})`, () => {
    const alice: TestMember = { name: 'alice', state: createGroup(suite, member(suite, 'alice')) };
    // Add-only commit: no path needed (§12.4), tree in the Welcome.
    const bobKp = member(suite, 'bob');
    const c1 = createCommit(alice.state, { ...options, proposals: [{ type: 'add', keyPackage: bobKp.keyPackage }] });
    assert.ok(c1.welcome !== undefined);
    alice.state = c1.state;
    const bob: TestMember = { name: 'bob', state: join(suite, c1.welcome, bobKp) };
    const members = [alice, bob];
    assertAgree(members);
    sendAndRead(members, alice, 'hello bob');
    sendAndRead(members, bob, 'hello alice');

    // Add with a path, tree given out of band.
    const carolKp = member(suite, 'carol');
    const c2 = createCommit(alice.state, { ...options, proposals: [{ type: 'add', keyPackage: carolKp.keyPackage }], forcePath: true, ratchetTreeInWelcome: false });
    deliver(members, alice, c2.commit, 'commit');
    alice.state = c2.state;
    const carol: TestMember = { name: 'carol', state: join(suite, c2.welcome!, carolKp, c2.state.tree) };
    members.push(carol);
    assertAgree(members);
    sendAndRead(members, carol, 'hi all');

    // A hand-edited update leaf (wrong source, stale signature) is refused (§7.3, §12.1.2).
    const dummy = member(suite, 'bob');
    const forged = propose(bob.state, {
      type: 'update',
      leafNode: { ...bob.state.tree.leaf(bob.state.own.leafIndex)!, encryptionKey: dummy.keyPackage.leafNode.encryptionKey },
    });
    for (const m of [alice, carol]) assertGroupError(() => processMessage(m.state, forged.message, options), 'invalid-proposal');

    // Bob proposes an update of his leaf; Carol commits it by reference (no path needed from Bob).
    const update = proposeUpdate(bob.state);
    bob.state = update.state;
    for (const m of [alice, carol]) {
      const r = processMessage(m.state, update.message, options);
      assert.equal(r.kind, 'proposal');
      if (r.kind === 'proposal') m.state = r.state;
    }
    const cu = createCommit(carol.state, options);
    deliver(members, carol, cu.commit, 'commit');
    carol.state = cu.state;
    assertAgree(members);
    sendAndRead(members, bob, 'with my new leaf key');

    // Empty commit: a self-update with a path (§12.4).
    const c3 = createCommit(carol.state, options);
    deliver(members, carol, c3.commit, 'commit');
    carol.state = c3.state;
    assertAgree(members);

    // Saved and restored mid-life, the state keeps working.
    bob.state = deserializeGroupState(serializeGroupState(bob.state), nodeProvider);
    sendAndRead(members, bob, 'after restore');

    // Alice proposes removing Bob; Carol commits it by reference.
    const removal = propose(alice.state, { type: 'remove', removed: bob.state.own.leafIndex }, 'mls_public_message');
    alice.state = removal.state;
    for (const m of [bob, carol]) {
      const r = processMessage(m.state, removal.message, options);
      assert.equal(r.kind, 'proposal');
      if (r.kind === 'proposal') m.state = r.state;
    }
    const c4 = createCommit(carol.state, options);
    assert.deepEqual(c4.removed, [bob.state.own.leafIndex]);
    const bobResult = processMessage(bob.state, c4.commit, options);
    assert.equal(bobResult.kind, 'removed');
    deliver([alice], carol, c4.commit, 'commit');
    carol.state = c4.state;
    assertAgree([alice, carol]);
    // Bob cannot read the new epoch.
    const secret = encryptApplication(alice.state, text('without bob'));
    assertGroupError(() => processMessage(bob.state, secret, options), 'wrong-epoch');
    const read = processMessage(carol.state, secret, options);
    assert.equal(read.kind, 'application');

    assert.equal(hexOf(exportSecret(alice.state, 'sealed test', text('ctx'), 32)), hexOf(exportSecret(carol.state, 'sealed test', text('ctx'), 32)));
    assert.equal(hexOf(epochAuthenticator(alice.state)), hexOf(epochAuthenticator(carol.state)));
  });
}

test('a late application message of the previous epoch is still read, once', () => {
  const suite = SUITE_1;
  const alice: TestMember = { name: 'alice', state: createGroup(suite, member(suite, 'alice')) };
  const bobKp = member(suite, 'bob');
  const c1 = createCommit(alice.state, { ...options, proposals: [{ type: 'add', keyPackage: bobKp.keyPackage }] });
  alice.state = c1.state;
  const bob: TestMember = { name: 'bob', state: join(suite, c1.welcome!, bobKp) };
  const late = encryptApplication(bob.state, text('sent before the commit'));
  const c2 = createCommit(alice.state, options);
  alice.state = c2.state;
  const r = processMessage(alice.state, late, options);
  assert.equal(r.kind, 'application');
  assertGroupError(() => processMessage(alice.state, late, options), 'replayed-message');
});
