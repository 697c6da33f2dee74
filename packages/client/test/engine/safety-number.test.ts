// Safety numbers (features/safety-number.ts) and their QR matrix (features/qr.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeProvider } from '@sealed/crypto/node/provider';
import { nobleProvider } from '@sealed/crypto/noble/provider';
import { compareScanned, safetyNumber, SAFETY_NUMBER_ITERATIONS } from '../../src/features/safety-number.ts';
import { qrMatrix, qrText } from '../../src/features/qr.ts';

const alice = { username: 'alice', identityKey: new Uint8Array(32).fill(1) };
const bob = { username: 'bob', identityKey: new Uint8Array(32).fill(2) };

test('symmetric, 60 digits in 12 groups, stable across providers (a fixed vector pins the construction)', () => {
  const ab = safetyNumber(nodeProvider, alice, bob);
  const ba = safetyNumber(nobleProvider, bob, alice);
  assert.deepEqual(ab, ba);
  assert.match(ab.digits, /^\d{60}$/);
  assert.equal(ab.groups.length, 12);
  assert.equal(ab.groups.join(''), ab.digits);
  assert.equal(SAFETY_NUMBER_ITERATIONS, 5200);
  assert.match(ab.qrPayload, /^SEALED:SN:1:[0-9A-F]{128}$/);
  // Pinned: a change of label, order, iteration count or digit extraction changes this.
  assert.equal(ab.digits, GOLDEN_DIGITS);
});

test('any change of key or username changes the number; scanning compares exactly', () => {
  const ours = safetyNumber(nodeProvider, alice, bob);
  const otherKey = safetyNumber(nodeProvider, alice, { ...bob, identityKey: new Uint8Array(32).fill(3) });
  const otherName = safetyNumber(nodeProvider, alice, { ...bob, username: 'bobby' });
  assert.notEqual(ours.digits, otherKey.digits);
  assert.notEqual(ours.digits, otherName.digits);
  assert.equal(compareScanned(nodeProvider, ours, ours.qrPayload), 'match');
  assert.equal(compareScanned(nodeProvider, ours, otherKey.qrPayload), 'mismatch');
  assert.equal(compareScanned(nodeProvider, ours, 'SEALED:SN:2:' + ours.qrPayload.slice(12)), 'unknown-version');
  for (const junk of ['', 'hello', ours.qrPayload.slice(0, -1), ours.qrPayload + '0', ours.qrPayload.toLowerCase(), 'SEALED:SN:1:' + 'G'.repeat(128), 'x'.repeat(100_000)]) {
    assert.notEqual(compareScanned(nodeProvider, ours, junk), 'match', junk.slice(0, 20));
  }
  assert.throws(() => safetyNumber(nodeProvider, alice, { username: '', identityKey: bob.identityKey }), RangeError);
});

test('the QR matrix encodes the payload (square, finder patterns) and renders as text', () => {
  const { qrPayload } = safetyNumber(nodeProvider, alice, bob);
  const m = qrMatrix(qrPayload);
  assert.ok(m.size >= 21 && (m.size - 17) % 4 === 0, `size ${m.size}`);
  assert.equal(m.dark.length, m.size * m.size);
  // Finder pattern corners are dark; the separator next to them is light.
  for (const [r, c] of [[0, 0], [0, m.size - 1], [m.size - 1, 0]] as const) assert.equal(m.dark[r * m.size + c], true);
  assert.equal(m.dark[7 * m.size + 7], false);
  assert.deepEqual(qrMatrix(qrPayload), m, 'deterministic');
  const text = qrText(m);
  assert.equal(text.split('\n').length, Math.ceil((m.size + 4) / 2));
  assert.throws(() => qrMatrix('lower case'), RangeError);
});

// Computed independently (Python hashlib) from the construction in the file header.
const GOLDEN_DIGITS = '378123797004775762226983661495844437042174322389200650906633';
