/**
 * One SDK client for whole-system tests: an Engine driven by a NodeTransport against a
 * real server process, with what it showed collected and bounded waits.
 */
import { nodeProvider } from '@sealed/crypto/node/provider';
import type { Action, ShownMessage } from '../../src/engine/actions.ts';
import { Engine } from '../../src/engine/engine.ts';
import { NodeTransport } from '../../src/transport/node-transport.ts';

/** Upper bound on any single wait of a test (a message, a conversation). */
export const WAIT_MS = 20_000;
const POLL_MS = 20;

export class SdkClient {
  readonly engine: Engine;
  readonly transport: NodeTransport;
  readonly shown: ShownMessage[] = [];
  readonly actions: Action[] = [];

  constructor(baseUrl: string, keyPackageTarget = 12) {
    this.engine = new Engine({ provider: nodeProvider, now: Date.now(), keyPackageTarget });
    this.transport = new NodeTransport({
      baseUrl,
      engine: this.engine,
      onAction: (action) => {
        this.actions.push(action);
        if (action.type === 'show') this.shown.push(action.message);
      },
    });
  }

  static async create(baseUrl: string, username: string): Promise<SdkClient> {
    const client = new SdkClient(baseUrl);
    await client.transport.run(client.engine.createAccount(username).actions);
    await client.until(() => client.actions.some((a) => a.type === 'account-ready'), `${username} account`);
    return client;
  }

  texts(conversationId: string): string[] {
    return this.shown.filter((m) => m.conversationId === conversationId).map((m) => (m.content.body.kind === 'text' ? m.content.body.text : `<${m.content.body.kind}>`));
  }

  failures(): Action[] {
    return this.actions.filter((a) => a.type === 'decrypt-failure' || a.type === 'intent-failed' || a.type === 'member-unverified');
  }

  async send(conversationId: string, text: string): Promise<void> {
    await this.transport.run(this.engine.send(conversationId, text).actions);
  }

  /** Polls `predicate` until it holds. @throws after WAIT_MS, or when the transport failed. */
  async until(predicate: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    while (!predicate()) {
      if (this.transport.failure !== undefined) throw new Error(`transport failed while waiting for ${what}: ${String(this.transport.failure)}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; failures: ${JSON.stringify(this.failures().map((f) => ('reason' in f ? f.reason : 'error' in f ? f.error.message : f.type)))}`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  close(): void {
    this.transport.close();
  }
}
