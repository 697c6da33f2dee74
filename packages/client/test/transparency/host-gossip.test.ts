/**
 * Checkpoint gossip through a real host: every message carries the sender's checkpoint
 * (engine.setCheckpointSource, set by the host), and the receiving host checks it against
 * its own. A checkpoint of the same size with another root, signed with the log's key (a
 * forked view shown to the sender), reaches the user as a fork alert with both signed
 * checkpoints as evidence, kept in the vault. Real server in process, real host and vault.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { nodeProvider } from '@sealed/crypto/node/provider';
import { signTreeHead } from '@sealed/kt/checkpoint/tree-head';
import { decodeConfigurationWire } from '@sealed/protocol/transparency/configuration';
import type { Action } from '../../src/engine/actions.ts';
import { Engine } from '../../src/engine/engine.ts';
import { NodeTransport } from '../../src/transport/node-transport.ts';
import { TransparencyClient } from '../../src/transparency/transparency-client.ts';
import { encodeGossipCheckpoint } from '../../src/transparency/checkpoint-gossip.ts';
import { createNodeAccount, type NodeSession } from '../../src/host/node-host.ts';
import type { HostEvent } from '../../src/host/events.ts';
import { startHarness } from '../../../server/test/support/harness.ts';
import { SQLITE_FILE_NAME } from '../../../server/src/storage/sqlite/open.ts';

const WAIT_MS = 20_000;

async function until(predicate: () => boolean, what: string): Promise<void> {
  const end = Date.now() + WAIT_MS;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test('host: a checkpoint gossiped in a message that forks from ours becomes a fork alert with evidence; a consistent one changes nothing', async () => {
  const harness = await startHarness(['--kt-epoch-ms', '150']);
  const home = mkdtempSync(join(tmpdir(), 'sealed-gossip-host-'));
  const configuration = new Uint8Array(await (await fetch(`${harness.server.url}/v1/kt/config`)).arrayBuffer());
  const config = decodeConfigurationWire(configuration);
  let session: NodeSession | undefined;
  let transport: NodeTransport | undefined;
  try {
    // alice: an SDK client with transparency whose outgoing checkpoint the test controls.
    const engine = new Engine({ provider: nodeProvider, now: Date.now(), keyPackageTarget: 4 });
    const actions: Action[] = [];
    const kt = new TransparencyClient({ baseUrl: harness.server.url, provider: nodeProvider, config, requiredAuditors: 0, ownUsername: 'alice', token: () => engine.sessionToken });
    transport = new NodeTransport({ baseUrl: harness.server.url, engine, transparency: kt, onAction: (a) => actions.push(a) });
    engine.requireTransparency(kt.vouched);
    await transport.run(engine.createAccount('alice').actions);
    await until(() => actions.some((a) => a.type === 'account-ready'), 'alice ready');
    const outgoing: { forged?: Uint8Array } = {};
    engine.setCheckpointSource(() => outgoing.forged ?? kt.gossipCheckpoint());

    session = await createNodeAccount({
      directory: home,
      passcode: 'bob-passcode-1',
      serverUrl: harness.server.url,
      username: 'bob',
      timeoutMs: WAIT_MS,
      weakArgon2ForTests: { memoryKiB: 8, iterations: 1, parallelism: 1 },
      transparency: { pin: { configuration, requiredAuditors: 0 } },
    });
    const host = session.host;
    const events: HostEvent[] = [];
    host.on((e) => events.push(e));
    await new Promise((r) => setTimeout(r, 600)); // both accounts logged
    const started = engine.createConversation(['bob']);
    await transport.run(started.actions);
    await until(() => host.engine.conversationIds().includes(started.value), 'bob joins');
    await until(() => host.transparency!.client?.checkpoint !== undefined, 'bob holds a checkpoint');

    // A consistent checkpoint (alice's own, verified): nothing to report.
    await transport.run(engine.send(started.value, 'consistent').actions);
    await until(() => events.some((e) => e.type === 'message' && e.message.text === 'consistent'), 'bob reads');
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(host.transparency!.alerts(), []);

    // The operator showed alice another root for bob's size, signed with the log's key.
    const db = new Database(join(harness.dir, SQLITE_FILE_NAME), { readonly: true });
    const row = db.prepare('SELECT signing_key FROM kt_keys WHERE id = 1').get() as { signing_key: Buffer };
    db.close();
    const ours = host.transparency!.client!.checkpoint!;
    const forkRoot = new Uint8Array(32).fill(0xab);
    outgoing.forged = encodeGossipCheckpoint({ treeSize: ours.treeSize, timestamp: ours.timestamp, root: forkRoot, signature: signTreeHead(new Uint8Array(row.signing_key), config, ours.treeSize, forkRoot) });
    await transport.run(engine.send(started.value, 'from a forked view').actions);
    await until(() => events.some((e) => e.type === 'transparency' && e.alert.kind === 'fork'), 'the fork reaches bob as an alert');
    const alert = host.transparency!.alerts().find((a) => a.kind === 'fork')!;
    assert.match(alert.message, /^WARNING: the key transparency log showed two different histories/);
    assert.equal(alert.evidence!.first.treeSize, alert.evidence!.second.treeSize);
    assert.notEqual(alert.evidence!.first.root, alert.evidence!.second.root);
    assert.ok(events.some((e) => e.type === 'message' && e.message.text === 'from a forked view'), 'the message itself is shown');
    assert.equal(host.transparency!.client!.forks.length, 1);
  } finally {
    transport?.close();
    await session?.close();
    await harness.cleanup();
    rmSync(home, { recursive: true, force: true });
  }
});
