import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { SendFrame } from '@sealed/protocol/frames/client';
import { toHex } from '@sealed/protocol/encoding';
import type { DeviceId } from '../../src/storage/types.ts';
import { register, startHarness, tokenOf, type Harness, type TestUser } from '../support/harness.ts';
import { TestSocket } from '../support/ws-client.ts';

function sendFrame(to: TestUser[], over: Partial<SendFrame> = {}): SendFrame {
  return {
    type: 'send',
    requestId: 1,
    clientMessageId: new Uint8Array(randomBytes(16)),
    kind: 'application',
    epoch: 0,
    groupId: new Uint8Array(randomBytes(32)),
    recipients: to.map((u) => u.devices[0]!.id),
    payload: new Uint8Array([1, 2, 3]),
    ...over,
  };
}

describe('delivery', () => {
  let h: Harness;
  const queued = (u: TestUser) => h.server.storage.queue.count(toHex(u.devices[0]!.id) as DeviceId);
  let base: string;
  let n = 0;
  const user = () => register(base, `user${n++}.delivery`);
  before(async () => {
    h = await startHarness(['--max-queued-per-device', '2000']);
    base = h.server.url;
  });
  after(() => h.cleanup());

  it('pushes to an online device, in order; ack deletes', async () => {
    const [alice, bob] = [await user(), await user()];
    const a = await TestSocket.connect(base, tokenOf(alice));
    const b = await TestSocket.connect(base, tokenOf(bob));
    for (let i = 0; i < 20; i++) a.send(sendFrame([bob], { requestId: i + 1, payload: new Uint8Array([i + 1]) }));
    for (let i = 0; i < 20; i++) assert.equal((await a.next('sent')).requestId, i + 1);
    const got = await b.entries(20);
    assert.deepEqual(got.map((e) => e.payload[0]), Array.from({ length: 20 }, (_, i) => i + 1));
    assert.deepEqual(got.map((e) => e.seq), Array.from({ length: 20 }, (_, i) => i + 1));
    b.send({ type: 'ack', seqs: got.map((e) => e.seq) });
    // The ack is handled before the next frame; a send afterwards proves ordering.
    a.send(sendFrame([alice], { requestId: 99 }));
    await a.next('sent');
    assert.equal(await queued(bob), 0);
    await a.close();
    await b.close();
  });

  it('offline devices get their queue in order on reconnect, across windows; unacked entries come again', async () => {
    const [alice, bob] = [await user(), await user()];
    const a = await TestSocket.connect(base, tokenOf(alice));
    const total = 1100; // more than MAX_DELIVERY_WINDOW (1024), through every window size
    for (let i = 0; i < total; i++) a.send(sendFrame([bob], { requestId: i + 1, payload: new Uint8Array([i & 0xff, i >> 8]) }));
    for (let i = 0; i < total; i++) await a.next('sent');
    const b = await TestSocket.connect(base, tokenOf(bob));
    const got = await b.entries(total);
    assert.deepEqual(got.map((e) => e.seq), Array.from({ length: total }, (_, i) => i + 1));
    assert.deepEqual(got.map((e) => e.payload[0]! + (e.payload[1]! << 8)), Array.from({ length: total }, (_, i) => i));
    b.send({ type: 'ack', seqs: got.slice(0, 100).map((e) => e.seq) });
    await b.close();
    const again = await TestSocket.connect(base, tokenOf(bob));
    const rest = await again.entries(total - 100);
    assert.equal(rest[0]!.seq, 101);
    await again.close();
    await a.close();
  });

  it('a retry with the same client message id is acknowledged and queued once', async () => {
    const [alice, bob] = [await user(), await user()];
    const a = await TestSocket.connect(base, tokenOf(alice));
    const frame = sendFrame([bob]);
    a.send(frame);
    assert.equal((await a.next('sent')).duplicate, false);
    a.send({ ...frame, requestId: 2 });
    const retry = await a.next('sent');
    assert.equal(retry.duplicate, true);
    assert.equal(retry.requestId, 2);
    assert.equal(await queued(bob), 1);
    await a.close();
  });

  it('commit ordering: one of many racing commits wins, the others get stale-epoch with the current epoch', async () => {
    const users = [await user(), await user(), await user(), await user()];
    const sockets = await Promise.all(users.map((u) => TestSocket.connect(base, tokenOf(u))));
    const groupId = new Uint8Array(randomBytes(32));
    sockets.forEach((s, i) => s.send(sendFrame(users.filter((_, j) => j !== i), { kind: 'commit', epoch: 0, groupId, requestId: 7 })));
    const answers = await Promise.all(
      sockets.map(async (s) => {
        // Whichever arrives: SENT or ERROR.
        for (let tries = 0; tries < 100; tries++) {
          const f = s.frames.find((x) => x.type === 'sent' || x.type === 'error');
          if (f) return f;
          await new Promise((r) => setTimeout(r, 20));
        }
        throw new Error('no answer');
      }),
    );
    assert.equal(answers.filter((f) => f.type === 'sent').length, 1);
    for (const f of answers.filter((x) => x.type === 'error')) assert.deepEqual(f, { type: 'error', requestId: 7, code: 'stale-epoch', value: 1 });
    // Losers process the winner's commit and retry at epoch 1: that one wins.
    const loser = answers.findIndex((f) => f.type === 'error');
    sockets[loser]!.send(sendFrame([users[0]!], { kind: 'commit', epoch: 1, groupId, requestId: 8 }));
    assert.equal((await sockets[loser]!.next('sent')).epoch, 2);
    await Promise.all(sockets.map((s) => s.close()));
  });

  it('typed errors for queue-full, unknown recipients and duplicate recipients; nothing partially queued', async () => {
    const small = await startHarness(['--max-queued-per-device', '300']);
    const base = small.server.url;
    const queued = (u: TestUser) => small.server.storage.queue.count(toHex(u.devices[0]!.id) as DeviceId);
    const user = () => register(base, `user${n++}.delivery`);
    const [alice, bob, carol] = [await user(), await user(), await user()];
    const a = await TestSocket.connect(base, tokenOf(alice));
    for (let i = 0; i < 300; i++) a.send(sendFrame([bob], { requestId: i }));
    for (let i = 0; i < 300; i++) await a.next('sent');
    a.send(sendFrame([carol, bob], { requestId: 500 }));
    assert.deepEqual(await a.next('error'), { type: 'error', requestId: 500, code: 'queue-full', value: 1 });
    a.send(sendFrame([carol], { requestId: 501, recipients: [carol.devices[0]!.id, new Uint8Array(16)] }));
    assert.deepEqual(await a.next('error'), { type: 'error', requestId: 501, code: 'unknown-recipient', value: 1 });
    a.send(sendFrame([carol, carol], { requestId: 502 }));
    assert.equal((await a.next('error')).code, 'bad-request');
    assert.equal(await queued(carol), 0);
    await a.close();
    await small.cleanup();
  });

  it('a device reads only its own queue: acks for seqs of others delete nothing', async () => {
    const [alice, bob, mallory] = [await user(), await user(), await user()];
    const a = await TestSocket.connect(base, tokenOf(alice));
    a.send(sendFrame([bob]));
    await a.next('sent');
    const m = await TestSocket.connect(base, tokenOf(mallory));
    m.send({ type: 'ack', seqs: [1] });
    m.send(sendFrame([mallory]));
    await m.next('sent');
    assert.equal(m.frames.filter((f) => f.type === 'deliver').flatMap((f) => (f.type === 'deliver' ? f.entries : [])).length <= 1, true);
    assert.equal(await queued(bob), 1);
    await a.close();
    await m.close();
  });
});
