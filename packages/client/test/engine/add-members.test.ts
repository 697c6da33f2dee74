/** addMembers: several people added in one commit (one new epoch for every member), bounded like a creation. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EngineError } from '../../src/engine/errors.ts';
import { MAX_CONVERSATION_USERS } from '../../src/engine/limits.ts';
import { Network } from './network.ts';

test('addMembers adds every named user in one commit; more than a creation may name is refused at once', async () => {
  const net = new Network();
  const alice = await net.account('alice');
  const bob = await net.account('bob');
  const carol = await net.account('carol');
  const dave = await net.account('dave');
  const started = alice.engine.createConversation(['bob']);
  net.perform(alice, started.actions);
  net.run();
  const id = started.value;
  const before = alice.engine.epochOf(id)!;
  net.perform(alice, alice.engine.addMembers(id, ['carol', 'dave']).actions);
  net.run();
  for (const c of [alice, bob, carol, dave]) assert.equal(c.engine.epochOf(id), before + 1n, `${c.name} in the one new epoch`);
  net.perform(dave, dave.engine.send(id, 'hi all').actions);
  net.run();
  for (const c of [alice, bob, carol]) assert.deepEqual(c.texts(id), ['hi all']);
  const tooMany = Array.from({ length: MAX_CONVERSATION_USERS + 1 }, (_, i) => `user${i}`);
  assert.throws(() => alice.engine.addMembers(id, tooMany), (e: unknown) => e instanceof EngineError && e.code === 'too-many-users');
  assert.deepEqual([...alice.failures, ...bob.failures, ...carol.failures, ...dave.failures], []);
});
