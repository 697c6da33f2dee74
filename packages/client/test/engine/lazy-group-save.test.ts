/**
 * The group save of a received message is lazy (commits.ts saveGroup): the state is
 * serialized when the transport reads the action, after the step's displays, not while the
 * engine handles the entry. What is written is the state of that moment, once; a non-lazy
 * save is serialized at once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serializeGroupState } from '@sealed/mls/group/serialize';
import type { Action } from '../../src/engine/actions.ts';
import { saveGroup } from '../../src/engine/commits.ts';
import type { Conversation } from '../../src/engine/conversation.ts';
import { Network } from './network.ts';

type Save = Extract<Action, { type: 'save' }>;

test('a received message\'s group save is serialized when read, from the state of that moment', async () => {
  const net = new Network();
  const alice = await net.account('alice');
  const bob = await net.account('bob');
  const started = alice.engine.createConversation(['bob']);
  net.perform(alice, started.actions);
  net.run();
  const id = started.value;
  net.perform(alice, alice.engine.send(id, 'one').actions);
  net.runExcept(bob);
  const actions = bob.engine.handle(bob.inbox.shift()!);
  const save = actions.find((a): a is Save => a.type === 'save' && a.record === 'group' && a.lazy === true);
  assert.ok(save !== undefined, 'the step saves the group lazily');
  assert.equal(typeof Object.getOwnPropertyDescriptor(save, 'bytes')?.get, 'function', 'not serialized yet');
  const conversation = (bob.engine as unknown as { core: { conversations: Map<string, Conversation> } }).core.conversations.get(id)!;
  const before = serializeGroupState(conversation.state);
  // The next message advances bob's secret tree before the first save is read.
  net.perform(bob, actions.filter((a) => a !== save));
  net.perform(alice, alice.engine.send(id, 'two').actions);
  net.runExcept(bob);
  net.run();
  assert.deepEqual(bob.texts(id), ['one', 'two']);
  const bytes = save.bytes;
  assert.notDeepEqual(bytes, before);
  assert.deepEqual(bytes, (saveGroup(conversation) as Save).bytes, 'the state of the moment it is read');
  assert.equal(save.bytes, bytes, 'serialized once');
});
