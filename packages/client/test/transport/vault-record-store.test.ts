// Engine records through the vault's encrypted stores (memory backend), and back into a
// restored engine that still talks in its conversation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeProvider } from '@sealed/crypto/node/provider';
import { Engine } from '../../src/engine/engine.ts';
import { MemoryBackend } from '../../src/store/memory/memory-backend.ts';
import { RecordKeys } from '../../src/store/record-keys.ts';
import { createVaultStores } from '../../src/store/vault-stores.ts';
import { VaultRecordStore } from '../../src/transport/vault-record-store.ts';
import { Client, Network } from '../engine/network.ts';

test('saved records go through the vault stores and restore a working engine', async () => {
  const net = new Network();
  const alice = await net.account('alice');
  const bob = await net.account('bob');
  const { value: id, actions } = alice.engine.createConversation(['bob']);
  net.perform(alice, actions);
  net.run();
  const backend = new MemoryBackend();
  const store = new VaultRecordStore(createVaultStores(nodeProvider, backend, new RecordKeys(nodeProvider, nodeProvider.randomBytes(32))));
  assert.equal(await store.load(), undefined);
  for (const [key, bytes] of bob.saved) {
    const [record, name] = key.split(':') as ['account' | 'group', string];
    await store.save(record, name, bytes);
  }
  const loaded = await store.load();
  assert.ok(loaded !== undefined);
  assert.equal(loaded.groups.length, 1);
  const restored = new Client('bob (restored)', Engine.restore({ provider: nodeProvider, now: net.relay.now }, loaded));
  net.offline(bob);
  net.clients.splice(net.clients.indexOf(bob), 1, restored);
  net.perform(restored, restored.engine.start());
  net.run();
  net.perform(alice, alice.engine.send(id, 'to the restored bob').actions);
  net.run();
  assert.deepEqual(restored.texts(id), ['to the restored bob']);
  await store.delete('group', id);
  assert.equal((await store.load())!.groups.length, 0);
});
