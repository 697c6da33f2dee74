// The simulation's model on its own: who must be able to read a message of an epoch, and
// the delivery service's first-commit-wins ordering.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GroupState } from '../../src/group/state.ts';
import { HandshakeOrder, prng, shouldRead, type SimMember } from './model.ts';

const at = (epoch: bigint, joinEpoch: bigint, removed = false): SimMember => ({ id: 1, joinEpoch, removed, state: { groupContext: { epoch } } as unknown as GroupState });

test('shouldRead: joined by the epoch, reached it, still within the window', () => {
  assert.equal(shouldRead(at(5n, 0n), 5n, 2), true); // current epoch
  assert.equal(shouldRead(at(7n, 0n), 5n, 2), true); // two epochs later: still kept
  assert.equal(shouldRead(at(8n, 0n), 5n, 2), false); // three epochs later: deleted
  assert.equal(shouldRead(at(7n, 6n), 5n, 2), false); // added after the message's epoch
  assert.equal(shouldRead(at(4n, 0n, true), 5n, 2), false); // removed before it
  assert.equal(shouldRead(at(5n, 0n, true), 5n, 2), true); // removed after it: was a member then
});

test('HandshakeOrder: the first commit of an epoch wins, later ones are refused', () => {
  const order = new HandshakeOrder();
  assert.equal(order.submitCommit(3n, 1), true);
  assert.equal(order.submitCommit(3n, 2), false);
  assert.equal(order.submitCommit(3n, 1), false);
  assert.equal(order.submitCommit(4n, 2), true);
});

test('prng: the same seed gives the same sequence in [0, 1)', () => {
  const a = prng(42);
  const b = prng(42);
  for (let i = 0; i < 100; i++) {
    const x = a();
    assert.equal(x, b());
    assert.ok(x >= 0 && x < 1);
  }
});
