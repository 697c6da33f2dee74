/**
 * Delivered entries on their way into the engine, in order: processed at once, or held
 * while they must wait (a commit of ours awaits the relay's answer, or members are being
 * verified), released when that ends; redeliveries dropped by seq and entries of a group or
 * epoch not reached yet held until a commit or Welcome makes them processable (arrivals.ts);
 * the catch-up after READY counted; one ACK per batch for what was processed or dropped.
 */
import type { DeliveredEntry } from '@sealed/protocol/frames/server';
import type { Action } from './actions.ts';
import { Arrivals, MAX_REMEMBERED_SEQS } from './arrivals.ts';
import type { EngineCore } from './core.ts';
import { isAhead } from './entry-readiness.ts';
import { processEntry } from './incoming.ts';
import { MAX_HELD_ENTRIES } from './limits.ts';

export class Inbox {
  /** Entries received while a commit of ours awaits the relay's answer, kept in order. */
  private held: DeliveredEntry[] = [];
  /** Redelivery recognition and entries waiting for their group or epoch (arrivals.ts). */
  private readonly arrivals = new Arrivals();
  /** Seqs received on the current socket (READY clears it): copies do not count toward the catch-up. */
  private readonly sessionSeqs = new Set<number>();

  /** `caughtUp`: moves every conversation forward once the catch-up ends or held entries are released. */
  constructor(
    private readonly core: EngineCore,
    private readonly caughtUp: () => Action[],
  ) {}

  /** A new socket (READY): its copies are counted afresh toward the catch-up. */
  newSession(): void {
    this.sessionSeqs.clear();
  }

  /** True while entries must wait: a commit of ours in flight, or members being verified. */
  busy(): boolean {
    if (this.core.verifying > 0) return true;
    for (const c of this.core.conversations.values()) if (c.inFlight !== undefined) return true;
    return false;
  }

  /** `actions`, then what is released if nothing makes entries wait any more. */
  releaseAfter(actions: Action[]): Action[] {
    return this.busy() ? actions : [...actions, ...this.release()];
  }

  deliver(entries: readonly DeliveredEntry[]): Action[] {
    if (this.busy()) {
      if (this.held.length + entries.length > MAX_HELD_ENTRIES) return []; // not acked: the relay sends them again
      this.held.push(...entries.map((e) => ({ ...e, payload: e.payload.slice() })));
      this.core.holding = this.held.length;
      return [];
    }
    return this.processInOrder(entries);
  }

  /** Entries that waited too long for their group or epoch: processed as they are (each failure is reported). */
  expireAhead(): Action[] {
    const expired = this.arrivals.takeExpired(this.core.now);
    return expired.length === 0 ? [] : this.processInOrder(expired, true);
  }

  /** Counts only, for engine.describeWaiting. */
  describe(): string {
    return `held=${this.held.length} ahead=${this.arrivals.aheadCount}`;
  }

  private release(): Action[] {
    const held = this.held;
    this.held = [];
    this.core.holding = 0;
    if (held.length === 0) return [];
    const actions = this.processInOrder(held);
    // Texts written while entries were held waited (we may have been behind): send them now.
    return this.held.length === 0 ? [...actions, ...this.caughtUp()] : actions;
  }

  /**
   * Processes entries in arrival order (arrivals.ts): redeliveries are dropped by seq,
   * entries of a group or epoch not reached yet are held until a commit or Welcome makes
   * them processable; stops holding the rest as soon as one of them starts a commit of ours.
   * `preChecked` entries come from the ahead buffer: counted and checked already.
   */
  private processInOrder(entries: readonly DeliveredEntry[], preChecked = false): Action[] {
    const core = this.core;
    const actions: Action[] = [];
    const acked: number[] = [];
    let caughtUpNow = false;
    const queue = [...entries];
    const released = new Set<DeliveredEntry>(preChecked ? entries : []);
    // Released after a commit or Welcome because they had become processable: one released
    // before them may have changed that again (two Welcomes of one group, the earlier one
    // joined: the later one waits for the commit removing us from that membership).
    const recheck = new Set<DeliveredEntry>();
    let index = 0;
    for (; index < queue.length; index++) {
      if (this.busy()) break;
      const entry = queue[index]!;
      if (recheck.has(entry) && isAhead(core, entry)) {
        const evicted = this.arrivals.holdAhead(entry, core.now);
        if (evicted !== undefined) {
          released.add(evicted);
          queue.splice(index + 1, 0, evicted);
        }
        continue;
      }
      if (!released.has(entry)) {
        // The catch-up counts the entries the relay had queued at READY, redeliveries of
        // earlier sessions included, but a copy of an entry already seen on this socket is
        // not one of them: counted, it ended the catch-up early and we sent while behind.
        const firstCopy = !this.sessionSeqs.has(entry.seq);
        if (firstCopy && this.sessionSeqs.size < MAX_REMEMBERED_SEQS) this.sessionSeqs.add(entry.seq);
        if (firstCopy && core.catchUp > 0) {
          core.catchUp--;
          if (core.catchUp === 0) caughtUpNow = true;
        }
        if (this.arrivals.isDuplicate(entry.seq)) {
          if (!this.arrivals.isAheadSeq(entry.seq)) acked.push(entry.seq);
          core.stats.duplicatesDropped++;
          continue;
        }
        if (isAhead(core, entry)) {
          const evicted = this.arrivals.holdAhead(entry, core.now);
          if (evicted !== undefined) {
            released.add(evicted);
            queue.splice(index + 1, 0, evicted);
          }
          continue;
        }
      }
      acked.push(entry.seq);
      this.arrivals.markProcessed(entry.seq);
      actions.push(...processEntry(core, entry));
      if ((entry.kind === 'commit' || entry.kind === 'welcome') && this.arrivals.aheadCount > 0) {
        const ready = this.arrivals.takeProcessable((e) => isAhead(core, e));
        for (const r of ready) {
          released.add(r);
          recheck.add(r);
        }
        queue.splice(index + 1, 0, ...ready);
      }
    }
    if (acked.length > 0) actions.push({ type: 'send-frame', frame: { type: 'ack', seqs: acked } });
    if (index < queue.length) this.held.unshift(...queue.slice(index));
    core.holding = this.held.length;
    if (caughtUpNow) actions.push(...this.caughtUp());
    return actions;
  }
}
