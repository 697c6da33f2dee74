import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeCbor } from '../../src/content/cbor-decode.ts';
import { encodeCbor } from '../../src/content/cbor-encode.ts';
import { ContentError, type ContentErrorCode } from '../../src/content/cbor-errors.ts';
import { CborMap, type CborValue } from '../../src/content/cbor-value.ts';
import { MAX_CBOR_DEPTH, MAX_CONTENT_BYTES } from '../../src/content/limits.ts';

const hex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (b) => parseInt(b, 16));
const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

function rejects(input: string | Uint8Array, code: ContentErrorCode): void {
  const bytes = typeof input === 'string' ? hex(input) : input;
  assert.throws(() => decodeCbor(bytes), (e: unknown) => e instanceof ContentError && e.code === code, `${typeof input === 'string' ? input : 'input'} -> ${code}`);
}

// RFC 8949 Appendix A examples inside our subset.
const RFC8949_EXAMPLES: readonly [CborValue, string][] = [
  [0, '00'], [1, '01'], [10, '0a'], [23, '17'], [24, '1818'], [25, '1819'], [100, '1864'], [1000, '1903e8'],
  [1000000, '1a000f4240'], [1000000000000, '1b000000e8d4a51000'], [-1, '20'], [-10, '29'], [-100, '3863'], [-1000, '3903e7'],
  [false, 'f4'], [true, 'f5'], [null, 'f6'], [new Uint8Array(0), '40'], [hex('01020304'), '4401020304'],
  ['', '60'], ['a', '6161'], ['IETF', '6449455446'], ['\u00fc', '62c3bc'], ['\u6c34', '63e6b0b4'],
  [[], '80'], [[1, 2, 3], '83010203'], [[1, [2, 3], [4, 5]], '8301820203820405'],
  [new CborMap([]), 'a0'], [new CborMap([[1, 2], [3, 4]]), 'a201020304'], [new CborMap([['a', 1], ['b', [2, 3]]]), 'a26161016162820203'],
];

test('RFC 8949 Appendix A: encodings of the subset (30 cases)', () => {
  for (const [value, expected] of RFC8949_EXAMPLES) {
    assert.equal(toHex(encodeCbor(value)), expected);
    assert.deepEqual(encodeCbor(decodeCbor(hex(expected))), hex(expected));
  }
});

test('maps are encoded with keys in bytewise order of their encodings (RFC 8949 §4.2.1)', () => {
  const map = new CborMap([['b', 1], [10, 2], ['a', 3], [-1, 4], [100, 5]]);
  // 0a < 1864 < 20 < 6161 < 6162
  assert.equal(toHex(encodeCbor(map)), 'a50a02186405200461610361620' + '1');
  assert.throws(() => encodeCbor(new CborMap([[1, 1], [1, 2]])), RangeError);
  assert.throws(() => encodeCbor(1.5), RangeError);
  assert.throws(() => encodeCbor(2 ** 53), RangeError);
});

const value: fc.Arbitrary<CborValue> = fc.letrec<{ v: CborValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.maxSafeInteger(),
    fc.uint8Array({ maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc.constantFrom(true, false, null),
    fc.array(tie('v'), { maxLength: 5 }),
    fc.uniqueArray(fc.tuple(fc.oneof(fc.integer(), fc.string({ maxLength: 8 })), tie('v')), { maxLength: 5, selector: ([k]) => `${typeof k}:${k}` }).map((entries) => new CborMap(entries)),
  ),
})).v;

test('property: decode(encode(v)) re-encodes to the same bytes', () => {
  fc.assert(fc.property(value, (v) => {
    const bytes = encodeCbor(v);
    assert.deepEqual(encodeCbor(decodeCbor(bytes)), bytes);
  }), { numRuns: 300 });
});

test('property: random bytes either decode to a value that re-encodes identically or fail with a ContentError', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
    try {
      assert.deepEqual(encodeCbor(decodeCbor(bytes)), bytes);
    } catch (error) {
      assert.ok(error instanceof ContentError, String(error));
    }
  }), { numRuns: 2000 });
});

test('malformed input: truncation, trailing bytes, non-shortest forms, unsorted or duplicate keys', () => {
  rejects('', 'truncated');
  rejects('18', 'truncated');
  rejects('4401', 'truncated');
  rejects('83 0102'.replace(' ', ''), 'truncated');
  rejects('0000', 'trailing-bytes');
  rejects('1817', 'not-deterministic'); // 23 in two bytes
  rejects('190017', 'not-deterministic');
  rejects('1a0000ffff', 'not-deterministic');
  rejects('1b00000000ffffffff', 'not-deterministic');
  rejects('a202010102', 'not-deterministic'); // keys 2, 1
  rejects('a201010102', 'not-deterministic'); // key 1 twice
  rejects('1bffffffffffffffff', 'out-of-range');
  rejects('3b001fffffffffffff', 'out-of-range');
  rejects('62c328', 'invalid-utf8');
});

test('malformed input: subset refusals (tags, floats, undefined, indefinite lengths, reserved info)', () => {
  rejects('c11a514b67b0', 'unsupported'); // tag 1
  rejects('f93c00', 'unsupported'); // half float
  rejects('f7', 'unsupported'); // undefined
  rejects('9fff', 'unsupported'); // indefinite array
  rejects('5f4101ff', 'unsupported');
  rejects('1c', 'unsupported');
  rejects('a1f5f5', 'unsupported'); // boolean map key
});

test('bounds: size, nesting and counts are checked before work', () => {
  rejects(new Uint8Array(MAX_CONTENT_BYTES + 1), 'too-large');
  rejects('81'.repeat(MAX_CBOR_DEPTH + 1) + '00', 'too-deep');
  assert.deepEqual(decodeCbor(hex('81'.repeat(MAX_CBOR_DEPTH - 1) + '00')), JSON.parse('['.repeat(MAX_CBOR_DEPTH - 1) + '0' + ']'.repeat(MAX_CBOR_DEPTH - 1)));
  rejects('9a00010000', 'too-large'); // 65536 items claimed
  rejects('98ff00', 'truncated'); // 255 items claimed, one present
  rejects('5a00010000', 'truncated'); // 64 KiB string claimed
});
