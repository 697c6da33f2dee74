import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { toHex } from '../../../../tools/testvectors.ts';
import { LOG_ENTRY_LEN, decodeLogEntry, encodeLogEntry, logEntryLeafHash } from '../../src/log/log-entry.ts';
import { LogError } from '../../src/log/log-error.ts';

const root = new Uint8Array(32).fill(0xab);

test('draft "Log Tree": LogEntry is uint64 timestamp then the prefix-tree root; leaf is RFC 9162 HASH(0x00 || entry)', () => {
  const bytes = encodeLogEntry({ timestamp: 0x0102030405, prefixTreeRoot: root });
  assert.equal(toHex(bytes), '0000000102030405' + 'ab'.repeat(32));
  assert.equal(toHex(logEntryLeafHash({ timestamp: 0x0102030405, prefixTreeRoot: root })), createHash('sha256').update(Uint8Array.of(0)).update(bytes).digest('hex'));
  assert.deepEqual(decodeLogEntry(bytes), { timestamp: 0x0102030405, prefixTreeRoot: root });
});

test('LogEntry decoding is strict and encoding refuses bad input', () => {
  const isLogError = (e: unknown) => e instanceof LogError;
  const good = encodeLogEntry({ timestamp: 1, prefixTreeRoot: root });
  const length = (e: unknown) => e instanceof LogError && e.code === 'invalid-entry-length';
  assert.throws(() => decodeLogEntry(good.subarray(1)), length);
  assert.throws(() => decodeLogEntry(Uint8Array.of(...good, 0)), length);
  assert.throws(() => decodeLogEntry(new Uint8Array(0)), length);
  const huge = new Uint8Array(LOG_ENTRY_LEN).fill(0xff);
  assert.throws(() => decodeLogEntry(huge), (e) => e instanceof LogError && e.code === 'invalid-size');
  assert.throws(() => encodeLogEntry({ timestamp: -1, prefixTreeRoot: root }), isLogError);
  assert.throws(() => encodeLogEntry({ timestamp: 1.5, prefixTreeRoot: root }), isLogError);
  assert.throws(() => encodeLogEntry({ timestamp: 1, prefixTreeRoot: root.subarray(1) }), isLogError);
  // Re-encoding a decoded entry gives the input back.
  const max = encodeLogEntry({ timestamp: Number.MAX_SAFE_INTEGER, prefixTreeRoot: root });
  assert.deepEqual(encodeLogEntry(decodeLogEntry(max)), max);
});
