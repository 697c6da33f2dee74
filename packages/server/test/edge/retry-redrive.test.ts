/**
 * A retried send (same client message id) re-drives its recipients. The sender retries only
 * when it never got the answer, and then the first attempt's pushes may be lost as well: the
 * node was killed between commit and publish, NATS was down, or the commit's outcome was
 * unknown and it was run again (the chaos suite saw devices on the other node wait for such
 * entries until they happened to reconnect). The retry must tell every recipient to read its
 * queue, and a recipient that already has everything must not get it twice.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { toHex } from '@sealed/protocol/encoding';
import type { SendFrame } from '@sealed/protocol/frames/client';
import { RESYNC_LAST_SEQ, type BusEvent } from '../../src/bus/bus.ts';
import { MemoryBus } from '../../src/bus/memory.ts';
import type { DeviceId } from '../../src/storage/types.ts';
import { register, startHarness, tokenOf, type Harness, type TestUser } from '../support/harness.ts';
import { TestSocket } from '../support/ws-client.ts';

function frameTo(to: TestUser[], requestId: number, clientMessageId: Uint8Array): SendFrame {
  return {
    type: 'send',
    requestId,
    clientMessageId,
    kind: 'application',
    epoch: 0,
    groupId: new Uint8Array(randomBytes(32)),
    recipients: to.map((u) => u.devices[0]!.id),
    payload: new Uint8Array([7, 7, 7]),
  };
}

describe('a retried send', () => {
  let h: Harness;
  const bus = new MemoryBus();
  before(async () => {
    h = await startHarness([], { bus });
  });
  after(() => h.cleanup());

  it('tells every recipient to read its queue, and a connected recipient gets the entry once', async () => {
    const [alice, bob, carol] = [await register(h.server.url, 'alice.redrive'), await register(h.server.url, 'bob.redrive'), await register(h.server.url, 'carol.redrive')];
    const a = await TestSocket.connect(h.server.url, tokenOf(alice));
    const b = await TestSocket.connect(h.server.url, tokenOf(bob));
    const id = new Uint8Array(randomBytes(16));
    const frame = frameTo([bob, carol], 1, id);
    a.send(frame);
    assert.equal((await a.next('sent')).duplicate, false);
    assert.equal((await b.entries(1))[0]!.seq, 1);
    // Carol's node "missed" the first push: nobody listened for her then. It listens now.
    const carolEvents: BusEvent[] = [];
    const carolId = toHex(carol.devices[0]!.id) as DeviceId;
    const sub = bus.subscribe(carolId, (event) => carolEvents.push(event));
    a.send({ ...frame, requestId: 2 });
    const retry = await a.next('sent');
    assert.equal(retry.duplicate, true);
    assert.deepEqual(carolEvents, [{ type: 'entries', deviceId: carolId, lastSeq: RESYNC_LAST_SEQ }]);
    sub.unsubscribe();
    // Bob already had the entry: the re-drive reads nothing new for him (no second copy).
    a.send(frameTo([bob], 3, new Uint8Array(randomBytes(16))));
    await a.next('sent');
    assert.deepEqual((await b.entries(1)).map((e) => e.seq), [2]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(b.frames.filter((f) => f.type === 'deliver'), [], 'an entry came twice');
    await a.close();
    await b.close();
  });
});
