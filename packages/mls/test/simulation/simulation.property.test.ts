// Randomised multi-member simulation (fast-check) of a group of 2-20 members behind a
// delivery service that orders handshake messages per epoch (the first commit for an epoch
// wins) and delivers application messages late and out of order. Operations: adds, removes
// and self-updates committed directly, adds/removes/updates proposed by reference and then
// committed by another member, application messages, and two members committing concurrently
// for the same epoch (the loser drops its pending commit, processes the winner's, and may
// retry in the next epoch).
//
// Checked after every operation: all current members share the epoch and the epoch
// authenticator. Checked at the end, after every message was handed to every member that
// ever existed: a message of epoch e was decrypted by member m exactly when, at the moment it
// was handed over, m had joined at or before e, had reached e, and was at most
// MAX_PAST_EPOCHS epochs past e (model.ts `shouldRead`); everyone else (removed members for
// later epochs, members added later, members past the window) got GroupError('wrong-epoch').
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addMembers } from '../../src/group/api.ts';
import { propose, proposeUpdate } from '../../src/group/send.ts';
import type { CipherSuite } from '../../src/crypto/cipher-suite.ts';
import { PQ_SUITE, SUITE_1 } from '../group/helpers.ts';
import { options, totals, World } from './world.ts';

type CommitKind = 'update' | 'add' | 'remove';
type Op =
  | { kind: 'commit'; what: CommitKind; by: number; target: number }
  | { kind: 'propose'; what: CommitKind; by: number; committer: number; target: number }
  | { kind: 'message'; by: number }
  | { kind: 'race'; first: number; second: number; firstWhat: CommitKind; secondWhat: CommitKind; target: number; retry: boolean }
  | { kind: 'deliver'; share: number };

const index = fc.nat({ max: 1000 });
const what = fc.constantFrom<CommitKind>('update', 'add', 'remove');
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('commit' as const), what, by: index, target: index }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('propose' as const), what, by: index, committer: index, target: index }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('message' as const), by: index }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('race' as const), first: index, second: index, firstWhat: what, secondWhat: what, target: index, retry: fc.boolean() }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('deliver' as const), share: fc.double({ min: 0, max: 1, noNaN: true }) }), weight: 1 },
);
/** Mostly small groups (fast), sometimes up to the 20. */
const initialSize = fc.oneof({ arbitrary: fc.integer({ min: 2, max: 4 }), weight: 4 }, { arbitrary: fc.integer({ min: 5, max: 20 }), weight: 1 });

function proposeThenCommit(world: World, op: Extract<Op, { kind: 'propose' }>): void {
  const by = world.pick(op.by)!;
  if (op.what === 'update') {
    // Our own Update may not be in our own commit (§12.2): another member commits it.
    const committer = world.pick(op.committer, by);
    if (committer === undefined) return;
    world.broadcastProposal(by, proposeUpdate(by.state));
    world.commitPendingBy(committer, []);
  } else if (op.what === 'add') {
    const joiners = world.freshKeyPackages(1);
    if (joiners.length === 0) return;
    world.broadcastProposal(by, propose(by.state, { type: 'add', keyPackage: joiners[0]!.keyPackage }));
    world.commitPendingBy(world.pick(op.committer)!, joiners);
  } else {
    if (world.current.length <= 2) return;
    const victim = world.pick(op.target, by)!;
    // A commit may not remove its own sender (§12.2): the committer is neither the victim.
    const committer = world.current.filter((m) => m !== victim)[op.committer % (world.current.length - 1)]!;
    world.broadcastProposal(by, propose(by.state, { type: 'remove', removed: victim.state.own.leafIndex }));
    world.commitPendingBy(committer, []);
  }
}

function race(world: World, op: Extract<Op, { kind: 'race' }>): void {
  const first = world.pick(op.first)!;
  const second = world.pick(op.second, first);
  if (second === undefined) return;
  // Both build a commit for the same epoch before either hears of the other's.
  const a = world.makeCommit(first, op.firstWhat, op.target);
  const b = world.makeCommit(second, op.secondWhat, op.target + 1);
  if (a === undefined || b === undefined) return;
  assert.ok(world.submit(first, a.created, a.joiners), 'the first commit of an epoch wins');
  // The loser's submission is refused; it drops its pending commit (never adopts b.state) and
  // has already processed the winner's commit in submit().
  assert.equal(world.submit(second, b.created, b.joiners), false);
  totals.racesLost++;
  if (op.retry && !second.removed) {
    const again = world.makeCommit(second, op.secondWhat, op.target + 1);
    if (again !== undefined) assert.ok(world.submit(second, again.created, again.joiners));
  }
}

function run(world: World, op: Op): void {
  switch (op.kind) {
    case 'commit': {
      const by = world.pick(op.by)!;
      const made = world.makeCommit(by, op.what, op.target);
      if (made !== undefined) assert.ok(world.submit(by, made.created, made.joiners));
      break;
    }
    case 'propose':
      proposeThenCommit(world, op);
      break;
    case 'message':
      world.send(world.pick(op.by)!);
      break;
    case 'race':
      race(world, op);
      break;
    case 'deliver':
      world.deliverSome(op.share);
      break;
  }
}

function property(suite: CipherSuite, maxOps: number): fc.IPropertyWithHooks<[number, Op[], number]> {
  return fc.property(initialSize, fc.array(opArb, { minLength: 1, maxLength: maxOps }), fc.nat(), (size, ops, seed) => {
    totals.runs++;
    const world = new World(seed, suite);
    const creator = world.current[0]!;
    const joiners = world.freshKeyPackages(size - 1);
    assert.ok(world.submit(creator, addMembers(creator.state, joiners.map((j) => j.keyPackage), options), joiners));
    world.assertAgreement();
    for (const op of ops) {
      run(world, op);
      totals.operations++;
      world.assertAgreement();
      world.deliverSome(0.2);
    }
    world.deliverAll();
    world.assertReaders();
  });
}

function summary(label: string): string {
  return `simulation ${label}: ${totals.runs} runs, ${totals.operations} operations, ${totals.commits} commits, ${totals.racesLost} races lost, ${totals.handed} deliveries (${totals.read} read, ${totals.refused} refused: ${totals.refusedRemoved} by removed members, ${totals.refusedNotYetAdded} by members added later, ${totals.refusedPastWindow} past the window), ${totals.replays} replays refused`;
}

function resetTotals(): void {
  for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] = 0;
}

test('random group histories (suite 1): agreement, and exactly the right readers of every message', () => {
  resetTotals();
  try {
    // On failure fast-check prints the seed and the shrunk operations; the summary says how many ran.
    fc.assert(property(SUITE_1, 14), { numRuns: 50 });
  } finally {
    console.log(summary('suite 1'));
  }
  // The runs exercised every case the model distinguishes.
  for (const [name, count] of Object.entries(totals)) assert.ok(count > 0, `no ${name}`);
});

test('random group histories (default post-quantum suite): the same properties, fewer runs', () => {
  resetTotals();
  try {
    fc.assert(property(PQ_SUITE, 10), { numRuns: 15 });
  } finally {
    console.log(summary('PQ suite'));
  }
  assert.ok(totals.read > 0);
});
