/**
 * The order in which relay entries arrive is not the order in which they can be processed.
 *
 * - Redeliveries: the relay sends an entry again until we acknowledge it (after a reconnect,
 *   or twice through a retrying path). Each is recognised by its relay seq and dropped.
 * - Reordering: pushes can reach a device by several paths (two relay nodes, NATS), so a
 *   higher seq may come first. A high-water mark would take the late lower seq for a
 *   redelivery and drop it after acknowledging it: a lost message. Seqs processed are kept
 *   in a bounded set instead.
 * - Causality across queues: a member who processed a commit may write to a new member
 *   before the adder's Welcome reaches that member's queue, and a commit may overtake the
 *   one before it. An entry of a group we have not joined yet, or of an epoch we have not
 *   reached, is held here, unacknowledged, and processed once a commit or Welcome makes it
 *   processable, or after AHEAD_MAX_MS (then it fails with its real reason and is counted).
 */
import type { DeliveredEntry } from '@sealed/protocol/frames/server';

/** Processed seqs remembered for recognising redeliveries (older ones: MLS replay protection and message ids still catch them). */
export const MAX_REMEMBERED_SEQS = 8_192;
/** Entries held for a group or epoch not reached yet; beyond it the oldest is processed as it is. */
export const MAX_AHEAD_ENTRIES = 1_024;
/** How long an entry may wait for its group or epoch (engine time, advanced by ticks). */
export const AHEAD_MAX_MS = 60_000;

interface Ahead {
  readonly entry: DeliveredEntry;
  readonly since: number;
}

export class Arrivals {
  private readonly processed = new Set<number>();
  private readonly processedOrder: number[] = [];
  private ahead: Ahead[] = [];

  /** True for a seq processed before (a redelivery) or already waiting here. */
  isDuplicate(seq: number): boolean {
    return this.processed.has(seq) || this.ahead.some((a) => a.entry.seq === seq);
  }

  /** True while `seq` waits here for its group or epoch (not processed, not to be acknowledged). */
  isAheadSeq(seq: number): boolean {
    return this.ahead.some((a) => a.entry.seq === seq);
  }

  markProcessed(seq: number): void {
    if (this.processed.has(seq)) return;
    this.processed.add(seq);
    this.processedOrder.push(seq);
    if (this.processedOrder.length > MAX_REMEMBERED_SEQS) this.processed.delete(this.processedOrder.shift()!);
  }

  /** Holds an entry that cannot be processed yet; returns the oldest held one if the bound is exceeded (process it as it is). */
  holdAhead(entry: DeliveredEntry, now: number): DeliveredEntry | undefined {
    this.ahead.push({ entry: { ...entry, payload: entry.payload.slice() }, since: now });
    return this.ahead.length > MAX_AHEAD_ENTRIES ? this.ahead.shift()!.entry : undefined;
  }

  get aheadCount(): number {
    return this.ahead.length;
  }

  /** Held entries that can be processed now (after a commit or Welcome), in arrival order. */
  takeProcessable(stillAhead: (entry: DeliveredEntry) => boolean): DeliveredEntry[] {
    const ready: DeliveredEntry[] = [];
    this.ahead = this.ahead.filter((a) => {
      if (stillAhead(a.entry)) return true;
      ready.push(a.entry);
      return false;
    });
    return ready;
  }

  /** Held entries that waited AHEAD_MAX_MS or more: they are processed as they are (and fail, counted). */
  takeExpired(now: number): DeliveredEntry[] {
    const expired = this.ahead.filter((a) => now - a.since >= AHEAD_MAX_MS).map((a) => a.entry);
    if (expired.length > 0) this.ahead = this.ahead.filter((a) => now - a.since < AHEAD_MAX_MS);
    return expired;
  }
}
