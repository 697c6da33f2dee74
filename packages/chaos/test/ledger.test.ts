// The ledger judges who may read a message by the copy each device read: a message whose
// SEND answer was lost is encrypted again in a later epoch, and a member of the first copy's
// epoch who read that copy is not a reader of the second's (the chaos suite flagged such
// reads as leaks while the shown message did not carry its epoch).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ledger } from '../src/ledger.ts';

function twoCopies(): Ledger {
  const ledger = new Ledger();
  ledger.recordMembers('g', 3n, ['alice', 'bob', 'carol']);
  ledger.recordMembers('g', 4n, ['alice', 'bob']); // carol removed in epoch 4
  ledger.recordSend('g', 'm1', 'alice');
  // The first copy (epoch 3) was stored but its answer lost; the second (epoch 4) was acknowledged.
  ledger.recordAck('m1', 4n);
  return ledger;
}

test('a removed member who read the copy of an epoch it was a member of is not a leak', () => {
  const ledger = twoCopies();
  ledger.recordShown('carol', 'm1', 3n);
  ledger.recordShown('bob', 'm1', 4n);
  assert.deepEqual(ledger.readsOutsideMembership(), []);
});

test('a device that read a copy of an epoch it was not a member of is reported', () => {
  const ledger = twoCopies();
  ledger.recordShown('carol', 'm1', 4n);
  assert.deepEqual(ledger.readsOutsideMembership(), [{ messageId: 'm1', device: 'carol', epoch: 4n }]);
  assert.deepEqual(ledger.removedAt.get('g')?.get('carol'), 4n);
});

test('a read without a reported epoch is judged by the epochs the message was acknowledged in', () => {
  const ledger = twoCopies();
  ledger.recordShown('carol', 'm1', undefined);
  assert.deepEqual(ledger.readsOutsideMembership(), [{ messageId: 'm1', device: 'carol', epoch: undefined }]);
});
