/**
 * What happened in a chaos run, as the simulated users saw it: each message sent (and whether
 * the relay acknowledged it, in which epoch), each message shown by each device, each group's
 * members at each epoch, removals, and every failure the SDK reported. The invariants are
 * checked against this record at the end (invariants.ts).
 */

export interface SentRecord {
  readonly conversationId: string;
  readonly messageId: string;
  readonly senderDevice: string;
  /** The epoch it was first acknowledged in (the relay stored it). */
  ackedEpoch: bigint | undefined;
  /**
   * Every epoch it was acknowledged in: a message whose answer was lost is encrypted again
   * in the current epoch after a reconnect, so the relay may hold it in two epochs.
   */
  readonly ackedEpochs: Set<bigint>;
  /** The SDK told its author it was not sent: they were removed from the group before it went out. */
  reportedNotSent: boolean;
}

export interface FailureRecord {
  readonly device: string;
  readonly type: string;
  readonly detail: string;
  readonly conversationId?: string | undefined;
}

/** Bound on recorded failures (a broken run would otherwise grow without limit). */
const MAX_FAILURES_KEPT = 1_000;

export class Ledger {
  readonly sent = new Map<string, SentRecord>();
  /** device -> messageId -> times shown. */
  readonly shown = new Map<string, Map<string, number>>();
  /**
   * device -> messageId -> the epoch of the copy it read (the SDK reports it with each
   * received message). A message whose answer was lost is encrypted again in a later epoch,
   * so the relay may hold two copies: who may read it depends on the copy read, not on the
   * epoch it was acknowledged in.
   */
  readonly readIn = new Map<string, Map<string, bigint>>();
  /** conversationId -> epoch -> member device ids. */
  readonly membersAt = new Map<string, Map<bigint, Set<string>>>();
  /** conversationId -> device -> first epoch it is no longer a member of (its removal). */
  readonly removedAt = new Map<string, Map<string, bigint>>();
  /**
   * Devices removed from their account during the run (the relay revoked them at once, queue
   * included): nothing can be delivered to them any more, so the messages they had not read
   * yet are not counted as lost. What they did read is still checked (readsOutsideMembership).
   */
  readonly revoked = new Set<string>();
  readonly failures: FailureRecord[] = [];
  failureCount = 0;

  recordSend(conversationId: string, messageId: string, senderDevice: string): void {
    this.sent.set(messageId, { conversationId, messageId, senderDevice, ackedEpoch: undefined, ackedEpochs: new Set(), reportedNotSent: false });
  }

  recordRevoked(device: string): void {
    this.revoked.add(device);
  }

  recordNotSent(messageId: string): void {
    const record = this.sent.get(messageId);
    if (record !== undefined) record.reportedNotSent = true;
  }

  recordAck(messageId: string, epoch: bigint): void {
    const record = this.sent.get(messageId);
    if (record === undefined) return;
    record.ackedEpoch ??= epoch;
    record.ackedEpochs.add(epoch);
  }

  recordShown(device: string, messageId: string, epoch?: bigint): void {
    let seen = this.shown.get(device);
    if (seen === undefined) this.shown.set(device, (seen = new Map()));
    seen.set(messageId, (seen.get(messageId) ?? 0) + 1);
    if (epoch === undefined) return;
    let read = this.readIn.get(device);
    if (read === undefined) this.readIn.set(device, (read = new Map()));
    if (!read.has(messageId)) read.set(messageId, epoch);
  }

  /**
   * Messages a device read that it could not have read as a member: a copy of an epoch the
   * device was not a member of (so a removed device read something sent after its removal).
   * A read without a reported epoch is judged by the epochs the message was acknowledged in.
   */
  readsOutsideMembership(): { readonly messageId: string; readonly device: string; readonly epoch: bigint | undefined }[] {
    const out: { messageId: string; device: string; epoch: bigint | undefined }[] = [];
    for (const [device, seen] of this.shown) {
      for (const messageId of seen.keys()) {
        const record = this.sent.get(messageId);
        if (record === undefined) continue;
        const epochs = this.membersAt.get(record.conversationId);
        const epoch = this.readIn.get(device)?.get(messageId);
        // An epoch nobody reported members for cannot be judged (no member's view of it reached the ledger).
        const member = (at: bigint) => epochs?.get(at)?.has(device) ?? true;
        const ok = epoch !== undefined ? member(epoch) : record.ackedEpochs.size === 0 || [...record.ackedEpochs].some(member);
        if (!ok) out.push({ messageId, device, epoch });
      }
    }
    return out;
  }

  recordMembers(conversationId: string, epoch: bigint, devices: readonly string[]): void {
    let epochs = this.membersAt.get(conversationId);
    if (epochs === undefined) this.membersAt.set(conversationId, (epochs = new Map()));
    const now = new Set(devices);
    const before = epochs.get(epoch);
    if (before !== undefined && !sameSet(before, now)) {
      this.recordFailure({ device: '-', type: 'members-disagree', detail: `epoch ${epoch}: ${[...before].join(',')} vs ${[...now].join(',')}`, conversationId });
    }
    epochs.set(epoch, now);
    const previous = epochs.get(epoch - 1n);
    if (previous !== undefined) {
      for (const device of previous) if (!now.has(device)) this.recordRemoval(conversationId, device, epoch);
    }
  }

  recordRemoval(conversationId: string, device: string, epoch: bigint): void {
    let removed = this.removedAt.get(conversationId);
    if (removed === undefined) this.removedAt.set(conversationId, (removed = new Map()));
    const known = removed.get(device);
    if (known === undefined || epoch < known) removed.set(device, epoch);
  }

  recordFailure(failure: FailureRecord): void {
    this.failureCount++;
    if (this.failures.length < MAX_FAILURES_KEPT) this.failures.push(failure);
  }

  acknowledged(): SentRecord[] {
    return [...this.sent.values()].filter((r) => r.ackedEpoch !== undefined);
  }
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}
