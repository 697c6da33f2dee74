// Decoder fuzzing of every incoming message kind (fast-check): random bytes and mutations
// (bit flips, truncations, insertions) of valid application messages, proposals, commits
// (Public and Private) and Welcomes only ever produce a typed GroupError, never another
// exception, and leave the receiver's state byte-identical.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addMembers, processIncoming, processWelcome, selfUpdate } from '../../src/group/api.ts';
import { createGroup } from '../../src/group/create.ts';
import { GroupError } from '../../src/group/errors.ts';
import { encryptApplication, propose } from '../../src/group/send.ts';
import { serializeGroupState } from '../../src/group/serialize.ts';
import { acceptAll, member, SUITE_1 } from './helpers.ts';

const suite = SUITE_1;
const options = { policy: acceptAll };

const alice0 = createGroup(suite, member(suite, 'alice'));
const bobKp = member(suite, 'bob');
const carolKp = member(suite, 'carol');
const added = addMembers(alice0, [bobKp.keyPackage], options);
const alice = added.state;
const bob = processWelcome(added.welcome!, bobKp, { suite, policy: acceptAll }).state;
const welcomeForCarol = addMembers(alice, [carolKp.keyPackage], options).welcome!;

const samples: Uint8Array[] = [
  encryptApplication(alice, new TextEncoder().encode('hello')),
  propose(alice, { type: 'remove', removed: 1 }, 'mls_public_message').message,
  propose(alice, { type: 'remove', removed: 1 }).message,
  selfUpdate(alice, { ...options, wireFormat: 'mls_public_message' }).commit,
  selfUpdate(alice, options).commit,
];
const before = serializeGroupState(bob);

function mutate(bytes: Uint8Array, kind: number, position: number, value: number): Uint8Array {
  const at = bytes.length === 0 ? 0 : position % bytes.length;
  if (kind === 0) {
    const out = bytes.slice();
    out[at] = (out[at] ?? 0) ^ (1 << (value % 8));
    return out;
  }
  if (kind === 1) return bytes.subarray(0, at);
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes.subarray(0, at));
  out[at] = value & 0xff;
  out.set(bytes.subarray(at), at + 1);
  return out;
}

function onlyTypedErrors(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    if (!(error instanceof GroupError)) throw error;
  }
}

test('mutated group messages only produce GroupError and change nothing', () => {
  fc.assert(
    fc.property(fc.nat({ max: samples.length - 1 }), fc.nat({ max: 2 }), fc.nat(), fc.nat({ max: 255 }), (which, kind, position, value) => {
      onlyTypedErrors(() => processIncoming(bob, mutate(samples[which]!, kind, position, value), options));
      assert.deepEqual(serializeGroupState(bob), before);
    }),
    { numRuns: 400 },
  );
});

test('random bytes only produce GroupError', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      onlyTypedErrors(() => processIncoming(bob, bytes, options));
      onlyTypedErrors(() => processWelcome(bytes, carolKp, { suite, policy: acceptAll }));
    }),
    { numRuns: 300 },
  );
  assert.deepEqual(serializeGroupState(bob), before);
});

test('mutated Welcomes only produce GroupError', () => {
  fc.assert(
    fc.property(fc.nat({ max: 2 }), fc.nat(), fc.nat({ max: 255 }), (kind, position, value) => {
      onlyTypedErrors(() => processWelcome(mutate(welcomeForCarol, kind, position, value), carolKp, { suite, policy: acceptAll }));
    }),
    { numRuns: 200 },
  );
});
