// The NATS bus between two "nodes" (two connections): routing per device, order, isolation,
// unsubscribe, garbage on the wire, resync after a reconnect, typed start-up failures.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '@nats-io/transport-node';
import { NatsBus, NatsBusError, RESYNC_LAST_SEQ, openNatsBus, type NatsBusStatus } from '../../src/bus/nats.ts';
import type { BusEvent } from '../../src/bus/bus.ts';
import { decodeBusEvent } from '../../src/bus/nats-codec.ts';
import type { DeviceId } from '../../src/storage/types.ts';
import { NATS_TEST_URL, requireNats, testSubjectPrefix } from '../support/services.ts';

const devA = 'aa'.repeat(16) as DeviceId;
const devB = 'bb'.repeat(16) as DeviceId;
/** Upper bound on waiting for an event in these tests. */
const WAIT_MS = 5_000;

/** Resolves once `count` events were collected, or rejects after WAIT_MS. */
function collector(count: number): { events: BusEvent[]; done: Promise<void>; listener: (e: BusEvent) => void } {
  const events: BusEvent[] = [];
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const timer = setTimeout(() => reject(new Error(`got ${events.length} of ${count} events`)), WAIT_MS);
  return {
    events,
    done,
    listener: (e) => {
      events.push(e);
      if (events.length === count) {
        clearTimeout(timer);
        resolve();
      }
    },
  };
}

describe('NATS bus', () => {
  let prefix: string;
  let node1: NatsBus;
  let node2: NatsBus;

  before(async () => {
    await requireNats();
    prefix = testSubjectPrefix('bus');
    node1 = await openNatsBus({ url: NATS_TEST_URL, subjectPrefix: prefix });
    node2 = await openNatsBus({ url: NATS_TEST_URL, subjectPrefix: prefix });
  });
  after(async () => {
    await node1?.close();
    await node2?.close();
  });

  it('routes a device event from one node to the node holding the device, payload intact, in order', async () => {
    const c = collector(200);
    const sub = node2.subscribe(devA, c.listener);
    await node2.flush();
    for (let seq = 1; seq <= 200; seq++) {
      await node1.publish({
        type: 'entries',
        deviceId: devA,
        lastSeq: seq,
        entries: [{ seq, kind: 'application', receivedAt: 1000 + seq, payload: Uint8Array.of(seq & 0xff, 1, 2) }],
      });
    }
    await c.done;
    sub.unsubscribe();
    assert.deepEqual(
      c.events.map((e) => (e.type === 'entries' ? e.lastSeq : -1)),
      Array.from({ length: 200 }, (_, i) => i + 1),
    );
    const first = c.events[0];
    assert.ok(first?.type === 'entries');
    assert.deepEqual(first.entries?.[0]?.payload, Uint8Array.of(1, 1, 2));
  });

  it('delivers only to subscribers of that device, and not after unsubscribe', async () => {
    const onA = collector(1);
    const onB: BusEvent[] = [];
    const subA = node2.subscribe(devA, onA.listener);
    const subB = node2.subscribe(devB, (e) => onB.push(e));
    await node2.flush();
    await node1.publish({ type: 'revoked', deviceId: devA });
    await onA.done;
    subA.unsubscribe();
    subA.unsubscribe(); // idempotent
    await node2.flush();
    await node1.publish({ type: 'key-packages-low', deviceId: devA, remaining: 1 });
    // A marker on devB proves the devA event would have arrived by now (same publisher, same order).
    const marker = new Promise<void>((resolve) => {
      const s = node2.subscribe(devB, () => {
        s.unsubscribe();
        resolve();
      });
    });
    await node2.flush();
    await node1.publish({ type: 'revoked', deviceId: devB });
    await marker;
    subB.unsubscribe();
    assert.equal(onA.events.length, 1);
    assert.deepEqual(onB, [{ type: 'revoked', deviceId: devB }]);
    assert.equal(node2.subscribedDevices, 0);
  });

  it('keeps deployments with different prefixes apart', async () => {
    const other = await openNatsBus({ url: NATS_TEST_URL, subjectPrefix: testSubjectPrefix('other') });
    try {
      const heard: BusEvent[] = [];
      other.subscribe(devA, (e) => heard.push(e));
      const c = collector(1);
      node2.subscribe(devA, c.listener);
      await node2.flush();
      await node1.publish({ type: 'revoked', deviceId: devA });
      await c.done;
      await other.flush();
      assert.equal(heard.length, 0);
    } finally {
      await other.close();
    }
  });

  it('takes the subject prefix from the URL\'s `prefix` parameter when none is given', async () => {
    const viaUrl = await openNatsBus({ url: `${NATS_TEST_URL}?prefix=${prefix}` });
    try {
      const c = collector(1);
      const sub = node2.subscribe(devA, c.listener);
      await node2.flush();
      await viaUrl.publish({ type: 'revoked', deviceId: devA });
      await c.done;
      sub.unsubscribe();
    } finally {
      await viaUrl.close();
    }
  });

  it('drops undecodable messages and events naming another device, and keeps serving', async () => {
    const raw = await connect({ servers: NATS_TEST_URL });
    try {
      const c = collector(1);
      const before = node2.droppedEvents;
      const sub = node2.subscribe(devB, c.listener);
      await node2.flush();
      raw.publish(`${prefix}.dev.${devB}`, Uint8Array.of(9, 9, 9));
      // a valid event for devA sent on devB's subject
      const { encodeBusEvent } = await import('../../src/bus/nats-codec.ts');
      raw.publish(`${prefix}.dev.${devB}`, encodeBusEvent({ type: 'revoked', deviceId: devA }));
      raw.publish(`${prefix}.dev.${devB}`, encodeBusEvent({ type: 'revoked', deviceId: devB }));
      await raw.flush();
      await c.done;
      sub.unsubscribe();
      assert.equal(node2.droppedEvents - before, 2);
      assert.deepEqual(c.events, [{ type: 'revoked', deviceId: devB }]);
    } finally {
      await raw.close();
    }
  });

  it('after a reconnect tells every local subscriber to re-read storage, and still routes', async () => {
    const nc = await connect({ servers: NATS_TEST_URL, maxReconnectAttempts: -1, reconnectTimeWait: 50 });
    const statuses: NatsBusStatus[] = [];
    const bus = new NatsBus(nc, prefix, (s) => statuses.push(s));
    try {
      const c = collector(2);
      bus.subscribe(devB, c.listener);
      await nc.flush();
      nc.reconnect();
      const resync = collector(1);
      const s = bus.subscribe(devB, resync.listener);
      await resync.done;
      s.unsubscribe();
      assert.deepEqual(resync.events[0], { type: 'entries', deviceId: devB, lastSeq: RESYNC_LAST_SEQ });
      await node1.publish({ type: 'revoked', deviceId: devB });
      await c.done;
      assert.deepEqual(c.events, [
        { type: 'entries', deviceId: devB, lastSeq: RESYNC_LAST_SEQ },
        { type: 'revoked', deviceId: devB },
      ]);
      assert.ok(statuses.includes('reconnected'));
    } finally {
      await bus.close();
    }
    assert.ok(nc.isClosed());
    await assert.rejects(bus.publish({ type: 'revoked', deviceId: devB }), (e: unknown) => e instanceof NatsBusError && e.code === 'bus-closed');
  });

  it('puts no payload, device id or subject in any output, and its errors carry no credentials or bytes', async () => {
    const marker = 'SECRET-PAYLOAD-MARKER';
    const written: string[] = [];
    const originals = { out: process.stdout.write, err: process.stderr.write, log: console.log, error: console.error, warn: console.warn };
    // The test runner talks to its parent over stdout too: record everything, pass it on.
    const tee = (original: typeof process.stdout.write) =>
      ((chunk: unknown, ...rest: unknown[]) => {
        written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('latin1'));
        return (original as (...a: unknown[]) => boolean).call(process.stdout, chunk, ...rest);
      }) as typeof process.stdout.write;
    process.stdout.write = tee(originals.out);
    process.stderr.write = tee(originals.err);
    console.log = console.error = console.warn = (...args: unknown[]) => void written.push(args.map(String).join(' '));
    try {
      const c = collector(1);
      const sub = node2.subscribe(devA, c.listener);
      await node2.flush();
      await node1.publish({
        type: 'entries',
        deviceId: devA,
        lastSeq: 1,
        entries: [{ seq: 1, kind: 'application', receivedAt: 1, payload: new TextEncoder().encode(marker) }],
      });
      await c.done;
      sub.unsubscribe();
    } finally {
      process.stdout.write = originals.out;
      process.stderr.write = originals.err;
      console.log = originals.log;
      console.error = originals.error;
      console.warn = originals.warn;
    }
    const leaked = written.filter((w) => w.includes(marker) || w.includes(devA) || w.includes(prefix));
    assert.deepEqual(leaked, [], 'no payload, device id or subject in any output');
    await assert.rejects(openNatsBus({ url: 'nats://sealeduser:hunter2@127.0.0.1:1' }), (e: unknown) => {
      assert.ok(e instanceof NatsBusError);
      assert.ok(!e.message.includes('hunter2') && !e.message.includes('sealeduser'));
      return true;
    });
    assert.throws(() => decodeBusEvent(new TextEncoder().encode(marker)), (e: unknown) => e instanceof Error && !e.message.includes(marker) && !e.message.includes('SECRET'));
  });

  it('fails start-up with a typed error when NATS is unreachable or the prefix is unsafe', async () => {
    await assert.rejects(
      openNatsBus({ url: 'nats://127.0.0.1:1' }),
      (e: unknown) => e instanceof NatsBusError && e.code === 'nats-unreachable',
    );
    for (const subjectPrefix of ['', 'a.>', 'a.*', 'a b', 'a..b']) {
      await assert.rejects(
        openNatsBus({ url: NATS_TEST_URL, subjectPrefix }),
        (e: unknown) => e instanceof NatsBusError && e.code === 'nats-bad-config',
      );
    }
  });
});
