// Decoder fuzzing of every group message type bob's processIncoming takes (PublicMessage
// proposal/commit, external commit, PrivateMessage application/proposal/commit): random
// bytes, byte mutations of valid messages, and hostile length prefixes. Only GroupErrors
// with documented codes come out, bob's serialised state is byte-identical afterwards, and no
// allocation follows a length prefix beyond the input's size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MAX_MESSAGE_BYTES } from '../../src/group/limits.ts';
import { serializeGroupState } from '../../src/group/serialize.ts';
import { largestAllocation } from './alloc-guard.ts';
import { incoming } from './entry-points.ts';
import { bob, groupSamples, INCOMING_CODES, report, typedOutcome } from './fixtures.ts';
import { applyMutations, byteMutations, sameBytes, withHugeLength } from './mutate.ts';

const before = serializeGroupState(bob);
const assertBobUnchanged = (where: string): void => assert.ok(sameBytes(serializeGroupState(bob), before), `${where}: bob's state changed`);
/** Inputs here are at most a few KiB; anything much larger allocated while reading one follows a forged length. */
const ALLOCATION_BOUND = 1 << 20;

test('the allocation guard sees allocations made inside it', () => {
  assert.equal(largestAllocation(() => new Uint8Array(5000)), 5000);
  assert.ok(largestAllocation(() => new ArrayBuffer(7000)) >= 7000);
  assert.ok(new Uint8Array(1) instanceof Uint8Array);
});

test('random bytes given to processIncoming: typed errors only, state unchanged', () => {
  const header = fc.constantFrom(Uint8Array.of(), Uint8Array.of(0, 1, 0, 1), Uint8Array.of(0, 1, 0, 2), Uint8Array.of(0, 1, 0, 3), Uint8Array.of(0, 1, 0, 4), Uint8Array.of(0, 1, 0, 5));
  fc.assert(
    fc.property(header, fc.uint8Array({ maxLength: 512 }), (prefix, rest) => {
      const bytes = new Uint8Array([...prefix, ...rest]);
      assert.notEqual(typedOutcome('processIncoming (random)', INCOMING_CODES, () => incoming(bob, bytes)), 'ok');
    }),
    { numRuns: 400 },
  );
  assertBobUnchanged('random bytes');
});

for (const [name, sample] of Object.entries(groupSamples)) {
  test(`mutated ${name}: typed errors only, state unchanged`, () => {
    fc.assert(
      fc.property(byteMutations, (mutations) => {
        const mutated = applyMutations(sample, mutations);
        fc.pre(!sameBytes(mutated, sample));
        const outcome = typedOutcome(`processIncoming (${name})`, INCOMING_CODES, () => incoming(bob, mutated));
        assert.notEqual(outcome, 'ok', 'a mutated message was accepted');
        assertBobUnchanged(name);
      }),
      { numRuns: 150 },
    );
  });

  test(`${name} with a huge length prefix at every offset: typed error, no large allocation`, () => {
    let largest = 0;
    for (let at = 0; at <= sample.length; at++) {
      for (const overwrite of [false, true]) {
        const bytes = withHugeLength(sample, at, overwrite);
        largest = Math.max(largest, largestAllocation(() => typedOutcome(`processIncoming (${name}, huge length)`, INCOMING_CODES, () => incoming(bob, bytes))));
      }
    }
    assert.ok(largest < ALLOCATION_BOUND, `${name}: allocated ${largest} bytes for a ${sample.length}-byte input`);
    assertBobUnchanged(name);
  });
}

test('a message above MAX_MESSAGE_BYTES is refused before decoding', () => {
  const big = new Uint8Array(MAX_MESSAGE_BYTES + 1);
  assert.equal(typedOutcome('processIncoming (oversized)', INCOMING_CODES, () => incoming(bob, big)), 'message-too-large');
  assertBobUnchanged('oversized');
  report();
});
