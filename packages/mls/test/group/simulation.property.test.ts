// Randomised multi-member simulation (fast-check): random sequences of adds, removes,
// self-updates, update proposals committed by reference, application messages and races
// for the same epoch across 2-20 members. After every step all members agree on the epoch
// authenticator; every application message is read by every member and by no removed one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addMembers, processIncoming, processWelcome, removeMembers, selfUpdate } from '../../src/group/api.ts';
import { createCommit } from '../../src/group/commit.ts';
import { createGroup } from '../../src/group/create.ts';
import type { CreatedCommit } from '../../src/group/commit.ts';
import { encryptApplication, proposeUpdate } from '../../src/group/send.ts';
import type { GroupState } from '../../src/group/state.ts';
import { acceptAll, assertAgree, assertGroupError, member, SUITE_1, type TestMember } from './helpers.ts';

const suite = SUITE_1;
const options = { policy: acceptAll };
const MAX_SIM_MEMBERS = 20;

type Op =
  | { kind: 'add'; by: number; count: number }
  | { kind: 'remove'; by: number; target: number }
  | { kind: 'update'; by: number }
  | { kind: 'propose-update'; by: number; committer: number }
  | { kind: 'message'; by: number }
  | { kind: 'race'; first: number; second: number };

const index = fc.nat({ max: 1000 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), by: index, count: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('remove' as const), by: index, target: index }),
  fc.record({ kind: fc.constant('update' as const), by: index }),
  fc.record({ kind: fc.constant('propose-update' as const), by: index, committer: index }),
  fc.record({ kind: fc.constant('message' as const), by: index }),
  fc.record({ kind: fc.constant('race' as const), first: index, second: index }),
);

let names = 0;

/** Delivers a commit from `from` to everyone else; removed members drop out. */
function deliverCommit(members: TestMember[], removedStates: GroupState[], from: TestMember, c: CreatedCommit): TestMember[] {
  const staying: TestMember[] = [];
  for (const m of members) {
    if (m === from) {
      m.state = c.state;
      staying.push(m);
      continue;
    }
    const r = processIncoming(m.state, c.commit, options);
    if (r.kind === 'removed') {
      removedStates.push(m.state);
      continue;
    }
    assert.equal(r.kind, 'commit');
    if (r.kind === 'commit') m.state = r.state;
    staying.push(m);
  }
  return staying;
}

function runScenario(initial: number, ops: readonly Op[]): void {
  const creator: TestMember = { name: `m${names++}`, state: createGroup(suite, member(suite, 'creator')) };
  let members: TestMember[] = [creator];
  const removedStates: GroupState[] = [];
  const addNew = (by: TestMember, count: number): void => {
    const room = Math.min(count, MAX_SIM_MEMBERS - members.length);
    if (room <= 0) return;
    const kps = Array.from({ length: room }, () => member(suite, `m${names++}`));
    const c = addMembers(by.state, kps.map((k) => k.keyPackage), options);
    members = deliverCommit(members, removedStates, by, c);
    for (const kp of kps) members.push({ name: `joiner`, state: processWelcome(c.welcome!, kp, { suite, policy: acceptAll }).state });
  };
  addNew(creator, initial - 1);
  assertAgree(members);

  for (const op of ops) {
    const pick = (i: number): TestMember => members[i % members.length]!;
    switch (op.kind) {
      case 'add':
        addNew(pick(op.by), op.count);
        break;
      case 'remove': {
        if (members.length <= 2) break;
        const by = pick(op.by);
        let target = pick(op.target);
        if (target === by) target = members.find((m) => m !== by)!;
        members = deliverCommit(members, removedStates, by, removeMembers(by.state, [target.state.own.leafIndex], options));
        break;
      }
      case 'update':
        members = deliverCommit(members, removedStates, pick(op.by), selfUpdate(pick(op.by).state, options));
        break;
      case 'propose-update': {
        const by = pick(op.by);
        let committer = pick(op.committer);
        if (committer === by) committer = members.find((m) => m !== by) ?? by;
        if (committer === by) break;
        const p = proposeUpdate(by.state);
        by.state = p.state;
        for (const m of members) {
          if (m === by) continue;
          const r = processIncoming(m.state, p.message, options);
          assert.equal(r.kind, 'proposal');
          if (r.kind === 'proposal') m.state = r.state;
        }
        members = deliverCommit(members, removedStates, committer, createCommit(committer.state, options));
        break;
      }
      case 'message': {
        const by = pick(op.by);
        const message = encryptApplication(by.state, new TextEncoder().encode(`from ${by.name}`));
        for (const m of members) {
          if (m === by) continue;
          const r = processIncoming(m.state, message, options);
          assert.equal(r.kind, 'application');
        }
        for (const old of removedStates) assertGroupError(() => processIncoming(old, message, options), 'wrong-epoch');
        break;
      }
      case 'race': {
        // Two members commit in the same epoch; the delivery service takes the first. The
        // loser drops its own commit and processes the winner's like everyone else.
        const first = pick(op.first);
        const second = pick(op.second);
        const winner = selfUpdate(first.state, options);
        if (second !== first) selfUpdate(second.state, options);
        members = deliverCommit(members, removedStates, first, winner);
        break;
      }
    }
    assertAgree(members);
  }
}

test('random group histories keep every member in agreement (2-20 members)', () => {
  fc.assert(
    fc.property(fc.integer({ min: 2, max: 6 }), fc.array(opArb, { minLength: 1, maxLength: 10 }), (initial, ops) => {
      runScenario(initial, ops);
    }),
    { numRuns: 25 },
  );
});
