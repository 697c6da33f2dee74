/**
 * Issue 6 with several devices: a contact's device linked after the last epoch is pending
 * (not added, the send does not fail) until an epoch logs it, then added; a device added by
 * someone else reaches members whose copy of the list is older through a refetch in the log
 * (not a refusal). Real server in process (epochs closed by the test), the real auditor
 * code, engines with the Node transport and transparency required.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeProvider } from '@sealed/crypto/node/provider';
import { decodeConfigurationWire } from '@sealed/protocol/transparency/configuration';
import { toHex } from '@sealed/protocol/encoding';
import { Auditor } from '@sealed/auditor/auditor';
import { FeedClient } from '@sealed/auditor/feed-client';
import { catchUp } from '@sealed/auditor/follower';
import type { Configuration } from '@sealed/kt/checkpoint/configuration';
import type { Action } from '../../src/engine/actions.ts';
import { Engine } from '../../src/engine/engine.ts';
import { NodeTransport } from '../../src/transport/node-transport.ts';
import { TransparencyClient } from '../../src/transparency/transparency-client.ts';
import { createNodeAccount, type NodeSession } from '../../src/host/node-host.ts';
import type { HostEvent } from '../../src/host/events.ts';
import { startHarness } from '../../../server/test/support/harness.ts';

const WAIT_MS = 20_000;
const TICK_MS = 100;

class KtPeer {
  readonly engine = new Engine({ provider: nodeProvider, now: Date.now(), keyPackageTarget: 4 });
  readonly actions: Action[] = [];
  readonly transport: NodeTransport;
  kt: TransparencyClient | undefined;
  private readonly ticker: ReturnType<typeof setInterval>;

  constructor(
    baseUrl: string,
    config: Configuration,
    username: string | undefined,
    private readonly requiredAuditors = 1,
  ) {
    // A linked device learns its username from the link: its client is made once it knows it.
    const hook = {
      vouchServedList: (u: string, l: Uint8Array, t?: Uint8Array) => this.client(baseUrl, config).vouchServedList(u, l, t),
      recordOwnChange: (v: Uint8Array) => this.client(baseUrl, config).recordOwnChange(v),
      monitorOwn: () => this.client(baseUrl, config).monitorOwn(),
    };
    this.transport = new NodeTransport({ baseUrl, engine: this.engine, transparency: hook, onAction: (a) => this.actions.push(a) });
    if (username !== undefined) this.client(baseUrl, config, username);
    this.ticker = setInterval(() => void this.transport.dispatch({ type: 'tick', now: Date.now() }), TICK_MS);
  }

  private client(baseUrl: string, config: Configuration, username = this.engine.username): TransparencyClient {
    if (this.kt === undefined) {
      this.kt = new TransparencyClient({ baseUrl, provider: nodeProvider, config, requiredAuditors: this.requiredAuditors, ownUsername: username!, token: () => this.engine.sessionToken });
      this.engine.requireTransparency(this.kt.vouched);
    }
    return this.kt;
  }

  of<T extends Action['type']>(type: T): Extract<Action, { type: T }>[] {
    return this.actions.filter((a): a is Extract<Action, { type: T }> => a.type === type);
  }

  failures(): Action[] {
    return this.actions.filter((a) => a.type === 'decrypt-failure' || a.type === 'intent-failed' || a.type === 'member-unverified');
  }

  async until(predicate: () => boolean, what: string): Promise<void> {
    const end = Date.now() + WAIT_MS;
    while (!predicate()) {
      if (Date.now() > end) throw new Error(`timed out: ${what}; failures ${JSON.stringify(this.failures())}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  close(): void {
    clearInterval(this.ticker);
    this.transport.close();
  }
}

test("a contact's newly linked device is pending until an epoch logs it, then added; members with an older list refetch it through the log", async () => {
  const auditorKey = nodeProvider.signatureGenerate('Ed25519');
  const auditorDir = mkdtempSync(join(tmpdir(), 'sealed-pending-kt-'));
  // Epochs close only when the test says so (a day between timer epochs).
  const harness = await startHarness(['--kt-epoch-ms', '86400000', '--kt-auditors', toHex(auditorKey.publicKey)]);
  const feed = new FeedClient(harness.server.url);
  const config = decodeConfigurationWire(await feed.configuration());
  const auditor = Auditor.open(auditorDir, config, auditorKey.privateKey);
  const epoch = async () => {
    await harness.server.transparency!.tick();
    await catchUp(auditor, feed, () => undefined);
  };
  const peers: KtPeer[] = [];
  const peer = async (username: string) => {
    const p = new KtPeer(harness.server.url, config, username);
    peers.push(p);
    await p.transport.run(p.engine.createAccount(username).actions);
    await p.until(() => p.of('account-ready').length > 0, `${username} ready`);
    return p;
  };
  try {
    const alice = await peer('alice');
    const bob = await peer('bob');
    const carol = await peer('carol');
    await epoch();

    // bob links a phone after that epoch: the relay serves his new list, the log has the old one.
    const phone = new KtPeer(harness.server.url, config, undefined);
    peers.push(phone);
    await phone.transport.run(phone.engine.beginLink().actions);
    await phone.until(() => phone.of('link-offer').length === 1, 'the phone shows a code');
    await bob.transport.run(bob.engine.approveLink(phone.of('link-offer')[0]!.code).actions);
    await phone.until(() => phone.of('account-ready').length > 0, 'the phone signs in');
    const phoneId = phone.engine.deviceId!;

    // alice starts a group with bob and carol: bob's phone is pending, the rest goes on.
    const started = alice.engine.createConversation(['bob', 'carol']);
    const id = started.value;
    await alice.transport.run(started.actions);
    await bob.until(() => bob.engine.conversationIds().includes(id), 'bob joins');
    await carol.until(() => carol.engine.conversationIds().includes(id), 'carol joins');
    await alice.until(() => alice.of('devices-pending').some((a) => a.username === 'bob'), 'the phone reported pending');
    assert.deepEqual(alice.of('devices-pending').find((a) => a.username === 'bob')!.deviceIds, [phoneId]);
    assert.equal(alice.engine.membersOf(id).some((m) => m.deviceId === phoneId), false, 'not added before the log has it');
    await alice.transport.run(alice.engine.send(id, 'before the epoch').actions);
    await carol.until(() => carol.actions.some((a) => a.type === 'show' && a.message.content.body.kind === 'text'), 'carol reads');
    // Trying again before the epoch: still pending, still no failure.
    await alice.transport.run(alice.engine.addMissingDevices(id, 'bob').actions);
    await alice.until(() => alice.of('devices-pending').length >= 2, 'pending again');
    assert.equal(alice.engine.membersOf(id).some((m) => m.deviceId === phoneId), false);

    // The next epoch logs the phone: alice's retry adds it; carol (whose copy of bob's list
    // predates the phone) refetches it in the log and accepts the commit.
    await epoch();
    await alice.transport.run(alice.engine.addMissingDevices(id, 'bob').actions);
    await phone.until(() => phone.engine.conversationIds().includes(id), 'the phone joins');
    await carol.until(() => carol.engine.membersOf(id).some((m) => m.deviceId === phoneId), 'carol accepts the phone');
    await alice.transport.run(alice.engine.send(id, 'after the epoch').actions);
    await phone.until(() => phone.actions.some((a) => a.type === 'show' && a.message.content.body.kind === 'text' && a.message.content.body.text === 'after the epoch'), 'the phone reads');
    for (const p of [alice, bob, carol, phone]) assert.deepEqual(p.failures(), [], 'no send failed, nothing was refused');
    assert.equal(carol.kt!.statusOf('bob').state, 'verified');
  } finally {
    for (const p of peers) p.close();
    auditor.close();
    await harness.cleanup();
    rmSync(auditorDir, { recursive: true, force: true });
  }
});

test('host: a device that never appears in the log stays out and is reported (alert kept in the vault, event emitted)', async () => {
  // No auditors here: the served size is the log's size (requiredAuditors 0).
  const harness = await startHarness(['--kt-epoch-ms', '86400000']);
  const home = mkdtempSync(join(tmpdir(), 'sealed-pending-host-'));
  const configuration = new Uint8Array(await (await fetch(`${harness.server.url}/v1/kt/config`)).arrayBuffer());
  const config = decodeConfigurationWire(configuration);
  const epoch = () => harness.server.transparency!.tick();
  const peers: KtPeer[] = [];
  let session: NodeSession | undefined;
  try {
    const bob = new KtPeer(harness.server.url, config, 'bob', 0);
    peers.push(bob);
    await bob.transport.run(bob.engine.createAccount('bob').actions);
    await bob.until(() => bob.of('account-ready').length > 0, 'bob ready');
    session = await createNodeAccount({
      directory: home,
      passcode: 'alice-passcode-1',
      serverUrl: harness.server.url,
      username: 'alice',
      timeoutMs: WAIT_MS,
      weakArgon2ForTests: { memoryKiB: 8, iterations: 1, parallelism: 1 },
      transparency: { pin: { configuration, requiredAuditors: 0 }, timing: { pendingRetryMs: 200, pendingGiveUpMs: 1500 } },
    });
    const host = session.host;
    const events: HostEvent[] = [];
    host.on((e) => events.push(e));
    await epoch();
    // bob links a phone; no epoch logs it from now on (the operator holds it back).
    const phone = new KtPeer(harness.server.url, config, undefined, 0);
    peers.push(phone);
    await phone.transport.run(phone.engine.beginLink().actions);
    await phone.until(() => phone.of('link-offer').length === 1, 'the phone shows a code');
    await bob.transport.run(bob.engine.approveLink(phone.of('link-offer')[0]!.code).actions);
    await phone.until(() => phone.of('account-ready').length > 0, 'the phone signs in');
    const { conversationId } = await host.createConversation(['bob']);
    await bob.until(() => bob.engine.conversationIds().includes(conversationId), 'bob joins');
    const refused = () => events.find((e): e is Extract<HostEvent, { type: 'transparency' }> => e.type === 'transparency' && e.alert.kind === 'device-refused');
    await bob.until(() => refused() !== undefined, 'the never-logged device is reported');
    assert.match(refused()!.alert.message, new RegExp(`^a device of bob \\(${phone.engine.deviceId!.slice(0, 8)}\\) never appeared in the key transparency log; it was not added to the conversation ${conversationId.slice(0, 8)}$`));
    assert.equal(host.engine.membersOf(conversationId).some((m) => m.deviceId === phone.engine.deviceId), false, 'never added');
    assert.deepEqual(host.transparency!.pendingDevices(), []);
    assert.equal(host.transparency!.alerts().filter((a) => a.kind === 'device-refused').length, 1);
    assert.equal(events.filter((e) => e.type === 'intent-failed').length, 0, 'the conversation itself did not fail');
  } finally {
    await session?.close();
    for (const p of peers) p.close();
    await harness.cleanup();
    rmSync(home, { recursive: true, force: true });
  }
});
