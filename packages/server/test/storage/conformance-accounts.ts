/** Conformance: accounts, devices, device lists, sessions, challenges, attachments metadata. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { StorageError } from '../../src/storage/errors.ts';
import type { AttachmentId } from '../../src/storage/types.ts';
import { bytesOf, createAccount, hexId, newAccount, newDevice, NOW, send, TODAY, withStorage, type OpenStorage } from './fixtures.ts';

function isStorageError(code: StorageError['code']) {
  return (error: unknown) => error instanceof StorageError && error.code === code;
}

export function accountConformance(open: OpenStorage): void {
  it('creates an account with its first device and device list v1', withStorage(open, async (s) => {
    const { input } = await createAccount(s, 'alice');
    const byName = await s.accounts.getAccountByUsername('alice');
    assert.deepEqual(byName, input.account);
    assert.deepEqual(await s.accounts.getAccount(input.account.id), input.account);
    assert.deepEqual(await s.accounts.getDevice(input.firstDevice.id), input.firstDevice);
    assert.deepEqual(await s.accounts.listDevices(input.account.id), [input.firstDevice]);
    assert.deepEqual(await s.accounts.getDeviceList(input.account.id), input.deviceList);
    assert.equal(await s.accounts.getAccountByUsername('bob'), undefined);
  }));

  it('rejects a taken username or device key with conflict and writes nothing', withStorage(open, async (s) => {
    const { input } = await createAccount(s, 'alice');
    const again = newAccount('alice');
    await assert.rejects(s.accounts.createAccount(again), isStorageError('conflict'));
    assert.equal(await s.accounts.getDevice(again.firstDevice.id), undefined);
    const sameKey = newAccount('carol');
    const firstDevice = { ...sameKey.firstDevice, signatureKey: input.firstDevice.signatureKey };
    await assert.rejects(s.accounts.createAccount({ ...sameKey, firstDevice }), isStorageError('conflict'));
    assert.equal(await s.accounts.getAccountByUsername('carol'), undefined);
  }));

  it('applies device-list changes only with an increasing version, cascading removals', withStorage(open, async (s) => {
    const { input, deviceId: first } = await createAccount(s);
    const accountId = input.account.id;
    const second = newDevice(accountId);
    await s.accounts.applyDeviceListChange({ accountId, deviceList: { version: 2, encoded: bytesOf(2) }, added: [second], removed: [] });
    assert.deepEqual((await s.accounts.listDevices(accountId)).map((d) => d.id), [first, second.id]);
    // Give the second device a session, key packages and a queue entry, then remove it.
    await s.sessions.createSession(bytesOf(7, 7), second.id, NOW + 1000);
    await s.keyPackages.addKeyPackages(second.id, [{ data: bytesOf(1) }], 10);
    await s.keyPackages.setLastResortKeyPackage(second.id, { data: bytesOf(2) });
    await s.queue.enqueue(send(first, [second.id]));
    const stale = { accountId, deviceList: { version: 2, encoded: bytesOf(3) }, added: [], removed: [second.id] };
    await assert.rejects(s.accounts.applyDeviceListChange(stale), isStorageError('version-not-increasing'));
    assert.ok(await s.accounts.getDevice(second.id), 'a rejected change removes nothing');
    await s.accounts.applyDeviceListChange({ ...stale, deviceList: { version: 3, encoded: bytesOf(3) } });
    assert.equal(await s.accounts.getDevice(second.id), undefined);
    assert.equal(await s.sessions.getSession(bytesOf(7, 7), NOW), undefined);
    assert.equal(await s.queue.count(second.id), 0);
    assert.deepEqual(await s.queue.fetch(second.id, 0, 10), []);
    const claimed = await s.keyPackages.claimKeyPackages(accountId);
    assert.deepEqual(claimed.map((c) => c.deviceId), []);
    assert.deepEqual(await s.accounts.getDeviceList(accountId), { version: 3, encoded: bytesOf(3) });
    const missing = { accountId: hexId<typeof accountId>(), deviceList: { version: 9, encoded: bytesOf(1) }, added: [], removed: [] };
    await assert.rejects(s.accounts.applyDeviceListChange(missing), isStorageError('not-found'));
  }));

  it('a device-list change adding a taken device key is a conflict and changes nothing', withStorage(open, async (s) => {
    const a = await createAccount(s);
    const b = await createAccount(s);
    const clash = { ...newDevice(b.input.account.id), signatureKey: a.input.firstDevice.signatureKey };
    const change = { accountId: b.input.account.id, deviceList: { version: 2, encoded: bytesOf(2) }, added: [clash], removed: [] };
    await assert.rejects(s.accounts.applyDeviceListChange(change), isStorageError('conflict'));
    assert.equal((await s.accounts.getDeviceList(b.input.account.id))?.version, 1);
  }));

  it('moves last-seen forward only', withStorage(open, async (s) => {
    const { input } = await createAccount(s);
    await s.accounts.touchLastSeen(input.account.id, TODAY + 86_400_000);
    await s.accounts.touchLastSeen(input.account.id, TODAY);
    assert.equal((await s.accounts.getAccount(input.account.id))?.lastSeenDay, TODAY + 86_400_000);
  }));

  it('sessions: found by hash until expiry, deleted singly or by expiry', withStorage(open, async (s) => {
    const { deviceId } = await createAccount(s);
    await s.sessions.createSession(bytesOf(1), deviceId, NOW + 10);
    await s.sessions.createSession(bytesOf(2), deviceId, NOW + 1000);
    assert.deepEqual(await s.sessions.getSession(bytesOf(1), NOW), { deviceId, expiresAt: NOW + 10 });
    assert.equal(await s.sessions.getSession(bytesOf(1), NOW + 10), undefined);
    assert.equal(await s.sessions.deleteExpiredSessions(NOW + 10), 1);
    await s.sessions.deleteSession(bytesOf(2));
    assert.equal(await s.sessions.getSession(bytesOf(2), NOW), undefined);
  }));

  it('challenges: consumed exactly once, never after expiry', withStorage(open, async (s) => {
    await s.challenges.putChallenge(bytesOf(1, 2), NOW + 100);
    await s.challenges.putChallenge(bytesOf(3, 4), NOW + 100);
    assert.equal(await s.challenges.consumeChallenge(bytesOf(1, 2), NOW), true);
    assert.equal(await s.challenges.consumeChallenge(bytesOf(1, 2), NOW), false);
    assert.equal(await s.challenges.consumeChallenge(bytesOf(3, 4), NOW + 100), false);
    assert.equal(await s.challenges.consumeChallenge(bytesOf(5), NOW), false);
    await s.challenges.putChallenge(bytesOf(6), NOW);
    assert.equal(await s.challenges.deleteExpiredChallenges(NOW), 1);
  }));

  it('attachments: stored, hidden after expiry, listed for deletion, ids unique', withStorage(open, async (s) => {
    const id = hexId<AttachmentId>(32);
    const record = { id, size: 5, createdAt: NOW, expiresAt: NOW + 100 };
    await s.attachments.putAttachment(record);
    await assert.rejects(s.attachments.putAttachment(record), isStorageError('conflict'));
    assert.deepEqual(await s.attachments.getAttachment(id, NOW), record);
    assert.equal(await s.attachments.getAttachment(id, NOW + 100), undefined);
    assert.deepEqual(await s.attachments.listExpiredAttachments(NOW + 100, 10), [id]);
    assert.deepEqual(await s.attachments.listExpiredAttachments(NOW, 10), []);
    await s.attachments.deleteAttachment(id);
    assert.deepEqual(await s.attachments.listExpiredAttachments(NOW + 100, 10), []);
  }));
}
