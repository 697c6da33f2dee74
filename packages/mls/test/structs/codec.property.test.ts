// Properties of every RFC 9420 struct codec (fast-check):
// - round trip: decode(encode(x)) deep-equals x and re-encodes to the same bytes;
// - trailing bytes after a valid encoding are rejected ('trailing-bytes');
// - every strict prefix of a valid encoding is rejected ('truncated');
// - a mutated encoding (byte replaced, inserted or deleted) is rejected with a DecodeError
//   and never another exception, or, when it is still valid, re-encodes to itself;
// - the same for mutations of the real MLSMessages of messages.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { hex, loadVectors } from '../../../../tools/testvectors.ts';
import { DecodeError } from '../../src/codec/errors.ts';
import { decode, type Reader } from '../../src/codec/reader.ts';
import { encode, type Writer } from '../../src/codec/writer.ts';
import { decodeMLSMessage, encodeMLSMessage } from '../../src/structs/mls-message.ts';
import { type StructCase, structCases } from './struct-table.ts';

/** Runs per struct and property: ~40 structs x 4 properties stay well under the time budget. */
const RUNS = 40;

type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: DecodeError };

/** Decodes all of `bytes`; a DecodeError is an outcome, any other exception fails the test. */
function tryDecode(decodeValue: (reader: Reader) => unknown, bytes: Uint8Array, what: string): Outcome {
  try {
    return { ok: true, value: decode(decodeValue, bytes, what) };
  } catch (error) {
    if (error instanceof DecodeError) return { ok: false, error };
    throw error;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

type Mutation = { kind: 'replace' | 'insert'; at: number; byte: number } | { kind: 'delete'; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constantFrom('replace' as const, 'insert' as const), at: fc.nat(), byte: fc.nat({ max: 255 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
);

function mutate(bytes: Uint8Array, m: Mutation): Uint8Array {
  if (bytes.length === 0) return m.kind === 'delete' ? bytes : Uint8Array.of(m.byte);
  const at = m.at % bytes.length;
  if (m.kind === 'replace') {
    const out = bytes.slice();
    out[at] = m.byte;
    return out;
  }
  if (m.kind === 'insert') return concat(concat(bytes.subarray(0, at), Uint8Array.of(m.byte)), bytes.subarray(at));
  return concat(bytes.subarray(0, at), bytes.subarray(at + 1));
}

/** Mutated input: either a typed rejection, or a valid struct that re-encodes to exactly the input. */
function checkMutated(c: Pick<StructCase, 'decode' | 'encode' | 'name'>, mutated: Uint8Array): void {
  const outcome = tryDecode(c.decode, mutated, c.name);
  if (outcome.ok) assert.deepEqual(encode(c.encode, outcome.value), mutated, `${c.name}: accepted mutation does not re-encode to itself`);
}

for (const c of structCases) {
  test(`${c.name}: round trip, trailing bytes, truncation, mutation`, () => {
    fc.assert(
      fc.property(c.arbitrary, (value) => {
        const bytes = encode(c.encode, value);
        const decoded = decode(c.decode, bytes, c.name);
        assert.deepEqual(decoded, value);
        assert.deepEqual(encode(c.encode, decoded), bytes);
      }),
      { numRuns: RUNS },
    );

    fc.assert(
      fc.property(c.arbitrary, fc.uint8Array({ minLength: 1, maxLength: 8 }), (value, suffix) => {
        const outcome = tryDecode(c.decode, concat(encode(c.encode, value), suffix), c.name);
        if (c.consumesRest) {
          // Trailing bytes are padding: accepted only when all zero (RFC 9420 §6.3.1).
          assert.equal(outcome.ok, suffix.every((b) => b === 0));
          if (!outcome.ok) assert.equal(outcome.error.code, 'invalid-value');
        } else {
          assert.ok(!outcome.ok && outcome.error.code === 'trailing-bytes', `${c.name}: trailing bytes not rejected`);
        }
      }),
      { numRuns: RUNS },
    );

    fc.assert(
      fc.property(c.arbitrary, fc.nat(), (value, cut) => {
        const bytes = encode(c.encode, value);
        if (bytes.length === 0) return;
        const prefix = bytes.subarray(0, cut % bytes.length);
        if (c.consumesRest) return checkMutated(c, prefix); // a shorter padding is still valid
        const outcome = tryDecode(c.decode, prefix, c.name);
        assert.ok(!outcome.ok && outcome.error.code === 'truncated', `${c.name}: prefix of ${prefix.length}/${bytes.length} bytes not rejected as truncated`);
      }),
      { numRuns: RUNS },
    );

    fc.assert(
      fc.property(c.arbitrary, fc.array(mutation, { minLength: 1, maxLength: 3 }), (value, mutations) => {
        checkMutated(c, mutations.reduce(mutate, encode(c.encode, value)));
      }),
      { numRuns: RUNS },
    );
  });
}

test('messages.json MLSMessages: mutations and truncations are rejected with DecodeError or re-encode to themselves', () => {
  const vectors = loadVectors<Record<string, string>[]>('mls/messages.json');
  const fields = ['mls_welcome', 'mls_group_info', 'mls_key_package', 'public_message_application', 'public_message_proposal', 'public_message_commit', 'private_message'];
  const corpus = vectors.slice(0, 50).flatMap((v) => fields.map((f) => hex(v[f]!)));
  const message = { name: 'MLSMessage', decode: decodeMLSMessage, encode: encodeMLSMessage as (w: Writer, v: unknown) => void };
  fc.assert(
    fc.property(fc.constantFrom(...corpus), fc.array(mutation, { minLength: 1, maxLength: 4 }), (bytes, mutations) => {
      checkMutated(message, mutations.reduce(mutate, bytes));
    }),
    { numRuns: 1500 },
  );
  fc.assert(
    fc.property(fc.constantFrom(...corpus), fc.nat(), (bytes, cut) => {
      const outcome = tryDecode(decodeMLSMessage, bytes.subarray(0, cut % bytes.length), 'MLSMessage');
      assert.ok(!outcome.ok && outcome.error.code === 'truncated');
    }),
    { numRuns: 500 },
  );
  console.log(`messages (mutation corpus): ${corpus.length} MLSMessages`);
});
