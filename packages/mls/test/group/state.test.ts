// GroupState (RFC 9420 §11 creation) and its versioned serialisation: round trips, version
// byte checked first, strict decoding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nobleProvider } from '@sealed/crypto/noble/provider';
import { createGroup } from '../../src/group/create.ts';
import { GroupError } from '../../src/group/errors.ts';
import { deserializeGroupState, GROUP_STATE_FORMAT_VERSION, serializeGroupState } from '../../src/group/serialize.ts';
import { PQ_SUITE, SUITE_1, member } from './helpers.ts';

for (const suite of [SUITE_1, PQ_SUITE]) {
  test(`createGroup then serialise round-trips (suite 0x${suite.id.toString(16)})`, () => {
    const state = createGroup(suite, member(suite, 'alice/phone'));
    assert.equal(state.groupContext.epoch, 0n);
    assert.equal(state.tree.memberCount(), 1);
    // Use the secret tree so the snapshot has ratchets in it.
    state.secretTree.prepareSend(0, 'application').commit();
    const bytes = serializeGroupState(state);
    assert.equal(bytes[0], GROUP_STATE_FORMAT_VERSION);
    const loaded = deserializeGroupState(bytes, nobleProvider);
    assert.deepEqual(serializeGroupState(loaded), bytes);
    assert.equal(loaded.secretTree.nextGeneration(0, 'application'), 1);
    assert.deepEqual(loaded.keys.epochAuthenticator, state.keys.epochAuthenticator);
  });
}

test('a newer format version fails with unknown-version before anything else is read', () => {
  const bytes = serializeGroupState(createGroup(SUITE_1, member(SUITE_1, 'a')));
  const newer = bytes.slice();
  newer[0] = GROUP_STATE_FORMAT_VERSION + 1;
  assert.throws(() => deserializeGroupState(newer, nobleProvider), (e: unknown) => e instanceof GroupError && e.code === 'unknown-version');
  // Even with nothing after it.
  assert.throws(() => deserializeGroupState(Uint8Array.of(200), nobleProvider), (e: unknown) => e instanceof GroupError && e.code === 'unknown-version');
  const zero = bytes.slice();
  zero[0] = 0;
  assert.throws(() => deserializeGroupState(zero, nobleProvider), (e: unknown) => e instanceof GroupError && e.code === 'unsupported-version');
});

test('truncated, extended and empty states fail with malformed-state', () => {
  const bytes = serializeGroupState(createGroup(SUITE_1, member(SUITE_1, 'a')));
  const isMalformed = (e: unknown): boolean => e instanceof GroupError && e.code === 'malformed-state';
  assert.throws(() => deserializeGroupState(new Uint8Array(0), nobleProvider), isMalformed);
  for (const cut of [1, 2, 10, bytes.length >> 1, bytes.length - 1]) {
    assert.throws(() => deserializeGroupState(bytes.subarray(0, cut), nobleProvider), isMalformed, `cut at ${cut}`);
  }
  const extended = new Uint8Array(bytes.length + 1);
  extended.set(bytes);
  assert.throws(() => deserializeGroupState(extended, nobleProvider), isMalformed);
});

test('the error of a bad state names no secret', () => {
  const bytes = serializeGroupState(createGroup(SUITE_1, member(SUITE_1, 'a')));
  try {
    deserializeGroupState(bytes.subarray(0, bytes.length - 3), nobleProvider);
    assert.fail('should throw');
  } catch (error) {
    assert.ok(error instanceof GroupError);
    assert.doesNotMatch(error.message, /[0-9a-f]{32}/);
  }
});

test('states and key package bundles never reach JSON or inspection', async () => {
  const { inspect } = await import('node:util');
  const { createCommit } = await import('../../src/group/commit.ts');
  const { acceptAll } = await import('./helpers.ts');
  const bundle = member(SUITE_1, 'a');
  const state = createGroup(SUITE_1, bundle);
  const next = createCommit(state, { policy: acceptAll }).state;
  const loaded = deserializeGroupState(serializeGroupState(next), nobleProvider);
  for (const s of [state, next, loaded]) {
    assert.equal(JSON.stringify(s), '"[GroupState: secret]"');
    assert.equal(inspect(s), '[GroupState: secret]');
    assert.equal(JSON.stringify({ s }), '{"s":"[GroupState: secret]"}');
  }
  assert.equal(JSON.stringify(bundle), '"[KeyPackageBundle: secret]"');
  assert.doesNotMatch(inspect(bundle), /Uint8Array/);
});
