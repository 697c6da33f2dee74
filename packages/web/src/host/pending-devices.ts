/**
 * Contacts' devices the engine kept out of a conversation because the key-transparency log
 * does not show them yet (action `devices-pending`): tried again on the session's ticks
 * through the engine's `addMissingDevices` (added once logged), and reported refused once
 * they stayed out longer than the give-up bound. The same rule as the CLI's host
 * (packages/client/src/host/transparency-host.ts), kept here because the web client runs
 * its own Session rather than SealedHost.
 */
import type { Action } from '@sealed/client/engine/actions';
import type { Engine, Started } from '@sealed/client/engine/engine';

/** Pending (conversation, account) pairs tracked at once; more are dropped (the engine reports them again). */
export const MAX_PENDING_DEVICE_SETS = 256;
/** Device ids kept per pair (a device list is bounded far below). */
const MAX_PENDING_PER_SET = 64;

interface Pending {
  readonly conversationId: string;
  readonly username: string;
  readonly deviceIds: Set<string>;
  readonly since: number;
}

export class PendingDevices {
  private readonly pending = new Map<string, Pending>();

  /** Tracks the devices a `devices-pending` action names. */
  note(action: Extract<Action, { type: 'devices-pending' }>, now: number): void {
    const key = `${action.conversationId}:${action.username}`;
    const known = this.pending.get(key);
    if (known !== undefined) {
      for (const d of action.deviceIds) if (known.deviceIds.size < MAX_PENDING_PER_SET) known.deviceIds.add(d);
      return;
    }
    if (this.pending.size >= MAX_PENDING_DEVICE_SETS) return;
    this.pending.set(key, { conversationId: action.conversationId, username: action.username, deviceIds: new Set(action.deviceIds.slice(0, MAX_PENDING_PER_SET)), since: now });
  }

  /** Devices still waiting, for the status line and tests. */
  list(): { conversationId: string; username: string; deviceIds: string[]; since: number }[] {
    return [...this.pending.values()].map((p) => ({ ...p, deviceIds: [...p.deviceIds] }));
  }

  /**
   * One retry round: devices now members are forgotten; pairs pending longer than
   * `giveUpMs` are reported through `refused` and forgotten; the rest get an
   * `addMissingDevices` intent (run by `run`).
   */
  retry(engine: Engine, now: number, giveUpMs: number, run: (started: Started) => void, refused: (message: string) => void): void {
    const conversations = new Set(engine.conversationIds());
    for (const [key, p] of this.pending) {
      if (!conversations.has(p.conversationId)) {
        this.pending.delete(key);
        continue;
      }
      const members = new Set(engine.membersOf(p.conversationId).map((m) => m.deviceId));
      for (const d of [...p.deviceIds]) if (members.has(d)) p.deviceIds.delete(d);
      if (p.deviceIds.size === 0) {
        this.pending.delete(key);
        continue;
      }
      if (now - p.since > giveUpMs) {
        this.pending.delete(key);
        const ids = [...p.deviceIds].map((d) => d.slice(0, 8)).join(', ');
        refused(`A device of ${p.username} (${ids}) never appeared in the key-transparency log; it was not added to the conversation.`);
        continue;
      }
      try {
        run(engine.addMissingDevices(p.conversationId, p.username));
      } catch {
        this.pending.delete(key); // the conversation is gone
      }
    }
  }
}
