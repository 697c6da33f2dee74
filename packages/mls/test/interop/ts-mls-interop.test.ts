// Interoperability with an independent implementation (issue 3): ts-mls 1.6.4 as the other
// party, for suite 1 and the X-Wing suites 0xF0A1 (Sealed's default) and 0x004D.
//
// For each suite, once with a group created by ts-mls (Sealed joins by ts-mls's Welcome) and
// once with a group created by Sealed (ts-mls joins by Sealed's Welcome); then members of
// both kinds add (several at once), remove, self-update (UpdatePath), commit each other's
// proposals by reference (a Sealed Update, a ts-mls Remove) and exchange application
// messages in every direction. After every commit every member's epoch, epoch
// authenticator and an exported secret agree; after every epoch every member reads every
// other member's message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InteropGroup } from './interop-group.ts';
import type { Implementation, Party } from './party.ts';
import { SealedParty } from './sealed-party.ts';
import { TsMlsParty } from './ts-mls-party.ts';
import { INTEROP_SUITES, type InteropSuite, suiteLabel } from './ts-mls-suites.ts';

function party(name: string, implementation: Implementation, suite: InteropSuite): Party {
  return implementation === 'sealed' ? new SealedParty(name, suite) : new TsMlsParty(name, suite);
}

async function scenario(suite: InteropSuite, creatorKind: Implementation): Promise<{ epochs: number; messages: number }> {
  const otherKind: Implementation = creatorKind === 'sealed' ? 'ts-mls' : 'sealed';
  const make = (name: string, kind: Implementation): Party => party(`${name}-${kind}`, kind, suite);
  let messages = 0;

  const alice = make('alice', creatorKind);
  await alice.keyPackage();
  await alice.createGroup(new TextEncoder().encode(`interop ${suiteLabel(suite)} ${creatorKind}`));
  const group = new InteropGroup(alice);
  await group.assertAgreement();

  // The creator adds one member of the other implementation, who joins by its Welcome.
  const bob = make('bob', otherKind);
  await group.commit(alice, { add: [await bob.keyPackage()] }, [bob]);
  messages += await group.talk();

  // The joiner adds two at once, one of each kind: the other side joins by its Welcome.
  const carol = make('carol', creatorKind);
  const dave = make('dave', otherKind);
  await group.commit(bob, { add: [await carol.keyPackage(), await dave.keyPackage()] }, [carol, dave]);
  messages += await group.talk();

  // Self-updates (commits with an UpdatePath) from each kind, then an add.
  await group.commit(carol, { path: true });
  messages += await group.talk();
  await group.commit(dave, { path: true });
  messages += await group.talk();
  const erin = make('erin', creatorKind);
  await group.commit(dave, { add: [await erin.keyPackage()] }, [erin]);
  messages += await group.talk();

  // Proposals by reference across implementations: a Sealed member proposes an Update and
  // a ts-mls member commits it; a ts-mls member proposes a Remove and a Sealed member commits it.
  const sealedMembers = group.members.filter((m) => m.implementation === 'sealed');
  const tsMembers = group.members.filter((m) => m.implementation === 'ts-mls');
  const sealedProposer = sealedMembers[0]!;
  await group.propose(sealedProposer, await sealedProposer.proposeUpdate());
  await group.commit(tsMembers[0]!, {});
  messages += await group.talk();
  const removedByProposal = sealedMembers[1]!;
  const removedLeaf = removedByProposal.leafIndex();
  const tsProposer = tsMembers[1]!;
  await group.propose(tsProposer, await tsProposer.proposeRemove(removedLeaf));
  const sealedCommitter = group.members.find((m) => m.implementation === 'sealed' && m !== removedByProposal)!;
  await group.commit(sealedCommitter, {}, [], [removedLeaf]);
  assert.ok(!group.members.includes(removedByProposal));
  messages += await group.talk();

  // Removes by value, each kind removing a member of the other kind.
  const tsVictim = group.members.find((m) => m.implementation === 'ts-mls' && m !== alice)!;
  await group.commit(group.members.find((m) => m.implementation === 'sealed')!, { remove: [tsVictim.leafIndex()] });
  messages += await group.talk();
  const sealedVictim = group.members.find((m) => m.implementation === 'sealed' && m !== alice)!;
  await group.commit(group.members.find((m) => m.implementation === 'ts-mls')!, { remove: [sealedVictim.leafIndex()] });
  messages += await group.talk();

  // New members fill the blank leaves; both kinds join a tree with blanks and unmerged leaves.
  const frank = make('frank', otherKind);
  const grace = make('grace', creatorKind);
  await group.commit(alice, { add: [await frank.keyPackage(), await grace.keyPackage()] }, [frank, grace]);
  messages += await group.talk();
  await group.commit(frank, { path: true });
  messages += await group.talk();
  await group.commit(grace, { path: true });
  messages += await group.talk();
  assert.ok(group.members.some((m) => m.implementation === 'sealed') && group.members.some((m) => m.implementation === 'ts-mls'));
  return { epochs: group.epochsChecked, messages };
}

for (const suite of INTEROP_SUITES) {
  for (const creator of ['ts-mls', 'sealed'] as const) {
    test(`interop with ts-mls 1.6.4, suite ${suiteLabel(suite)}, group created by ${creator}`, async () => {
      const { epochs, messages } = await scenario(suite, creator);
      console.log(`interop ${suiteLabel(suite)} created by ${creator}: ${epochs} epochs agreed, ${messages} application messages read`);
    });
  }
}

// A commit that adds a member *and* carries an UpdatePath, where the new leaf is alone in a
// copath subtree of the committer. RFC 9420 §4.1.2 defines the filtered direct path with
// the full resolution, and §7.6 excludes new leaves only from each node's
// encrypted_path_secret list: the UpdatePath keeps a node whose list is empty. Sealed got
// this wrong at first (ts-mls refused its commits with "Invalid length of UpdatePath" and
// Sealed refused ts-mls's); these tests found it and now guard the fix (treekem d4d4359).
for (const suite of INTEROP_SUITES) {
  test(`interop: Sealed commits an Add with an UpdatePath, ts-mls processes it (suite ${suiteLabel(suite)})`, async () => {
    const alice = party('alice-sealed', 'sealed', suite);
    await alice.keyPackage();
    await alice.createGroup(new TextEncoder().encode('add with path'));
    const group = new InteropGroup(alice);
    const bob = party('bob-ts-mls', 'ts-mls', suite);
    await group.commit(alice, { add: [await bob.keyPackage()] }, [bob]);
    // Two members (leaves 0, 1); carol goes to leaf 2, alone in alice's copath subtree.
    const carol = party('carol-ts-mls', 'ts-mls', suite);
    await group.commit(alice, { add: [await carol.keyPackage()], path: true }, [carol]);
    await group.talk();
  });

  test(`interop: ts-mls commits an Add with an UpdatePath, Sealed processes it (suite ${suiteLabel(suite)})`, async () => {
    const alice = party('alice-ts-mls', 'ts-mls', suite);
    await alice.keyPackage();
    await alice.createGroup(new TextEncoder().encode('add with path'));
    const group = new InteropGroup(alice);
    const bob = party('bob-sealed', 'sealed', suite);
    await group.commit(alice, { add: [await bob.keyPackage()] }, [bob]);
    // Bob's Update proposal makes ts-mls's commit need a path; carol lands alone in leaf 2.
    await group.propose(bob, await bob.proposeUpdate());
    const carol = party('carol-sealed', 'sealed', suite);
    await group.commit(alice, { add: [await carol.keyPackage()] }, [carol]);
    await group.talk();
  });
}
