/**
 * ACKs pipelined behind the disk (transport/engine-step.ts `ackWhenDurable`, store `sync`):
 * a step ends once its writes are applied, so the next step is performed while the first
 * one's sync runs; its ACK leaves only after that sync; a failed sync sends no ACK. And the
 * sync makes applied writes durable without applying the staged writes of a step in
 * progress (store/write-buffer.ts `sync`): an ACK must not make half a later step durable.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordKind } from '../../src/store/backend.ts';
import { MemoryBackend } from '../../src/store/memory/memory-backend.ts';
import { WriteBuffer } from '../../src/store/write-buffer.ts';
import type { Action } from '../../src/engine/actions.ts';
import { performStep, type RecordStore, type StepIo } from '../../src/transport/engine-step.ts';

const bytes = (s: string) => new TextEncoder().encode(s);

function gatedStore(log: string[]) {
  const gates: { open: () => void; fail: (e: Error) => void }[] = [];
  const store: RecordStore = {
    save: async (record, key) => void log.push(`save ${record}:${key}`),
    delete: async () => undefined,
    hold: () => void log.push('hold'),
    flush: async (durable) => void log.push(`flush ${durable}`),
    release: async (durable) => void log.push(`release ${durable}`),
    sync: () => {
      log.push('sync');
      return new Promise<void>((resolve, reject) => gates.push({ open: resolve, fail: reject }));
    },
  };
  return { store, gates };
}

const ack = (seq: number): Action => ({ type: 'send-frame', frame: { type: 'ack', seqs: [seq] } });
const received = (key: string): Action[] => [{ type: 'save', record: 'group', key, bytes: bytes(key), lazy: true }, { type: 'show', message: {} } as unknown as Action, ack(key.length)];

test('a step ends without waiting for the disk; its ACK leaves after its sync, while the next step already ran', async () => {
  const log: string[] = [];
  const { store, gates } = gatedStore(log);
  const pending: Promise<void>[] = [];
  const io: StepIo = {
    http: async () => undefined,
    connect: () => undefined,
    sendFrame: (a) => void log.push(`frame ${a.frame.type} ${a.frame.type === 'ack' ? a.frame.seqs.join() : ''}`),
    other: (a) => void log.push(a.type),
    ackWhenDurable: (sending) => void pending.push(sending),
  };
  await performStep(received('a'), store, io);
  await performStep(received('bb'), store, io);
  assert.deepEqual(log, ['hold', 'show', 'save group:a', 'release false', 'sync', 'hold', 'show', 'save group:bb', 'release false', 'sync']);
  gates[1]!.open();
  await pending[1];
  gates[0]!.fail(new Error('EIO'));
  await assert.rejects(pending[0]!, /EIO/);
  assert.deepEqual(log.slice(10), ['frame ack 2'], 'the second ACK after its sync; the first, whose sync failed, never');
});

test('without ackWhenDurable the step waits for a durable release and sends its ACKs (as the web transport does)', async () => {
  const log: string[] = [];
  const { store } = gatedStore(log);
  const io: StepIo = { http: async () => undefined, connect: () => undefined, sendFrame: (a) => void log.push(`frame ${a.frame.type}`), other: (a) => void log.push(a.type) };
  await performStep(received('a'), store, io);
  assert.deepEqual(log, ['hold', 'show', 'save group:a', 'release true', 'frame ack']);
});

test('sync makes applied writes durable and leaves the staged ones of a step in progress staged', async () => {
  const memory = new MemoryBackend();
  const durableCalls: number[] = [];
  const inner = {
    get: memory.get.bind(memory),
    put: memory.put.bind(memory),
    delete: memory.delete.bind(memory),
    deleteCollection: memory.deleteCollection.bind(memory),
    list: memory.list.bind(memory),
    close: memory.close.bind(memory),
    applyBatch: async (puts: Parameters<NonNullable<MemoryBackend['applyBatch']>>[0], durable: boolean) => {
      if (durable) durableCalls.push(puts.length);
      await memory.applyBatch(puts);
    },
  };
  const buffer = new WriteBuffer(inner);
  const C = Uint8Array.of(1);
  buffer.hold();
  await buffer.put(RecordKind.message, C, Uint8Array.of(1), bytes('first step'));
  await buffer.release(false);
  buffer.hold(); // the next step starts staging
  await buffer.put(RecordKind.message, C, Uint8Array.of(2), bytes('second step'));
  await buffer.sync();
  assert.deepEqual(durableCalls, [0], 'a durable call that applies nothing');
  assert.equal(buffer.staged, 1, 'the second step is still staged');
  assert.equal(await memory.get(RecordKind.message, C, Uint8Array.of(2)), undefined);
  assert.ok((await memory.get(RecordKind.message, C, Uint8Array.of(1))) !== undefined);
  await buffer.release(true);
});
