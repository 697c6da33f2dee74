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
  /** conversationId -> epoch -> member device ids. */
  readonly membersAt = new Map<string, Map<bigint, Set<string>>>();
  /** conversationId -> device -> first epoch it is no longer a member of (its removal). */
  readonly removedAt = new Map<string, Map<string, bigint>>();
  readonly failures: FailureRecord[] = [];
  failureCount = 0;

  recordSend(conversationId: string, messageId: string, senderDevice: string): void {
    this.sent.set(messageId, { conversationId, messageId, senderDevice, ackedEpoch: undefined, ackedEpochs: new Set() });
  }

  recordAck(messageId: string, epoch: bigint): void {
    const record = this.sent.get(messageId);
    if (record === undefined) return;
    record.ackedEpoch ??= epoch;
    record.ackedEpochs.add(epoch);
  }

  recordShown(device: string, messageId: string): void {
    let seen = this.shown.get(device);
    if (seen === undefined) this.shown.set(device, (seen = new Map()));
    seen.set(messageId, (seen.get(messageId) ?? 0) + 1);
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
