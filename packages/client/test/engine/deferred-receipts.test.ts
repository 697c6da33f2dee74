/**
 * Deferred delivery receipts (Engine option `deferDeliveryReceipts`, what the host uses): the
 * step that shows a message encrypts no receipt, so the message is shown first; the
 * receipts of messages shown meanwhile leave together as one report when the host asks
 * (`sendDeliveryReceipts`) or on the next tick; the sender learns "delivered" for each.
 * Without the option (the default) the receipt leaves in the same step, as before.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Action } from '../../src/engine/actions.ts';
import { Network } from './network.ts';

type Of<T extends Action['type']> = Extract<Action, { type: T }>;
const sends = (actions: readonly Action[]) => actions.filter((a): a is Of<'send-frame'> => a.type === 'send-frame' && a.frame.type === 'send');

async function pair(defer: boolean) {
  const net = new Network();
  const alice = await net.account('alice');
  const bob = await net.account('bob', { deferDeliveryReceipts: defer });
  const started = alice.engine.createConversation(['bob']);
  net.perform(alice, started.actions);
  net.run();
  return { net, alice, bob, id: started.value };
}

/** Bob's engine handles his queued events one by one (alice's messages); returns the actions of each step. */
function bobSteps(net: Network, bob: ReturnType<Network['client']>): Action[][] {
  const steps: Action[][] = [];
  while (bob.inbox.length > 0) {
    const actions = bob.engine.handle(bob.inbox.shift()!);
    steps.push(actions);
    net.perform(bob, actions);
  }
  return steps;
}

test('deferred: the step that shows a message sends no receipt; one report later covers every message shown meanwhile', async () => {
  const { net, alice, bob, id } = await pair(true);
  const first = alice.engine.send(id, 'one');
  net.perform(alice, first.actions);
  net.runExcept(bob);
  const second = alice.engine.send(id, 'two');
  net.perform(alice, second.actions);
  net.runExcept(bob);
  const steps = bobSteps(net, bob);
  const showing = steps.filter((actions) => actions.some((a) => a.type === 'show'));
  assert.equal(showing.length, 2, 'each message shown in its own step');
  for (const actions of showing) assert.deepEqual(sends(actions), [], 'no receipt encrypted before the message is shown');
  assert.deepEqual(bob.texts(id), ['one', 'two']);
  assert.equal(bob.engine.pendingDeliveryReceipts, 2);
  net.run();
  const delivered = () => alice.all.filter((a): a is Of<'message-status'> => a.type === 'message-status' && a.deliveredTo.includes('bob')).map((a) => a.messageId);
  assert.deepEqual(delivered(), [], 'alice hears nothing yet');

  const receipts = bob.engine.sendDeliveryReceipts();
  assert.equal(sends(receipts).length, 1, 'one report for both messages');
  assert.equal(bob.engine.pendingDeliveryReceipts, 0);
  net.perform(bob, receipts);
  net.run();
  assert.deepEqual(delivered().sort(), [first.value, second.value].sort());
  assert.deepEqual(bob.engine.sendDeliveryReceipts(), [], 'nothing left to send');

  // A tick sends what waits too.
  const third = alice.engine.send(id, 'three');
  net.perform(alice, third.actions);
  net.runExcept(bob);
  bobSteps(net, bob);
  assert.equal(bob.engine.pendingDeliveryReceipts, 1);
  const tick = bob.engine.handle({ type: 'tick', now: net.relay.now });
  assert.equal(sends(tick).length, 1);
  net.perform(bob, tick);
  net.run();
  assert.ok(delivered().includes(third.value));
  assert.deepEqual([...alice.failures, ...bob.failures], []);
});

test('not deferred (the default): the receipt leaves in the step that shows the message', async () => {
  const { net, alice, bob, id } = await pair(false);
  net.perform(alice, alice.engine.send(id, 'one').actions);
  net.runExcept(bob);
  const showing = bobSteps(net, bob).filter((actions) => actions.some((a) => a.type === 'show'));
  assert.equal(showing.length, 1);
  assert.equal(sends(showing[0]!).length, 1);
  assert.equal(bob.engine.pendingDeliveryReceipts, 0);
});
