// The simulated world: members running the real group API, the delivery service of
// model.ts, and the bookkeeping of who read which application message. Every operation goes
// through the public entry points (addMembers, removeMembers, selfUpdate, commitPending,
// propose, proposeUpdate, encryptApplication, processIncoming, processWelcome).
import assert from 'node:assert/strict';
import { addMembers, commitPending, processIncoming, processWelcome, removeMembers, selfUpdate } from '../../src/group/api.ts';
import type { CreatedCommit } from '../../src/group/commit.ts';
import { createGroup } from '../../src/group/create.ts';
import { GroupError } from '../../src/group/errors.ts';
import type { KeyPackageBundle } from '../../src/group/key-package.ts';
import { MAX_PAST_EPOCHS } from '../../src/group/limits.ts';
import { encryptApplication } from '../../src/group/send.ts';
import type { CipherSuite } from '../../src/crypto/cipher-suite.ts';
import { acceptAll, hexOf, member } from '../group/helpers.ts';
import { HandshakeOrder, type InFlight, prng, shouldRead, type SimMember } from './model.ts';

export const options = { policy: acceptAll };
/** The upper bound on the simulated group size. */
export const MAX_SIM_MEMBERS = 20;

const decoder = new TextDecoder();

/** Counters reported by the test, summed over all runs. */
export const totals = { runs: 0, operations: 0, commits: 0, racesLost: 0, handed: 0, read: 0, refused: 0, replays: 0, refusedRemoved: 0, refusedNotYetAdded: 0, refusedPastWindow: 0 };

export class World {
  readonly all: SimMember[] = [];
  readonly inFlight: InFlight[] = [];
  readonly order = new HandshakeOrder();
  readonly random: () => number;
  private nextId = 0;
  private nextText = 0;

  constructor(
    seed: number,
    readonly suite: CipherSuite,
  ) {
    this.random = prng(seed);
    this.all.push({ id: this.nextId++, state: createGroup(suite, member(suite, 'm0')), joinEpoch: 0n, removed: false });
  }

  get current(): SimMember[] {
    return this.all.filter((m) => !m.removed);
  }

  get epoch(): bigint {
    return this.current[0]!.state.groupContext.epoch;
  }

  pick(i: number, except?: SimMember): SimMember | undefined {
    const candidates = this.current.filter((m) => m !== except);
    return candidates.length === 0 ? undefined : candidates[i % candidates.length];
  }

  freshKeyPackages(count: number): KeyPackageBundle[] {
    const room = Math.max(0, Math.min(count, MAX_SIM_MEMBERS - this.current.length));
    return Array.from({ length: room }, () => member(this.suite, `m${this.nextId}-kp${this.nextText++}`));
  }

  /** Submits a commit to the delivery service; when it wins its epoch, everyone applies it. */
  submit(committer: SimMember, created: CreatedCommit, joiners: readonly KeyPackageBundle[]): boolean {
    // The epoch the commit was built for (the committer may have moved on since).
    const epoch = created.state.groupContext.epoch - 1n;
    if (!this.order.submitCommit(epoch, committer.id)) return false;
    assert.equal(committer.state.groupContext.epoch, epoch, 'a winning commit is for the committer\'s current epoch');
    totals.commits++;
    for (const m of this.current) {
      if (m === committer) continue;
      const r = processIncoming(m.state, created.commit, options);
      if (r.kind === 'removed') {
        m.removed = true;
        continue;
      }
      assert.equal(r.kind, 'commit');
      if (r.kind === 'commit') m.state = r.state;
    }
    committer.state = created.state;
    const next = created.state.groupContext.epoch;
    assert.equal(next, epoch + 1n);
    for (const kp of joiners) {
      assert.ok(created.welcome !== undefined, 'a commit adding members comes with a Welcome');
      const joined = processWelcome(created.welcome, kp, { suite: this.suite, policy: acceptAll });
      this.all.push({ id: this.nextId++, state: joined.state, joinEpoch: next, removed: false });
    }
    return true;
  }

  /** Broadcasts a proposal (by reference) to every current member but its sender. */
  broadcastProposal(from: SimMember, sent: { state: SimMember['state']; message: Uint8Array }): void {
    from.state = sent.state;
    for (const m of this.current) {
      if (m === from) continue;
      const r = processIncoming(m.state, sent.message, options);
      assert.equal(r.kind, 'proposal');
      if (r.kind === 'proposal') m.state = r.state;
    }
  }

  /** The commit a member makes for `kind`, with the key packages it adds. */
  makeCommit(by: SimMember, kind: 'update' | 'add' | 'remove', target: number): { created: CreatedCommit; joiners: KeyPackageBundle[] } | undefined {
    if (kind === 'add') {
      const joiners = this.freshKeyPackages(1);
      if (joiners.length === 0) return undefined;
      return { created: addMembers(by.state, joiners.map((j) => j.keyPackage), options), joiners };
    }
    if (kind === 'remove') {
      if (this.current.length <= 2) return undefined;
      const victim = this.pick(target, by)!;
      return { created: removeMembers(by.state, [victim.state.own.leafIndex], options), joiners: [] };
    }
    return { created: selfUpdate(by.state, options), joiners: [] };
  }

  commitPendingBy(committer: SimMember, joiners: readonly KeyPackageBundle[]): void {
    assert.ok(this.submit(committer, commitPending(committer.state, options), joiners));
  }

  send(by: SimMember): void {
    const text = `message ${this.nextText++} from ${by.id}`;
    const bytes = encryptApplication(by.state, new TextEncoder().encode(text));
    this.inFlight.push({ bytes, epoch: by.state.groupContext.epoch, senderId: by.id, text, handed: new Set(), readBy: new Set(), expectedBy: new Set() });
  }

  /** Hands one in-flight message to one member (once) and checks the outcome against the model. */
  hand(message: InFlight, to: SimMember): void {
    if (to.id === message.senderId || message.handed.has(to.id)) return;
    message.handed.add(to.id);
    totals.handed++;
    const expected = shouldRead(to, message.epoch, MAX_PAST_EPOCHS);
    if (expected) message.expectedBy.add(to.id);
    const where = `member ${to.id} (joined ${to.joinEpoch}, at ${to.state.groupContext.epoch}, removed ${to.removed}) reading epoch ${message.epoch}`;
    let result;
    try {
      result = processIncoming(to.state, message.bytes, options);
    } catch (error) {
      if (!(error instanceof GroupError)) throw error;
      assert.ok(!expected, `${where}: ${error.message}`);
      assert.equal(error.code, 'wrong-epoch', where);
      totals.refused++;
      if (to.joinEpoch > message.epoch) totals.refusedNotYetAdded++;
      else if (to.removed && to.state.groupContext.epoch < message.epoch) totals.refusedRemoved++;
      else totals.refusedPastWindow++;
      return;
    }
    assert.ok(expected, `${where}: decrypted although it should not`);
    assert.equal(result.kind, 'application', where);
    if (result.kind !== 'application') return;
    assert.equal(decoder.decode(result.data), message.text, where);
    assert.equal(result.epoch, message.epoch, where);
    message.readBy.add(to.id);
    totals.read++;
    if (this.random() < 0.1) {
      // §9.2: the key was deleted once used, so the same message a second time fails.
      assert.throws(() => processIncoming(to.state, message.bytes, options), (e: unknown) => e instanceof GroupError && e.code === 'replayed-message');
      totals.replays++;
    }
  }

  /** Late, out-of-order delivery: a random share of the pending (message, member) pairs. */
  deliverSome(share: number): void {
    for (const message of [...this.inFlight].sort(() => this.random() - 0.5)) {
      for (const m of this.all) if (this.random() < share) this.hand(message, m);
    }
  }

  /** Hands every message to every member ever (current, removed, added later). */
  deliverAll(): void {
    for (const message of this.inFlight) for (const m of this.all) this.hand(message, m);
  }

  assertAgreement(): void {
    const members = this.current;
    const first = members[0]!;
    for (const m of members) {
      assert.equal(m.state.groupContext.epoch, first.state.groupContext.epoch, `member ${m.id} epoch`);
      assert.equal(hexOf(m.state.keys.epochAuthenticator), hexOf(first.state.keys.epochAuthenticator), `member ${m.id} epoch authenticator`);
    }
  }

  /** After deliverAll: who read each message is exactly who the model says should have. */
  assertReaders(): void {
    for (const message of this.inFlight) {
      assert.deepEqual([...message.readBy].sort(), [...message.expectedBy].sort(), `readers of "${message.text}" (epoch ${message.epoch})`);
      for (const m of this.all) if (m.id !== message.senderId) assert.ok(message.handed.has(m.id), `"${message.text}" handed to ${m.id}`);
    }
  }
}
