/**
 * Disclosure: no stored time dates a sign-in or a send more precisely than the manifest
 * says (session expiry: day; idempotency expiry: hour; queue receive time: day), while
 * session expiry and retry idempotency still work.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { toHex } from '@sealed/protocol/encoding';
import type { SendFrame } from '@sealed/protocol/frames/client';
import { sha256 } from '../../src/keys/ed25519.ts';
import { SQLITE_FILE_NAME } from '../../src/storage/sqlite/open.ts';
import { DAY_MS, HOUR_MS, toDay, type DeviceId, type GroupId } from '../../src/storage/types.ts';
import { register, startHarness, tokenOf, type Harness } from '../support/harness.ts';
import { TestSocket } from '../support/ws-client.ts';

// 2026-11-26T10:17:23.456Z: neither a day nor an hour boundary.
const START = Date.UTC(2026, 10, 26, 10, 17, 23, 456);

describe('coarse stored times', () => {
  let h: Harness;
  let clock = START;
  let db: Database.Database;
  before(async () => {
    h = await startHarness([], { now: () => clock });
    db = new Database(join(h.dir, SQLITE_FILE_NAME), { readonly: true });
  });
  after(async () => {
    db.close();
    await h.cleanup();
  });

  it('sessions: expiry rounded up to the end of the day, and enforced at that time', async () => {
    const alice = await register(h.server.url, 'alice.coarse');
    const rows = db.prepare('SELECT expires_at FROM sessions').all() as { expires_at: number }[];
    assert.ok(rows.length >= 1);
    for (const { expires_at } of rows) {
      assert.equal(expires_at % DAY_MS, 0, 'expiry is a day boundary');
      assert.ok(expires_at >= START + 30 * DAY_MS && expires_at < START + 31 * DAY_MS);
    }
    const hash = sha256(tokenOf(alice));
    const expiry = rows[0]!.expires_at;
    assert.ok(await h.server.storage.sessions.getSession(hash, expiry - 1));
    assert.equal(await h.server.storage.sessions.getSession(hash, expiry), undefined);
  });

  it('sends: receive time is the day, idempotency expiry the hour; a retry within a day is a duplicate', async () => {
    const [alice, bob] = [await register(h.server.url, 'alice2.coarse'), await register(h.server.url, 'bob2.coarse')];
    const socket = await TestSocket.connect(h.server.url, tokenOf(alice));
    const frame: SendFrame = {
      type: 'send',
      requestId: 1,
      clientMessageId: new Uint8Array(randomBytes(16)),
      kind: 'application',
      epoch: 0,
      groupId: new Uint8Array(randomBytes(32)),
      recipients: [bob.devices[0]!.id],
      payload: new Uint8Array([1, 2, 3]),
    };
    socket.send(frame);
    await socket.next('sent');
    const bobId = toHex(bob.devices[0]!.id);
    const entry = db.prepare('SELECT received_at FROM queue WHERE device_id = ?').get(bobId) as { received_at: number };
    assert.equal(entry.received_at, toDay(START));
    const idem = db.prepare('SELECT expires_at FROM idempotency WHERE sender_device_id = ?').get(toHex(alice.devices[0]!.id)) as { expires_at: number };
    assert.equal(idem.expires_at % HOUR_MS, 0, 'expiry is an hour boundary');
    assert.ok(idem.expires_at >= START + DAY_MS && idem.expires_at < START + DAY_MS + HOUR_MS);
    // A retry just before a full day has passed is still recognised.
    clock = START + DAY_MS - 1;
    socket.send({ ...frame, requestId: 2 });
    await socket.next('sent');
    assert.equal(await h.server.storage.queue.count(bobId as DeviceId), 1, 'the retry wrote nothing');
    await socket.close();
  });

  it('groups: the (id, epoch) row goes after 90 days without a commit; the next commit starts over', async () => {
    const [alice, bob] = [await register(h.server.url, 'alice3.coarse'), await register(h.server.url, 'bob3.coarse')];
    const socket = await TestSocket.connect(h.server.url, tokenOf(alice));
    const groupId = new Uint8Array(randomBytes(32));
    const commit = (epoch: number, requestId: number): SendFrame => ({
      type: 'send', requestId, clientMessageId: new Uint8Array(randomBytes(16)), kind: 'commit', epoch, groupId, recipients: [bob.devices[0]!.id], payload: new Uint8Array([9]),
    });
    socket.send(commit(0, 1));
    assert.equal((await socket.next('sent')).epoch, 1);
    const group = toHex(groupId) as GroupId;
    clock += 90 * DAY_MS;
    await h.server.sweep();
    assert.equal(await h.server.storage.queue.getEpoch(group), 1, 'kept for the full 90 days');
    clock += DAY_MS + 1;
    await h.server.sweep();
    assert.equal(await h.server.storage.queue.getEpoch(group), 0, 'expired');
    socket.send(commit(1, 2));
    assert.equal((await socket.next('sent')).epoch, 2, 'the next commit starts over at its own epoch');
    await socket.close();
  });
});
