// Several devices per account with the SDK (engine + Node transport) against a real server
// process: link by code through the relay's mailbox, sync to every group, removal and
// revocation, typed errors for wrong codes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startServer, type ServerProcess } from '../../../server/test/support/server-process.ts';
import type { Action } from '../../src/engine/actions.ts';
import { encodeLinkCode } from '../../src/engine/devices/link-code.ts';
import { SdkClient } from './sdk-client.ts';

/** Clock ticks drive mailbox polling and device-sync retries (a host sends them, here every 200 ms). */
const TICK_MS = 200;

function find<T extends Action['type']>(client: SdkClient, type: T): Extract<Action, { type: T }>[] {
  return client.actions.filter((a): a is Extract<Action, { type: T }> => a.type === type);
}

describe('devices of one account against a real server', () => {
  let server: ServerProcess;
  let dir: string;
  const clients: SdkClient[] = [];
  let ticker: ReturnType<typeof setInterval> | undefined;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sealed-devices-e2e-'));
    const port = await freePort();
    server = await startServer({ label: 'server', port, args: ['--storage', 'sqlite', '--data-dir', dir, '--register-per-minute', '100000', '--claim-per-minute', '100000', '--log-level', 'warn'] });
    ticker = setInterval(() => {
      for (const c of clients) void c.transport.dispatch({ type: 'tick', now: Date.now() });
    }, TICK_MS);
  });
  after(async () => {
    if (ticker !== undefined) clearInterval(ticker);
    for (const c of clients) c.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('link a phone by code, it joins the conversation, reads and is read; remove it: revoked and cut off', async () => {
    const alice = await SdkClient.create(server.baseUrl, 'alice');
    const bob = await SdkClient.create(server.baseUrl, 'bob');
    clients.push(alice, bob);
    const started = alice.engine.createConversation(['bob']);
    const id = started.value;
    await alice.transport.run(started.actions);
    await alice.send(id, 'before the phone');
    await bob.until(() => bob.texts(id).length === 1, 'bob receives');

    const phone = new SdkClient(server.baseUrl);
    clients.push(phone);
    await phone.transport.run(phone.engine.beginLink().actions);
    await phone.until(() => find(phone, 'link-offer').length === 1, 'the phone shows a code');
    const offer = find(phone, 'link-offer')[0]!;
    assert.match(offer.code, /^[0-9A-Z]{5}(-[0-9A-Z]{1,5})+$/);
    await alice.transport.run(alice.engine.approveLink(offer.code).actions);
    await alice.until(() => find(alice, 'device-linked').length === 1, 'alice links the phone');
    assert.equal(find(alice, 'device-linked')[0]!.verificationCode, offer.verificationCode);
    await phone.until(() => phone.actions.some((a) => a.type === 'account-ready'), 'the phone signs in');
    assert.equal(phone.engine.username, 'alice');
    await phone.until(() => phone.engine.conversationIds().includes(id), 'the phone joins the conversation');
    await bob.until(() => bob.engine.membersOf(id).some((m) => m.deviceId === phone.engine.deviceId), 'bob sees the phone');

    await bob.send(id, 'hello phone');
    await phone.until(() => phone.texts(id).includes('hello phone'), 'the phone reads bob');
    await phone.send(id, 'sent from the phone');
    await bob.until(() => bob.texts(id).includes('sent from the phone'), 'bob reads the phone');
    await alice.until(() => alice.texts(id).includes('sent from the phone'), 'the laptop shows what the phone sent');
    assert.deepEqual([...alice.failures(), ...bob.failures(), ...phone.failures()], []);
    assert.deepEqual(alice.engine.devices().map((d) => d.deviceId).sort(), [alice.engine.deviceId!, phone.engine.deviceId!].sort());

    // Removal: the server revokes the phone at once; the group drops it.
    const phoneId = phone.engine.deviceId!;
    await alice.transport.run(alice.engine.removeDevice(phoneId).actions);
    await bob.until(() => !bob.engine.membersOf(id).some((m) => m.deviceId === phoneId), 'the phone leaves the group');
    await phone.until(() => phone.actions.some((a) => a.type === 'sign-in-failed' || a.type === 'conversation-closed'), 'the phone is cut off');
    const shownBefore = phone.texts(id).length;
    await bob.send(id, 'after the removal');
    await alice.until(() => alice.texts(id).includes('after the removal'), 'alice reads on');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(phone.texts(id).length, shownBefore, 'nothing new reaches the removed phone');
    assert.deepEqual(alice.engine.devices().map((d) => d.deviceId), [alice.engine.deviceId!]);
    assert.deepEqual([...alice.failures(), ...bob.failures()], []);
  });

  it('a third device: both online devices of the account hear of it (notice) and race to add it; one commit wins, everyone agrees', async () => {
    const dan = await SdkClient.create(server.baseUrl, 'dan');
    const erin = await SdkClient.create(server.baseUrl, 'erin');
    clients.push(dan, erin);
    const link = async (existing: SdkClient): Promise<SdkClient> => {
      const fresh = new SdkClient(server.baseUrl);
      clients.push(fresh);
      await fresh.transport.run(fresh.engine.beginLink().actions);
      await fresh.until(() => find(fresh, 'link-offer').length === 1, 'a code');
      await existing.transport.run(existing.engine.approveLink(find(fresh, 'link-offer')[0]!.code).actions);
      await fresh.until(() => fresh.actions.some((a) => a.type === 'account-ready'), 'signed in');
      return fresh;
    };
    const started = dan.engine.createConversation(['erin']);
    const id = started.value;
    await dan.transport.run(started.actions);
    await erin.until(() => erin.engine.conversationIds().includes(id), 'erin joins');
    const phone = await link(dan);
    await phone.until(() => phone.engine.conversationIds().includes(id), 'the phone joins');
    const tablet = await link(dan);
    await tablet.until(() => tablet.engine.conversationIds().includes(id), 'the tablet joins');
    const danDevices = [dan, phone, tablet].map((c) => c.engine.deviceId!).sort();
    for (const c of [dan, phone, tablet, erin]) {
      await c.until(() => JSON.stringify(c.engine.membersOf(id).filter((m) => m.username === 'dan').map((m) => m.deviceId).sort()) === JSON.stringify(danDevices), 'every view has the three devices');
    }
    await tablet.send(id, 'tablet speaking');
    for (const c of [dan, phone, erin]) await c.until(() => c.texts(id).includes('tablet speaking'), 'everyone reads the tablet');
    const epochs = new Set([dan, phone, tablet, erin].map((c) => c.engine.epochOf(id)));
    assert.equal(epochs.size, 1, 'one epoch for all');
    assert.deepEqual([dan, phone, tablet, erin].flatMap((c) => c.failures()), []);
    console.log(`commit races lost while adding the tablet: ${dan.engine.stats.commitRacesLost + phone.engine.stats.commitRacesLost}`);
  });

  it('a code for no mailbox fails with link-expired; text that is no code is refused at once', async () => {
    const carol = await SdkClient.create(server.baseUrl, 'carol');
    clients.push(carol);
    assert.throws(() => carol.engine.approveLink('hello'), /invalid-link-code/);
    const started = carol.engine.approveLink(encodeLinkCode({ linkId: new Uint8Array(16).fill(3), commitment: new Uint8Array(16) }));
    await carol.transport.run(started.actions);
    await carol.until(() => carol.actions.some((a) => a.type === 'intent-failed'), 'the intent fails');
    const failed = find(carol, 'intent-failed')[0]!;
    assert.equal(failed.intent, started.intent);
    assert.equal(failed.error.code, 'link-expired');
    assert.equal(carol.engine.devices().length, 1);
  });
});
