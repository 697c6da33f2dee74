/** Conformance: delivery queues, idempotency, commit ordering, bounds, expiry. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { MAX_APPLICATION_EPOCH_LAG } from '@sealed/protocol/limits';
import { DAY_MS, toDay, type DeviceId, type GroupId } from '../../src/storage/types.ts';
import { bytesOf, createAccount, hexId, NOW, send, withStorage, type OpenStorage } from './fixtures.ts';

export function queueConformance(open: OpenStorage): void {
  it('enqueue: one entry per recipient, contiguous seqs, fetched in windows in order', withStorage(open, async (s) => {
    const { deviceId: a } = await createAccount(s);
    const { deviceId: b } = await createAccount(s);
    const { deviceId: c } = await createAccount(s);
    for (let i = 0; i < 5; i++) {
      const result = await s.queue.enqueue(send(a, [b, c], { payload: bytesOf(i), now: NOW + i }));
      assert.deepEqual(result, { status: 'accepted', entries: [{ deviceId: b, seq: i + 1 }, { deviceId: c, seq: i + 1 }], epoch: 0 });
    }
    assert.equal(await s.queue.count(b), 5);
    const first = await s.queue.fetch(b, 0, 2);
    assert.deepEqual(first, [
      { seq: 1, kind: 'application', receivedAt: NOW, payload: bytesOf(0) },
      { seq: 2, kind: 'application', receivedAt: NOW + 1, payload: bytesOf(1) },
    ]);
    assert.deepEqual((await s.queue.fetch(b, 2, 10)).map((e) => e.seq), [3, 4, 5]);
    assert.deepEqual(await s.queue.fetch(b, 5, 10), []);
  }));

  it('concurrent enqueues are applied in call order; a rejected one does not disturb the others', withStorage(open, async (s) => {
    const { deviceId: a } = await createAccount(s);
    const { deviceId: b } = await createAccount(s);
    const ghost = hexId<DeviceId>();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => s.queue.enqueue(send(a, i === 7 ? [b, ghost] : [b], { payload: bytesOf(i) }))),
    );
    assert.deepEqual(results[7], { status: 'unknown-recipient', deviceId: ghost });
    const entries = await s.queue.fetch(b, 0, 100);
    assert.deepEqual(entries.map((e) => e.payload[0]), Array.from({ length: 20 }, (_, i) => i).filter((i) => i !== 7));
    assert.deepEqual(entries.map((e) => e.seq), Array.from({ length: 19 }, (_, i) => i + 1));
  }));

  it('ack deletes only the acking device\'s entries', withStorage(open, async (s) => {
    const { deviceId: a } = await createAccount(s);
    const { deviceId: b } = await createAccount(s);
    await s.queue.enqueue(send(a, [a, b]));
    await s.queue.enqueue(send(a, [b]));
    assert.equal(await s.queue.ack(a, [2]), 0, 'a has no seq 2');
    assert.equal(await s.queue.ack(b, [1, 2, 99]), 2);
    assert.equal(await s.queue.ack(b, [1]), 0, 'ack is idempotent');
    assert.equal(await s.queue.count(b), 0);
    assert.equal(await s.queue.count(a), 1);
    const next = await s.queue.enqueue(send(a, [b]));
    assert.equal(next.status === 'accepted' && next.entries[0]!.seq, 3, 'seqs never restart');
  }));

  it('acks in any order, with repeats and gaps, delete exactly the named entries; counters stay right when sends and acks share a commit', withStorage(open, async (s) => {
    const { deviceId: a } = await createAccount(s);
    const { deviceId: b } = await createAccount(s);
    for (let i = 0; i < 10; i++) await s.queue.enqueue(send(a, [b]));
    assert.equal(await s.queue.ack(b, [7, 3, 4, 3, 5, 10, 12]), 5);
    assert.deepEqual((await s.queue.fetch(b, 0, 100)).map((e) => e.seq), [1, 2, 6, 8, 9]);
    assert.equal(await s.queue.count(b), 5);
    // Started together (a back end may commit them in one transaction; acks are not ordered
    // with sends, so they name entries that exist already).
    const [sent1, acked, sent2, ackedAgain] = await Promise.all([
      s.queue.enqueue(send(a, [b])),
      s.queue.ack(b, [2, 1]),
      s.queue.enqueue(send(a, [b])),
      s.queue.ack(b, [6]),
    ]);
    assert.deepEqual([sent1.status === 'accepted' && sent1.entries[0]!.seq, acked, sent2.status === 'accepted' && sent2.entries[0]!.seq, ackedAgain], [11, 2, 12, 1]);
    assert.deepEqual((await s.queue.fetch(b, 0, 100)).map((e) => e.seq), [8, 9, 11, 12]);
    assert.equal(await s.queue.count(b), 4);
    const next = await s.queue.enqueue(send(a, [b]));
    assert.equal(next.status === 'accepted' && next.entries[0]!.seq, 13);
  }));

  it('a retry with the same client message id is idempotent', withStorage(open, async (s) => {
    const { deviceId: a } = await createAccount(s);
    const { deviceId: b } = await createAccount(s);
    const input = send(a, [b], { kind: 'commit' });
    assert.equal((await s.queue.enqueue(input)).status, 'accepted');
    assert.deepEqual(await s.queue.enqueue(input), { status: 'duplicate', epoch: 1 });
    assert.equal(await s.queue.count(b), 1);
    assert.equal(await s.queue.getEpoch(input.groupId), 1);
    // Another sender may use the same client id.
    assert.equal((await s.queue.enqueue({ ...input, senderDeviceId: b, recipients: [a], epoch: 1 })).status, 'accepted');
  }));

  it('commits: epoch must be current; the first wins and advances; losers get stale-epoch', withStorage(open, async (s) => {
    const { deviceId: a } = await createAccount(s);
    const { deviceId: b } = await createAccount(s);
    const groupId = hexId<GroupId>();
    assert.equal(await s.queue.getEpoch(groupId), 0);
    const racers = await Promise.all(Array.from({ length: 8 }, () => s.queue.enqueue(send(a, [b], { groupId, kind: 'commit', epoch: 0 }))));
    assert.equal(racers.filter((r) => r.status === 'accepted').length, 1);
    for (const r of racers.filter((r) => r.status !== 'accepted')) assert.deepEqual(r, { status: 'stale-epoch', currentEpoch: 1 });
    assert.equal(await s.queue.count(b), 1, 'losers wrote nothing');
    assert.deepEqual(await s.queue.enqueue(send(a, [b], { groupId, kind: 'commit', epoch: 5 })), { status: 'stale-epoch', currentEpoch: 1 });
    const app = await s.queue.enqueue(send(a, [b], { groupId, kind: 'application', epoch: 0 }));
    assert.equal(app.status === 'accepted' && app.epoch, 1, 'application messages are not epoch-checked');
    assert.equal((await s.queue.enqueue(send(a, [b], { groupId, kind: 'commit', epoch: 1 }))).status, 'accepted');
    assert.equal(await s.queue.getEpoch(groupId), 2);
  }));

  // Chaos suite: a SEND delayed in the network while commits passed was stored more than two
  // epochs behind its group, and every member failed it as wrong-epoch.
  it('an application message more than MAX_APPLICATION_EPOCH_LAG epochs behind gets stale-epoch, writes nothing, and can be sent again', withStorage(open, async (s) => {
    const { deviceId: a } = await createAccount(s);
    const { deviceId: b } = await createAccount(s);
    const groupId = hexId<GroupId>();
    const current = MAX_APPLICATION_EPOCH_LAG + 3;
    assert.equal((await s.queue.enqueue(send(a, [b], { groupId, kind: 'commit', epoch: current - 1 }))).status, 'accepted');
    assert.equal(await s.queue.getEpoch(groupId), current);
    await s.queue.ack(b, [1]);
    const stale = send(a, [b], { groupId, epoch: current - MAX_APPLICATION_EPOCH_LAG - 1 });
    assert.deepEqual(await s.queue.enqueue(stale), { status: 'stale-epoch', currentEpoch: current });
    assert.equal(await s.queue.count(b), 0, 'nothing queued');
    assert.equal(await s.queue.getEpoch(groupId), current, 'epoch untouched');
    // No idempotency record was left: the same client message id, encrypted again in a recent epoch, is stored.
    const again = await s.queue.enqueue({ ...stale, epoch: current });
    assert.equal(again.status, 'accepted');
    // At the bound (and for proposals and welcomes, whatever their epoch) it is stored.
    assert.equal((await s.queue.enqueue(send(a, [b], { groupId, epoch: current - MAX_APPLICATION_EPOCH_LAG }))).status, 'accepted');
    assert.equal((await s.queue.enqueue(send(a, [b], { groupId, kind: 'proposal', epoch: 0 }))).status, 'accepted');
    assert.equal((await s.queue.enqueue(send(a, [b], { groupId, kind: 'welcome', epoch: 0 }))).status, 'accepted');
    // A group the relay does not know (never committed, or expired) checks nothing.
    assert.equal((await s.queue.enqueue(send(a, [b], { groupId: hexId<GroupId>(), epoch: 40 }))).status, 'accepted');
    assert.equal(await s.queue.count(b), 5);
  }));

  it('queue bound and unknown recipients reject the whole send and write nothing', withStorage(open, async (s) => {
    const { deviceId: a } = await createAccount(s);
    const { deviceId: b } = await createAccount(s);
    const { deviceId: c } = await createAccount(s);
    await s.queue.enqueue(send(a, [b], { maxQueuedPerDevice: 2 }));
    await s.queue.enqueue(send(a, [b], { maxQueuedPerDevice: 2 }));
    const groupId = hexId<GroupId>();
    const full = send(a, [c, b], { maxQueuedPerDevice: 2, kind: 'commit', groupId });
    assert.deepEqual(await s.queue.enqueue(full), { status: 'queue-full', deviceId: b });
    assert.equal(await s.queue.count(c), 0);
    assert.equal(await s.queue.getEpoch(groupId), 0, 'epoch not advanced');
    const ghost = hexId<DeviceId>();
    assert.deepEqual(await s.queue.enqueue(send(a, [c, ghost], { kind: 'commit', groupId })), { status: 'unknown-recipient', deviceId: ghost });
    assert.equal(await s.queue.count(c), 0);
    assert.equal(await s.queue.getEpoch(groupId), 0);
    // The rejected sends left no idempotency record: a retry after the queue drains goes through.
    await s.queue.ack(b, [1]);
    assert.equal((await s.queue.enqueue(full)).status, 'accepted');
  }));

  it('expiry deletes entries received before the cut-off and keeps counters right', withStorage(open, async (s) => {
    const { deviceId: a } = await createAccount(s);
    const { deviceId: b } = await createAccount(s);
    for (let i = 0; i < 3; i++) await s.queue.enqueue(send(a, [b], { now: NOW + i * 10 }));
    assert.equal(await s.queue.expire(NOW + 15, NOW + 15), 2);
    assert.equal(await s.queue.count(b), 1);
    assert.deepEqual((await s.queue.fetch(b, 0, 10)).map((e) => e.seq), [3]);
  }));

  it('idempotency records expire with their TTL', withStorage(open, async (s) => {
    const { deviceId: a } = await createAccount(s);
    const { deviceId: b } = await createAccount(s);
    const input = send(a, [b], { idempotencyTtlMs: 100 });
    await s.queue.enqueue(input);
    assert.equal((await s.queue.enqueue({ ...input, now: NOW + 99 })).status, 'duplicate');
    await s.queue.expire(0, NOW + 100);
    assert.equal((await s.queue.enqueue({ ...input, now: NOW + 100 })).status, 'accepted');
  }));

  it('the receive time is stored as given (the service passes the day), delivery order is by seq', withStorage(open, async (s) => {
    const { deviceId: a } = await createAccount(s);
    const { deviceId: b } = await createAccount(s);
    const day = toDay(NOW);
    await s.queue.enqueue(send(a, [b], { now: NOW + 5, receivedAt: day }));
    await s.queue.enqueue(send(a, [b], { now: NOW + 1, receivedAt: day }));
    assert.deepEqual((await s.queue.fetch(b, 0, 10)).map((e) => [e.seq, e.receivedAt]), [[1, day], [2, day]]);
  }));

  it('an unknown group accepts a commit at any epoch; quiet groups expire and start over', withStorage(open, async (s) => {
    const { deviceId: a } = await createAccount(s);
    const { deviceId: b } = await createAccount(s);
    const quiet = hexId<GroupId>();
    const busy = hexId<GroupId>();
    assert.equal((await s.queue.enqueue(send(a, [b], { groupId: quiet, kind: 'commit', epoch: 7 }))).status, 'accepted');
    assert.equal(await s.queue.getEpoch(quiet), 8);
    assert.deepEqual(await s.queue.enqueue(send(a, [b], { groupId: quiet, kind: 'commit', epoch: 7 })), { status: 'stale-epoch', currentEpoch: 8 });
    assert.equal((await s.queue.enqueue(send(a, [b], { groupId: busy, kind: 'commit', epoch: 0 }))).status, 'accepted');
    // busy commits again 3 days later: its last-commit day moves.
    assert.equal((await s.queue.enqueue(send(a, [b], { groupId: busy, kind: 'commit', epoch: 1, now: NOW + 3 * DAY_MS }))).status, 'accepted');
    assert.equal(await s.queue.expireGroups(toDay(NOW)), 0, 'a group is kept through the day of its last commit');
    assert.equal(await s.queue.expireGroups(toDay(NOW) + DAY_MS), 1);
    assert.equal(await s.queue.getEpoch(quiet), 0);
    assert.equal(await s.queue.getEpoch(busy), 2);
    // The quiet group's next commit starts over at its own epoch.
    assert.equal((await s.queue.enqueue(send(a, [b], { groupId: quiet, kind: 'commit', epoch: 8, now: NOW + 100 * DAY_MS }))).status, 'accepted');
    assert.equal(await s.queue.getEpoch(quiet), 9);
  }));
}
