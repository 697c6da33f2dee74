// External commits (RFC 9420 §12.4.3.2): joining from a GroupInfo with external_pub, and a
// user's new device rejoining while removing its old leaf; every member agrees afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCommit } from '../../src/group/commit.ts';
import { createGroup } from '../../src/group/create.ts';
import { processMessage } from '../../src/group/process.ts';
import { encryptApplication } from '../../src/group/send.ts';
import { joinByExternalCommit } from '../../src/external/join.ts';
import { createGroupInfo } from '../../src/welcome/create.ts';
import { joinFromWelcome } from '../../src/welcome/join.ts';
import { parseMLSMessage } from '../../src/structs/mls-message.ts';
import type { CipherSuite } from '../../src/crypto/cipher-suite.ts';
import { acceptAll, assertAgree, assertGroupError, member, PQ_SUITE, SUITE_1, type TestMember } from './helpers.ts';

const options = { policy: acceptAll };
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

function twoMembers(suite: CipherSuite): TestMember[] {
  const alice: TestMember = { name: 'alice', state: createGroup(suite, member(suite, 'alice')) };
  const bobKp = member(suite, 'bob');
  const c = createCommit(alice.state, { ...options, proposals: [{ type: 'add', keyPackage: bobKp.keyPackage }] });
  alice.state = c.state;
  const w = parseMLSMessage(c.welcome!);
  if (w.wireFormat !== 'mls_welcome') throw new Error('not a welcome');
  return [alice, { name: 'bob', state: joinFromWelcome({ suite, welcome: w.welcome, keyPackage: bobKp, policy: acceptAll }) }];
}

for (const suite of [SUITE_1, PQ_SUITE]) {
  test(`external join and rejoin of a new device (suite 0x${suite.id.toString(16)})`, () => {
    const members = twoMembers(suite);
    const [alice, bob] = members as [TestMember, TestMember];
    const groupInfo = createGroupInfo(alice.state, { withExternalPub: true });

    const carolKeys = suite.provider.signatureGenerate(suite.signature);
    const joined = joinByExternalCommit({ suite, groupInfo, policy: acceptAll, credential: { type: 'basic', identity: text('carol') }, signatureKeyPair: carolKeys });
    for (const m of members) {
      const r = processMessage(m.state, joined.commit, options);
      assert.equal(r.kind, 'commit');
      if (r.kind === 'commit') m.state = r.state;
    }
    const carol: TestMember = { name: 'carol', state: joined.state };
    members.push(carol);
    assertAgree(members);
    const hello = encryptApplication(carol.state, text('joined externally'));
    for (const m of [alice, bob]) assert.equal(processMessage(m.state, hello, options).kind, 'application');

    // Bob's new device (same user) rejoins, removing Bob's old leaf; the old device learns it was removed.
    const info2 = createGroupInfo(alice.state, { withExternalPub: true, withRatchetTree: false });
    const bob2Keys = suite.provider.signatureGenerate(suite.signature);
    const rejoin = joinByExternalCommit({
      suite,
      groupInfo: info2,
      ratchetTree: alice.state.tree.toNodes(),
      policy: acceptAll,
      credential: { type: 'basic', identity: text('bob') },
      signatureKeyPair: bob2Keys,
      removeLeaf: bob.state.own.leafIndex,
    });
    assert.equal(processMessage(bob.state, rejoin.commit, options).kind, 'removed');
    for (const m of [alice, carol]) {
      const r = processMessage(m.state, rejoin.commit, options);
      assert.equal(r.kind, 'commit');
      if (r.kind === 'commit') m.state = r.state;
    }
    assertAgree([alice, carol, { name: 'bob2', state: rejoin.state }]);
  });
}

test('a GroupInfo without external_pub cannot be joined externally', () => {
  const [alice] = twoMembers(SUITE_1);
  const groupInfo = createGroupInfo(alice!.state);
  const keys = SUITE_1.provider.signatureGenerate(SUITE_1.signature);
  assertGroupError(
    () => joinByExternalCommit({ suite: SUITE_1, groupInfo, policy: acceptAll, credential: { type: 'basic', identity: text('x') }, signatureKeyPair: keys }),
    'invalid-group-info',
  );
});
