// A group whose members are Sealed and ts-mls parties, with the checks every step ends
// with: every member in the same epoch with the same epoch authenticator (RFC 9420 §8.7)
// and the same exported secret (§8.5), and every application message read by every other
// member.
import assert from 'node:assert/strict';
import type { CommitRequest, Party } from './party.ts';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const hexOf = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

export class InteropGroup {
  readonly members: Party[] = [];
  /** Epochs at which agreement was checked, for the test's log line. */
  epochsChecked = 0;

  constructor(creator: Party) {
    this.members.push(creator);
  }

  /** Every member agrees on the epoch, the epoch authenticator and an exported secret. */
  async assertAgreement(): Promise<void> {
    const first = this.members[0]!;
    const label = 'sealed interop';
    const context = text('check');
    const reference = hexOf(await first.exporter(label, context, 32));
    for (const m of this.members) {
      assert.equal(m.epoch(), first.epoch(), `${m.name} (${m.implementation}) epoch`);
      assert.equal(hexOf(m.epochAuthenticator()), hexOf(first.epochAuthenticator()), `${m.name} (${m.implementation}) epoch authenticator at epoch ${first.epoch()}`);
      assert.equal(hexOf(await m.exporter(label, context, 32)), reference, `${m.name} (${m.implementation}) exporter`);
    }
    this.epochsChecked++;
  }

  /**
   * `committer` commits `request` (and the proposals pending in this epoch); the others
   * process it; those added join by the Welcome. `removedByReference` are leaves removed
   * by pending proposals.
   */
  async commit(committer: Party, request: CommitRequest, joiners: readonly Party[] = [], removedByReference: readonly number[] = []): Promise<void> {
    const removedLeaves = new Set([...(request.remove ?? []), ...removedByReference]);
    const made = await committer.commit(request);
    const stay: Party[] = [];
    for (const m of this.members) {
      if (m === committer) {
        stay.push(m);
        continue;
      }
      const wasLeaf = m.leafIndex();
      const result = await m.process(made.commit);
      if (removedLeaves.has(wasLeaf)) {
        assert.equal(result.kind, 'removed', `${m.name} (${m.implementation}) should learn it was removed`);
      } else {
        assert.equal(result.kind, 'commit', `${m.name} (${m.implementation}) processing ${committer.name}'s commit`);
        stay.push(m);
      }
    }
    this.members.splice(0, this.members.length, ...stay);
    if (joiners.length > 0) {
      assert.ok(made.welcome !== undefined, 'a commit that adds members comes with a Welcome');
      for (const j of joiners) {
        await j.join(made.welcome);
        this.members.push(j);
      }
    }
    await this.assertAgreement();
  }

  /** `proposer` sends a proposal; every other member stores it. */
  async propose(proposer: Party, message: Uint8Array): Promise<void> {
    for (const m of this.members) {
      if (m === proposer) continue;
      assert.equal((await m.process(message)).kind, 'proposal', `${m.name} (${m.implementation}) storing ${proposer.name}'s proposal`);
    }
  }

  /** Every member sends one application message, read by every other member. */
  async talk(): Promise<number> {
    let delivered = 0;
    for (const sender of this.members) {
      const body = `${sender.name} at epoch ${sender.epoch()}`;
      const message = await sender.encrypt(text(body));
      for (const m of this.members) {
        if (m === sender) continue;
        const result = await m.process(message);
        assert.equal(result.kind, 'application', `${m.name} (${m.implementation}) reading ${sender.name} (${sender.implementation})`);
        if (result.kind === 'application') assert.equal(new TextDecoder().decode(result.data), body);
        delivered++;
      }
    }
    return delivered;
  }

  find(name: string): Party {
    const p = this.members.find((m) => m.name === name);
    if (p === undefined) throw new Error(`${name} is not a member`);
    return p;
  }
}
