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
const POLL_MS = 25;
/** How often the engine is told the time, as an app's timer would. */
const TICK_MS = 1_000;

export class SimUser {
  readonly engine: Engine;
  readonly transport: NodeTransport;
  deviceId = '';
  offline = false;
  private ready = false;
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

  private observe(action: Action): void {
    switch (action.type) {
      case 'account-ready':
        this.deviceId = action.deviceId;
        this.ready = true;
        break;
      case 'show':
        if (!action.message.outgoing) this.ledger.recordShown(this.deviceId, action.message.messageId, action.message.epoch);
        break;
      case 'sent':
        this.ledger.recordAck(action.messageId, action.epoch);
        break;
      case 'conversation':
        this.ledger.recordMembers(action.conversationId, action.epoch, action.members.map((m) => m.deviceId));
        break;
      case 'decrypt-failure':
        this.ledger.recordFailure({ device: this.deviceId, type: action.type, detail: action.reason, conversationId: action.conversationId });
        break;
      case 'intent-failed':
        if (action.error.code === 'removed-before-sent') this.ledger.recordNotSent(action.error.detail);
        this.ledger.recordFailure({ device: this.deviceId, type: action.type, detail: action.error.code === 'relay-error' ? action.error.message : action.error.code });
        break;
      case 'member-unverified':
        this.ledger.recordFailure({ device: this.deviceId, type: action.type, detail: action.usernames.join(','), conversationId: action.conversationId });
        break;
      default:
        break;
    }
  }
}
