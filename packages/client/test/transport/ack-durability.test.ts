/**
 * An ACK leaves only after the write batch of its engine step is durable (transport
 * node-transport.ts): while the durable flush of the step that showed a message has not
 * finished (a slow disk, held here by a gate), the relay has not been told, so after a
 * reconnect it delivers the entry again and the engine drops the copy. Before, the ACK left
 * in the middle of the step, ahead of the writes (history record, group state) it vouched for.
 * Real server process, real engines and transports; the records go to the SDK's memory store.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeProvider } from '@sealed/crypto/node/provider';
import { freePort, startServer, type ServerProcess } from '../../../server/test/support/server-process.ts';
import type { ShownMessage } from '../../src/engine/actions.ts';
import { Engine } from '../../src/engine/engine.ts';
import { MemoryRecordStore, NodeTransport, type RecordStore } from '../../src/transport/node-transport.ts';
import { SdkClient, WAIT_MS } from '../e2e/sdk-client.ts';

/** Records in memory; once armed, the next durable flush waits until `open()` (a disk that has not answered yet). */
class GatedStore implements RecordStore {
  readonly records = new MemoryRecordStore();
  armed = false;
  held = false;
  #open: (() => void) | undefined;
  save(record: 'account' | 'group' | 'meta', key: string, bytes: Uint8Array) {
    return this.records.save(record, key, bytes);
  }
  delete(record: 'group' | 'meta', key: string) {
    return this.records.delete(record, key);
  }
  hold(): void {}
  async flush(durable: boolean): Promise<void> {
    if (durable) await this.#gate();
  }
  async release(durable: boolean): Promise<void> {
    if (durable) await this.#gate();
  }
  async #gate(): Promise<void> {
    if (!this.armed) return;
    this.armed = false;
    this.held = true;
    await new Promise<void>((resolve) => (this.#open = resolve));
  }
  open(): void {
    this.#open?.();
  }
}

async function until(predicate: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let server: ServerProcess;
let dir: string;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sealed-ack-durability-'));
  server = await startServer({ label: 'server', port: await freePort(), args: ['--storage', 'sqlite', '--data-dir', dir, '--register-per-minute', '100000', '--claim-per-minute', '100000', '--log-level', 'warn'] });
});
after(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('a message shown while its step is not yet durable is not acknowledged: after a reconnect the relay delivers it again', async () => {
  const alice = await SdkClient.create(server.baseUrl, 'alice');
  const store = new GatedStore();
  const engine = new Engine({ provider: nodeProvider, now: Date.now(), keyPackageTarget: 12 });
  const shown: ShownMessage[] = [];
  let ready = false;
  const bob = new NodeTransport({
    baseUrl: server.baseUrl,
    engine,
    store,
    onAction: (action) => {
      if (action.type === 'show') shown.push(action.message);
      if (action.type === 'account-ready') ready = true;
    },
  });
  try {
    await bob.run(engine.createAccount('bob').actions);
    await until(() => ready, 'bob registered');
    const started = alice.engine.createConversation(['bob']);
    await alice.transport.run(started.actions);
    await until(() => engine.conversationIds().includes(started.value), 'bob joined');
    await alice.send(started.value, 'warm up');
    await until(() => shown.length === 1, 'warm up shown');
    await bob.idle();

    store.armed = true;
    await alice.send(started.value, 'durable first');
    await until(() => store.held, 'the step that shows it waits for the disk');
    assert.deepEqual(shown.map((m) => (m.content.body.kind === 'text' ? m.content.body.text : '')), ['warm up', 'durable first'], 'shown before it is durable');
    const dropped = engine.stats.duplicatesDropped;
    bob.goOffline();
    store.open();
    await bob.idle();
    await bob.goOnline();
    await until(() => engine.stats.duplicatesDropped > dropped, 'the relay delivered the unacknowledged entry again');
    assert.equal(shown.length, 2, 'shown once');
    assert.equal(engine.stats.undecryptable, 0);
  } finally {
    bob.close();
    alice.close();
  }
});
