/**
 * The SDK (engine + Node transport) with key transparency required, against the real server
 * (in process, real SQLite, short epochs) audited by the real auditor code: a contact is
 * verified in the log before the engine learns its devices and adds them to a group; a
 * device list served outside the log makes the intent fail instead of reaching the group.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeProvider } from '@sealed/crypto/node/provider';
import { decodeConfigurationWire } from '@sealed/protocol/transparency/configuration';
import { toBase64Url, toHex } from '@sealed/protocol/encoding';
import { Auditor } from '@sealed/auditor/auditor';
import { FeedClient } from '@sealed/auditor/feed-client';
import { catchUp } from '@sealed/auditor/follower';
import type { Action } from '../../src/engine/actions.ts';
import { Engine } from '../../src/engine/engine.ts';
import { NodeTransport } from '../../src/transport/node-transport.ts';
import { TransparencyClient } from '../../src/transparency/transparency-client.ts';
import { startHarness } from '../../../server/test/support/harness.ts';
import { newTestDevice, ed25519, signedDeviceList } from '../../../server/test/support/identity.ts';
import { TamperProxy } from '../../../server/test/transparency-harness/tamper-proxy.ts';

const WAIT_MS = 20_000;

async function until(predicate: () => boolean, what: string): Promise<void> {
  const end = Date.now() + WAIT_MS;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('engine with transparency: contacts verified in the log before their devices join a group; a list outside the log fails the intent', async () => {
  const auditorKey = nodeProvider.signatureGenerate('Ed25519');
  const auditorDir = mkdtempSync(join(tmpdir(), 'sealed-engine-kt-'));
  const harness = await startHarness(['--kt-epoch-ms', '150', '--kt-auditors', toHex(auditorKey.publicKey)]);
  const proxy = await TamperProxy.start(harness.server.url);
  const feed = new FeedClient(harness.server.url);
  const config = decodeConfigurationWire(await feed.configuration());
  const auditor = Auditor.open(auditorDir, config, auditorKey.privateKey);
  let auditing = true;
  const auditLoop = (async () => {
    while (auditing) {
      await catchUp(auditor, feed, () => undefined).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const peers: { engine: Engine; transport: NodeTransport; actions: Action[] }[] = [];
  const peer = (kt?: TransparencyClient) => {
    const engine = new Engine({ provider: nodeProvider, now: Date.now(), keyPackageTarget: 4 });
    const actions: Action[] = [];
    const transport = new NodeTransport({ baseUrl: proxy.baseUrl, engine, onAction: (a) => actions.push(a), ...(kt === undefined ? {} : { transparency: kt }) });
    if (kt !== undefined) engine.requireTransparency(kt.vouched);
    const p = { engine, transport, actions };
    peers.push(p);
    return p;
  };
  try {
    const bob = peer();
    await bob.transport.run(bob.engine.createAccount('bob').actions);
    await until(() => bob.actions.some((a) => a.type === 'account-ready'), 'bob ready');
    const aliceKt = new TransparencyClient({ baseUrl: proxy.baseUrl, provider: nodeProvider, config, requiredAuditors: 1, ownUsername: 'alice', token: () => undefined });
    const alice = peer(aliceKt);
    await alice.transport.run(alice.engine.createAccount('alice').actions);
    await until(() => alice.actions.some((a) => a.type === 'account-ready'), 'alice ready');
    // Let bob's registration reach a countersigned epoch.
    await until(() => auditor.size >= 2, 'two audited epochs');
    await new Promise((r) => setTimeout(r, 600));

    const started = alice.engine.createConversation(['bob']);
    await alice.transport.run(started.actions);
    await until(() => aliceKt.statusOf('bob').state === 'verified', 'bob verified in the log');
    await until(() => alice.actions.some((a) => a.type === 'conversation'), 'conversation created');
    const status = aliceKt.statusOf('bob');
    assert.equal(status.state, 'verified');

    // carol registers; the server then serves her account with a list outside the log.
    const carol = peer();
    await carol.transport.run(carol.engine.createAccount('carol').actions);
    await until(() => carol.actions.some((a) => a.type === 'account-ready'), 'carol ready');
    await new Promise((r) => setTimeout(r, 900));
    const forger = ed25519();
    const ghost = signedDeviceList('carol', forger, 2, [newTestDevice()]);
    proxy.tampers.push((x, status, body) => {
      if (!x.path.startsWith('/v1/accounts/carol')) return undefined;
      const json = JSON.parse(Buffer.from(body).toString('utf8')) as Record<string, string>;
      return { status, body: Buffer.from(JSON.stringify({ ...json, deviceList: toBase64Url(ghost) })) };
    });
    const before = alice.actions.length;
    const seenBefore = proxy.seen.length;
    await alice.transport.run(alice.engine.createConversation(['carol']).actions);
    await until(() => alice.actions.slice(before).some((a) => a.type === 'intent-failed'), 'the intent fails');
    assert.equal(aliceKt.statusOf('carol').state, 'failed');
    // No key package of carol's was claimed: none of her (or the ghost's) devices was added.
    assert.deepEqual(proxy.seen.slice(seenBefore).filter((l) => l.startsWith('POST /v1/key-packages/claim')), []);
  } finally {
    auditing = false;
    await auditLoop;
    for (const p of peers) p.transport.close();
    auditor.close();
    await proxy.close();
    await harness.cleanup();
    rmSync(auditorDir, { recursive: true, force: true });
  }
});
