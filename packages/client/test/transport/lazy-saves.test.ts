/**
 * Lazy saves in a transport step (transport/node-transport.ts performBatch): they are
 * written after the step's other actions, so a shown message reaches the UI (and a SEND the
 * relay) before those records are encrypted for the vault; they are still written inside
 * the step's batch, before it is released (so before its ACKs); a later save or delete of
 * the same record replaces a lazy save still waiting; a non-lazy save keeps its place.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeProvider } from '@sealed/crypto/node/provider';
import type { Action } from '../../src/engine/actions.ts';
import { Engine } from '../../src/engine/engine.ts';
import { NodeTransport, type RecordStore } from '../../src/transport/node-transport.ts';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

test('lazy saves come after the step\'s displays and frames, inside its batch; later writes of the same record win', async () => {
  const log: string[] = [];
  const store: RecordStore = {
    save: async (record, key, value) => void log.push(`save ${record}:${key}=${text(value)}`),
    delete: async (record, key) => void log.push(`delete ${record}:${key}`),
    hold: () => void log.push('hold'),
    flush: async (durable) => void log.push(`flush ${durable}`),
    release: async (durable) => void log.push(`release ${durable}`),
  };
  const transport = new NodeTransport({
    baseUrl: 'http://127.0.0.1:9',
    engine: new Engine({ provider: nodeProvider, now: 0 }),
    store,
    onAction: (action) => void log.push(action.type),
  });
  const show = { type: 'show', message: {} } as unknown as Action;
  await transport.run([
    { type: 'save', record: 'group', key: 'g', bytes: bytes('g1'), lazy: true },
    show,
    { type: 'send-frame', frame: { type: 'ack', seqs: [1] } },
    { type: 'save', record: 'meta', key: 'm', bytes: bytes('m1'), lazy: true },
    { type: 'save', record: 'meta', key: 'c', bytes: bytes('c1'), lazy: true },
    { type: 'save', record: 'meta', key: 'm', bytes: bytes('m2'), lazy: true },
    { type: 'delete', record: 'meta', key: 'c' },
    { type: 'save', record: 'group', key: 'h', bytes: bytes('h1'), lazy: true },
    { type: 'save', record: 'group', key: 'h', bytes: bytes('h2') },
  ]);
  assert.equal(transport.failure, undefined);
  assert.deepEqual(log, [
    'hold',
    'show', // shown before any record of the step is written
    'delete meta:c', // replaces the lazy save of c waiting before it
    'save group:h=h2', // a non-lazy save in its place, replacing the lazy one before it
    'save group:g=g1',
    'save meta:m=m2', // the latest lazy value only
    'release true', // then the batch ends durably (an ACK is owed)
  ]);
});
