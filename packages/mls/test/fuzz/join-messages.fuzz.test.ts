// Decoder fuzzing of the messages that are not group messages: a Welcome (processWelcome), a
// GroupInfo for an external join (decoded with the group API's bounded decoder, then
// joinByExternalCommit) and a KeyPackage for an add (decoded, then addMembers). Random bytes,
// byte mutations, hostile length prefixes and field-aware mutations (decode, change one
// field, re-encode; GroupInfo and KeyPackage also re-signed so the change meets the semantic
// checks): only documented GroupErrors, the adder's state byte-identical, no allocation
// following a forged length.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { GroupErrorCode } from '../../src/group/errors.ts';
import { serializeGroupState } from '../../src/group/serialize.ts';
import { type MLSMessage, mlsMessageBytes, parseMLSMessage } from '../../src/structs/mls-message.ts';
import { largestAllocation } from './alloc-guard.ts';
import { addFromKeyPackage, externalJoin, welcome } from './entry-points.ts';
import { fieldChange, mutateGroupInfo, mutateKeyPackage, mutateWelcome, WELCOME_FIELDS } from './field-mutations.ts';
import { ADD_CODES, alice, bob, erinKp, EXTERNAL_JOIN_CODES, externalGroupInfo, groupInfoMessage, keyPackageMessage, report, suite, typedOutcome, WELCOME_CODES, welcomeForDave } from './fixtures.ts';
import { applyMutations, byteMutations, sameBytes, withHugeLength } from './mutate.ts';

const bobBefore = serializeGroupState(bob);

const assertBobUnchanged = (where: string): void => assert.ok(sameBytes(serializeGroupState(bob), bobBefore), `${where}: bob's state changed`);
const ALLOCATION_BOUND = 1 << 20;

interface Entry {
  readonly name: string;
  readonly sample: Uint8Array;
  readonly codes: ReadonlySet<GroupErrorCode>;
  readonly run: (bytes: Uint8Array) => unknown;
}
const entries: readonly Entry[] = [
  { name: 'Welcome', sample: welcomeForDave, codes: WELCOME_CODES, run: welcome },
  { name: 'GroupInfo (external join)', sample: groupInfoMessage, codes: EXTERNAL_JOIN_CODES, run: externalJoin },
  { name: 'KeyPackage (add)', sample: keyPackageMessage, codes: ADD_CODES, run: (bytes) => addFromKeyPackage(bob, bytes) },
];

test('the valid samples are accepted (so the fuzzing starts from messages that work)', () => {
  for (const e of entries) assert.equal(typedOutcome(`${e.name} (valid)`, e.codes, () => e.run(e.sample)), 'ok', e.name);
  assertBobUnchanged('valid KeyPackage');
});

for (const e of entries) {
  test(`random bytes as ${e.name}: typed errors only`, () => {
    const header = fc.constantFrom(Uint8Array.of(), Uint8Array.of(0, 1, 0, 3), Uint8Array.of(0, 1, 0, 4), Uint8Array.of(0, 1, 0, 5));
    fc.assert(
      fc.property(header, fc.uint8Array({ maxLength: 512 }), (prefix, rest) => {
        assert.notEqual(typedOutcome(`${e.name} (random)`, e.codes, () => e.run(new Uint8Array([...prefix, ...rest]))), 'ok');
      }),
      { numRuns: 200 },
    );
    assertBobUnchanged(e.name);
  });

  test(`mutated ${e.name}: typed errors only, state unchanged`, () => {
    fc.assert(
      fc.property(byteMutations, (mutations) => {
        const mutated = applyMutations(e.sample, mutations);
        fc.pre(!sameBytes(mutated, e.sample));
        typedOutcome(`${e.name} (mutated)`, e.codes, () => e.run(mutated));
        assertBobUnchanged(e.name);
      }),
      { numRuns: 150 },
    );
  });

  test(`${e.name} with a huge length prefix at every offset: typed error, no large allocation`, () => {
    let largest = 0;
    for (let at = 0; at <= e.sample.length; at += 1) {
      for (const overwrite of [false, true]) {
        const bytes = withHugeLength(e.sample, at, overwrite);
        largest = Math.max(largest, largestAllocation(() => typedOutcome(`${e.name} (huge length)`, e.codes, () => e.run(bytes))));
      }
    }
    assert.ok(largest < ALLOCATION_BOUND, `${e.name}: allocated ${largest} bytes for a ${e.sample.length}-byte input`);
    assertBobUnchanged(e.name);
  });
}

/** Builds a changed structure; one that cannot be encoded (or signed) cannot be sent either: skipped. */
function buildOrSkip<T>(build: () => T): T {
  let value: T | undefined;
  try {
    value = build();
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
  }
  fc.pre(value !== undefined);
  return value!;
}

/** Re-encodes a changed structure; values outside their wire range cannot be sent at all (skipped). */
function encodeOrSkip(message: MLSMessage): Uint8Array {
  let bytes: Uint8Array | undefined;
  try {
    bytes = mlsMessageBytes(message);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
  }
  fc.pre(bytes !== undefined);
  return bytes!;
}

test('field-aware mutations of the Welcome: typed errors only', () => {
  const parsed = parseMLSMessage(welcomeForDave);
  assert.ok(parsed.wireFormat === 'mls_welcome');
  fc.assert(
    fc.property(fieldChange, (c) => {
      const bytes = encodeOrSkip({ wireFormat: 'mls_welcome', welcome: mutateWelcome(parsed.welcome, c) });
      fc.pre(!sameBytes(bytes, welcomeForDave));
      const outcome = typedOutcome('Welcome (field)', WELCOME_CODES, () => welcome(bytes));
      // The one harmless change: the same EncryptedGroupSecrets twice (§12.4.3.1 takes the entry for our KeyPackage).
      if (c.field % WELCOME_FIELDS !== 2) assert.notEqual(outcome, 'ok');
    }),
    { numRuns: 200 },
  );
});

test('field-aware mutations of the GroupInfo, signed or not: typed errors only', () => {
  fc.assert(
    fc.property(fieldChange, fc.boolean(), (c, resign) => {
      const groupInfo = buildOrSkip(() => mutateGroupInfo(suite, externalGroupInfo, c, resign, alice.own.signatureKey));
      const bytes = encodeOrSkip({ wireFormat: 'mls_group_info', groupInfo });
      // Re-signed by the real signer, some changes are legitimate (e.g. other opaque extensions).
      const outcome = typedOutcome(`GroupInfo (field${resign ? ', re-signed' : ''})`, EXTERNAL_JOIN_CODES, () => externalJoin(bytes));
      if (!resign && !sameBytes(bytes, groupInfoMessage)) assert.notEqual(outcome, 'ok');
    }),
    { numRuns: 250 },
  );
});

test('field-aware mutations of the KeyPackage, signed or not: typed errors only, adder unchanged', () => {
  fc.assert(
    fc.property(fieldChange, fc.boolean(), (c, resign) => {
      const keyPackage = buildOrSkip(() => mutateKeyPackage(suite, erinKp.keyPackage, c, resign, erinKp.signaturePrivateKey));
      const bytes = encodeOrSkip({ wireFormat: 'mls_key_package', keyPackage });
      const outcome = typedOutcome(`KeyPackage (field${resign ? ', re-signed' : ''})`, ADD_CODES, () => addFromKeyPackage(bob, bytes));
      if (!resign && !sameBytes(bytes, keyPackageMessage)) assert.notEqual(outcome, 'ok');
      assertBobUnchanged('KeyPackage');
    }),
    { numRuns: 250 },
  );
  report();
});
