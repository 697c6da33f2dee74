/**
 * A simulated user: one device running the real SDK (Engine + NodeTransport) against a relay
 * node through a fault proxy. Everything it shows, acknowledges and reports goes to the
 * ledger; nothing here decides what the user does (scenario.ts does).
 */
import { nodeProvider } from '@sealed/crypto/node/provider';
import type { Action } from '@sealed/client/engine/actions';
import { Engine } from '@sealed/client/engine/engine';
import { NodeTransport } from '@sealed/client/transport/node-transport';
import type { Ledger } from './ledger.ts';

/** Longest a user waits for its own account to be ready. */
const ACCOUNT_READY_MS = 60_000;
/** Longest a new device waits for its link code, then for its account (a loaded machine is slow; faults add retries). */
const LINK_READY_MS = 120_000;
const POLL_MS = 25;
/** How often the engine is told the time, as an app's timer would. */
const TICK_MS = 1_000;

export class SimUser {
  readonly engine: Engine;
  readonly transport: NodeTransport;
  deviceId = '';
  offline = false;
  /** Removed from its account by another device: the relay revoked it (it reads and sends nothing more). */
  revoked = false;
  /** For a device linked during the run: the device that linked it. */
  linkedBy: SimUser | undefined;
  /**
   * Per conversation, what this device last saw of its own membership (the epoch of its last
   * `conversation` action; when and why it stopped being a member): printed with a decrypt
   * failure of a conversation it is not a member of, so a lost membership can be traced.
   */
  private readonly membership = new Map<string, { epoch?: bigint; joins: number; ended?: { at: number; epoch?: bigint; why: string } }>();
  private readonly startedAt = Date.now();
  private ready = false;
  private linkCode: string | undefined;
  private counter = 0;
  private ticker: NodeJS.Timeout | undefined;

  private constructor(
    readonly username: string,
    readonly entryPoint: string,
    private readonly ledger: Ledger,
  ) {
    this.engine = new Engine({ provider: nodeProvider, now: Date.now(), keyPackageTarget: 8 });
    this.transport = new NodeTransport({ baseUrl: entryPoint, engine: this.engine, onAction: (action) => this.observe(action) });
  }

  static async create(username: string, entryPoint: string, ledger: Ledger): Promise<SimUser> {
    const user = new SimUser(username, entryPoint, ledger);
    // A host feeds the engine its clock (retries, expiry, self-updates); the user's app does it every second.
    user.ticker = setInterval(() => void user.tick(), TICK_MS);
    await user.transport.run(user.engine.createAccount(username).actions);
    const deadline = Date.now() + ACCOUNT_READY_MS;
    while (!user.ready) {
      if (user.transport.failure !== undefined) throw new Error(`${username}: transport failed: ${String(user.transport.failure)}`);
      if (Date.now() > deadline) throw new Error(`${username}: account not ready within ${ACCOUNT_READY_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    return user;
  }

  /**
   * A new device of `primary`'s account, linked by code as a person would: it shows a code,
   * the primary approves it, the new device signs in and is added to every conversation.
   * @throws Error when the link does not complete within LINK_READY_MS
   */
  static async link(primary: SimUser, entryPoint: string, ledger: Ledger): Promise<SimUser> {
    const device = new SimUser(primary.username, entryPoint, ledger);
    device.linkedBy = primary;
    device.ticker = setInterval(() => void device.tick(), TICK_MS);
    try {
      await device.transport.run(device.engine.beginLink().actions);
      await device.until(() => device.linkCode !== undefined, 'link code');
      await primary.transport.run(primary.engine.approveLink(device.linkCode!).actions);
      // The account is installed once the engine knows its device id; `account-ready` follows
      // the key-package upload, which a relay restart can delay while the device already reads.
      await device.until(() => device.ready || device.engine.deviceId !== undefined, 'linked account installed');
    } catch (error) {
      device.close();
      throw error;
    }
    return device;
  }

  private async until(done: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + LINK_READY_MS;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`${this.username}: ${what} not within ${LINK_READY_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  /** Sends a text; the ledger learns of it now and of its acknowledgement later. */
  async send(conversationId: string): Promise<void> {
    const text = `${this.username} #${++this.counter}`;
    const started = this.engine.send(conversationId, text);
    this.ledger.recordSend(conversationId, started.value, this.deviceId);
    await this.transport.run(started.actions);
  }

  goOffline(): void {
    this.offline = true;
    this.transport.goOffline();
  }

  async goOnline(): Promise<void> {
    this.offline = false;
    await this.transport.goOnline();
  }

  /** Advances the engine's clock (self-updates, expiry) to now. */
  async tick(): Promise<void> {
    await this.transport.dispatch({ type: 'tick', now: Date.now() });
  }

  close(): void {
    if (this.ticker !== undefined) clearInterval(this.ticker);
    this.transport.close();
  }

  private endMembership(conversationId: string, why: string): void {
    const seen = this.membership.get(conversationId) ?? { joins: 0 };
    seen.ended = { at: Date.now(), ...(seen.epoch === undefined ? {} : { epoch: seen.epoch }), why };
    this.membership.set(conversationId, seen);
  }

  /** "removed at epoch 118, 95 s ago (joined 2 times)", or "never joined": how this device came to hold no membership. */
  private membershipStory(conversationId: string): string {
    const seen = this.membership.get(conversationId);
    if (seen === undefined) return 'never joined';
    const joins = `joined ${seen.joins} time${seen.joins === 1 ? '' : 's'}`;
    if (seen.ended === undefined) return `${joins}, never closed (left without a close action)`;
    const { at, epoch, why } = seen.ended;
    return `${why} at epoch ${epoch ?? '?'}, ${Math.round((Date.now() - at) / 1000)} s ago, ${Math.round((at - this.startedAt) / 1000)} s into the run; ${joins}`;
  }

  private observe(action: Action): void {
    // A linked device reads (Welcomes, messages) as soon as its account is installed, maybe
    // before `account-ready`: the ledger must know which device read (a read under '' was lost).
    if (this.deviceId === '' && this.engine.deviceId !== undefined) this.deviceId = this.engine.deviceId;
    // A device its account removed is wiped by its host: what fails on it afterwards (its
    // session is revoked) is nobody's to see. Counted apart, not as an SDK failure.
    if (this.revoked && (action.type === 'intent-failed' || action.type === 'decrypt-failure' || action.type === 'member-unverified')) {
      this.ledger.recordFailure({ device: this.deviceId, type: 'after-revocation', detail: action.type });
      return;
    }
    switch (action.type) {
      case 'account-ready':
        this.deviceId = action.deviceId;
        this.ready = true;
        break;
      case 'link-offer':
        this.linkCode = action.code;
        break;
      case 'device-removed':
        this.revoked = true;
        this.ledger.recordRevoked(this.deviceId);
        break;
      case 'show':
        if (!action.message.outgoing) this.ledger.recordShown(this.deviceId, action.message.messageId, action.message.epoch);
        break;
      case 'sent':
        this.ledger.recordAck(action.messageId, action.epoch);
        break;
      case 'conversation': {
        this.ledger.recordMembers(action.conversationId, action.epoch, action.members.map((m) => m.deviceId));
        const seen = this.membership.get(action.conversationId);
        if (seen === undefined || seen.ended !== undefined) this.membership.set(action.conversationId, { epoch: action.epoch, joins: (seen?.joins ?? 0) + 1 });
        else seen.epoch = action.epoch;
        break;
      }
      case 'conversation-closed':
        this.endMembership(action.conversationId, 'removed');
        break;
      case 'decrypt-failure': {
        // Where the device stood when it failed (its epoch, or no longer a member): the first clue for a replay.
        const id = action.conversationId;
        const epoch = id === undefined ? undefined : this.engine.epochOf(id);
        const where = id === undefined ? '' : ` ${id.slice(0, 12)} (${epoch === undefined ? `not a member: ${this.membershipStory(id)}` : `device at epoch ${epoch}`}, seq ${action.seq})`;
        this.ledger.recordFailure({ device: this.deviceId, type: action.type, detail: `${action.reason}${where}`, conversationId: id });
        break;
      }
      case 'intent-failed':
        if (action.error.code === 'removed-before-sent') this.ledger.recordNotSent(action.error.detail);
        this.ledger.recordFailure({ device: this.deviceId, type: action.type, detail: action.error.code === 'relay-error' ? action.error.message : action.error.code });
        break;
      case 'member-unverified':
        if (action.left) this.endMembership(action.conversationId, `left, unverified ${action.usernames.join(',')}`);
        this.ledger.recordFailure({ device: this.deviceId, type: action.type, detail: action.usernames.join(','), conversationId: action.conversationId });
        break;
      default:
        break;
    }
  }
}
