// The in-process bus: listeners of a device run synchronously in publish order; one socket
// per device is served without copying the listener set; a listener that unsubscribes (its
// socket closing) or throws never makes another listener miss the event.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { BusEvent, BusSubscription } from '../../src/bus/bus.ts';
import { MemoryBus } from '../../src/bus/memory.ts';
import type { DeviceId } from '../../src/storage/types.ts';

const A = 'aa'.repeat(16) as DeviceId;
const B = 'bb'.repeat(16) as DeviceId;
const event = (deviceId: DeviceId, lastSeq: number): BusEvent => ({ type: 'entries', deviceId, lastSeq });

it('a single listener gets its device\'s events in order, and only those', async () => {
  const bus = new MemoryBus();
  const seen: number[] = [];
  bus.subscribe(A, (e) => seen.push(e.type === 'entries' ? e.lastSeq : -1));
  await bus.publish(event(A, 1));
  await bus.publish(event(B, 2));
  await bus.publish(event(A, 3));
  assert.deepEqual(seen, [1, 3]);
});

it('a listener that unsubscribes or throws while notified does not make the others miss the event', async () => {
  const bus = new MemoryBus();
  const seen: string[] = [];
  let first: BusSubscription | undefined = undefined;
  first = bus.subscribe(A, () => {
    seen.push('first');
    first?.unsubscribe();
  });
  bus.subscribe(A, () => {
    seen.push('thrower');
    throw new Error('socket torn down');
  });
  bus.subscribe(A, () => seen.push('third'));
  await bus.publish(event(A, 1));
  await bus.publish(event(A, 2));
  assert.deepEqual(seen, ['first', 'thrower', 'third', 'thrower', 'third']);
});

it('a lone listener that unsubscribes itself is called once; after close nothing is delivered', async () => {
  const bus = new MemoryBus();
  let calls = 0;
  const sub: BusSubscription = bus.subscribe(B, () => {
    calls++;
    sub.unsubscribe();
  });
  await bus.publish(event(B, 1));
  await bus.publish(event(B, 2));
  assert.equal(calls, 1);
  bus.subscribe(B, () => calls++);
  await bus.close();
  await bus.publish(event(B, 3));
  assert.equal(calls, 1);
});
