// The web client's saved key-transparency state: round trip, and every malformed record is
// refused with TransparencyRecordError (the host then starts monitoring from the baseline).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OwnChanges } from '@sealed/client/transparency/owner-monitor';
import { decodeTransparencyRecord, encodeTransparencyRecord, TransparencyRecordError } from '../src/host/transparency-record.ts';

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);
const record = {
  accountId: 'ab'.repeat(16),
  state: {
    checkpoint: { treeSize: 42, timestamp: 1_700_000_000_000, root: bytes(32, 1), prefixRoot: bytes(32, 2), signature: bytes(64, 3) },
    ownLabels: [{ label: bytes(32, 4), knownVersion: 3, knownValue: bytes(49, 5) }, { label: bytes(32, 6) }],
    ownValues: [bytes(100, 7)],
  },
};
const text = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const valid = () => JSON.parse(new TextDecoder().decode(encodeTransparencyRecord(record))) as Record<string, unknown>;

test('round trip keeps every field; an empty state too', () => {
  assert.deepEqual(decodeTransparencyRecord(encodeTransparencyRecord(record)), record);
  const empty = { accountId: undefined, state: { checkpoint: undefined, ownLabels: [], ownValues: [] } };
  assert.deepEqual(decodeTransparencyRecord(encodeTransparencyRecord(empty)), empty);
});

test('malformed records are refused with TransparencyRecordError', () => {
  const cases: [string, Uint8Array][] = [
    ['not UTF-8', Uint8Array.of(0xff, 0xfe)],
    ['not JSON', text('x').subarray(1)],
    ['an array', text([])],
    ['null', text(null)],
    ['checkpoint not an object', text({ ...valid(), checkpoint: 5 })],
    ['negative tree size', text({ ...valid(), checkpoint: { ...(valid()['checkpoint'] as object), treeSize: -1 } })],
    ['fractional timestamp', text({ ...valid(), checkpoint: { ...(valid()['checkpoint'] as object), timestamp: 1.5 } })],
    ['root not hex', text({ ...valid(), checkpoint: { ...(valid()['checkpoint'] as object), root: 'zz' } })],
    ['root odd length', text({ ...valid(), checkpoint: { ...(valid()['checkpoint'] as object), root: 'abc' } })],
    ['too many own labels', text({ ...valid(), ownLabels: [{ label: '00', knownVersion: null, knownValue: null }, { label: '00', knownVersion: null, knownValue: null }, { label: '00', knownVersion: null, knownValue: null }] })],
    ['own label not an object', text({ ...valid(), ownLabels: ['00'] })],
    ['too many own values', text({ ...valid(), ownValues: Array.from({ length: OwnChanges.MAX + 1 }, () => '00') })],
    ['own values not a list', text({ ...valid(), ownValues: '00' })],
    ['hex field too long', text({ ...valid(), ownValues: ['0'.repeat(131_074)] })],
    ['account id a number', text({ ...valid(), accountId: 7 })],
  ];
  for (const [what, data] of cases) assert.throws(() => decodeTransparencyRecord(data), TransparencyRecordError, what);
});
