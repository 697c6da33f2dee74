/**
 * Engines wired to a FakeRelay without sockets: every action is performed at once and its
 * outcome queued as an event for the engine that asked. `run()` delivers events until
 * nothing is left (bounded).
 */
import assert from 'node:assert/strict';
import { nodeProvider } from '@sealed/crypto/node/provider';
import type { Action, ShownMessage } from '../../src/engine/actions.ts';
import { Engine, type EngineOptions } from '../../src/engine/engine.ts';
import type { EngineEvent } from '../../src/engine/events.ts';
import { FakeRelay } from './fake-relay.ts';

/** Upper bound on events delivered by one `run()`: far above any test's need, so a livelock fails fast. */
const MAX_EVENTS_PER_RUN = 50_000;

export class Client {
  readonly shown: ShownMessage[] = [];
  readonly failures: Action[] = [];
  readonly conversations = new Map<string, Extract<Action, { type: 'conversation' }>>();
  readonly closed: string[] = [];
  /** Relay acknowledgements of our own messages ('sent' actions), in order. */
  readonly acknowledged: Extract<Action, { type: 'sent' }>[] = [];
  readonly saved = new Map<string, Uint8Array>();
  readonly inbox: EngineEvent[] = [];
  /** Every action performed, in order (feature tests look at the typed ones). */
  readonly all: Action[] = [];
  online = false;
  ready = false;

  constructor(
    readonly name: string,
    readonly engine: Engine,
  ) {}

  texts(conversationId?: string): string[] {
    return this.shown.filter((m) => conversationId === undefined || m.conversationId === conversationId).map((m) => (m.content.body.kind === 'text' ? m.content.body.text : `<${m.content.body.kind}>`));
  }
}

export class Network {
  readonly relay = new FakeRelay();
  readonly clients: Client[] = [];

  client(name: string, keyPackageTarget = 12, options: Partial<Pick<EngineOptions, 'deferDeliveryReceipts'>> = {}): Client {
    const client = new Client(name, new Engine({ provider: nodeProvider, now: this.relay.now, keyPackageTarget, ...options }));
    this.clients.push(client);
    return client;
  }

  perform(client: Client, actions: readonly Action[]): void {
    for (const action of actions) {
      client.all.push(action);
      switch (action.type) {
        case 'http':
          client.inbox.push({ type: 'http-response', id: action.id, outcome: this.relay.http(action.request, action.token) });
          break;
        case 'connect':
          client.online = true;
          this.relay.connect(action.token, (frame) => {
            if (client.online) client.inbox.push({ type: 'frame', frame });
          });
          break;
        case 'send-frame':
          if (client.online) this.relay.frame(client.engine.deviceId!, action.frame);
          break;
        case 'save':
          client.saved.set(`${action.record}:${action.key}`, action.bytes);
          break;
        case 'delete':
          client.saved.delete(`${action.record}:${action.key}`);
          break;
        case 'account-ready':
          client.ready = true;
          break;
        case 'conversation':
          client.conversations.set(action.conversationId, action);
          break;
        case 'conversation-closed':
          client.closed.push(action.conversationId);
          break;
        case 'show':
          client.shown.push(action.message);
          break;
        case 'sent':
          client.acknowledged.push(action);
          break;
        case 'decrypt-failure':
        case 'intent-failed':
        case 'member-unverified':
          client.failures.push(action);
          break;
      }
    }
  }

  /** Delivers queued events until none are left. */
  run(): void {
    for (let steps = 0; steps < MAX_EVENTS_PER_RUN; steps++) {
      const client = this.clients.find((c) => c.inbox.length > 0);
      if (client === undefined) return;
      this.perform(client, client.engine.handle(client.inbox.shift()!));
    }
    assert.fail(`network did not settle within ${MAX_EVENTS_PER_RUN} events`);
  }

  /** Delivers queued events of every client but `skip` (its frames wait in its inbox, to be reordered by a test). */
  runExcept(skip: Client): void {
    for (let steps = 0; steps < MAX_EVENTS_PER_RUN; steps++) {
      const client = this.clients.find((c) => c !== skip && c.inbox.length > 0);
      if (client === undefined) return;
      this.perform(client, client.engine.handle(client.inbox.shift()!));
    }
    assert.fail(`network did not settle within ${MAX_EVENTS_PER_RUN} events`);
  }

  /** Takes a client offline (its socket closes; queued frames for it are dropped). */
  offline(client: Client): void {
    client.online = false;
    client.inbox.length = 0;
    this.relay.disconnect(client.engine.deviceId!);
    this.perform(client, client.engine.handle({ type: 'socket-down' }));
  }

  /** Brings a client back: the engine signs in again and reconnects. */
  reconnect(client: Client): void {
    this.perform(client, client.engine.handle({ type: 'socket-closed' }));
    this.run();
  }

  async account(name: string, options: Partial<Pick<EngineOptions, 'deferDeliveryReceipts'>> = {}): Promise<Client> {
    const client = this.client(name, 12, options);
    this.perform(client, client.engine.createAccount(name).actions);
    this.run();
    assert.ok(client.ready, `${name} account ready`);
    return client;
  }
}
