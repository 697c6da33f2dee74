import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { VaultError } from '../../src/vault/errors.ts';
import {
  ACTIVE_HEADER_LENGTH,
  WIPED_HEADER_LENGTH,
  decodeHeader,
  encodeHeader,
  type ActiveHeader,
} from '../../src/vault/header.ts';
import { provider, throwCode, WEAK_ARGON2 } from './helpers.ts';

function sample(overrides: Partial<ActiveHeader> = {}): ActiveHeader {
  return {
    state: 'active',
    params: { memoryKiB: 65536, iterations: 3, parallelism: 1 },
    maxAttempts: 10,
    salt: new Uint8Array(16).fill(1),
    nonce: new Uint8Array(12).fill(2),
    wrappedKey: new Uint8Array(48).fill(3),
    failures: 4,
    ...overrides,
  };
}

/** Re-seals the checksum after an edit, as an attacker with the file could. */
function reseal(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  out.set(provider.hash('SHA-256', out.subarray(0, out.length - 32)), out.length - 32);
  return out;
}

test('header: active and wiped round-trip, re-encoding equals input', () => {
  const active = encodeHeader(provider, sample());
  assert.equal(active.length, ACTIVE_HEADER_LENGTH);
  assert.deepEqual(decodeHeader(provider, active, 'production'), sample());
  assert.deepEqual(encodeHeader(provider, decodeHeader(provider, active, 'production')), active);
  const wiped = encodeHeader(provider, { state: 'wiped' });
  assert.equal(wiped.length, WIPED_HEADER_LENGTH);
  assert.deepEqual(decodeHeader(provider, wiped, 'production'), { state: 'wiped' });
});

test('header: every truncation is a typed error', () => {
  const active = encodeHeader(provider, sample());
  for (let length = 0; length < active.length; length++) {
    const code = throwCode(() => decodeHeader(provider, active.subarray(0, length), 'production'));
    assert.equal(code, 'header-truncated', `length ${length}`);
  }
});

test('header: trailing bytes, unknown and too old versions, wrong magic, unknown state', () => {
  const active = encodeHeader(provider, sample());
  assert.equal(throwCode(() => decodeHeader(provider, new Uint8Array([...active, 0]), 'production')), 'header-trailing-bytes');
  const v2 = active.slice();
  v2[4] = 2;
  assert.equal(throwCode(() => decodeHeader(provider, v2, 'production')), 'header-version-unknown');
  const v0 = active.slice();
  v0[4] = 0;
  assert.equal(throwCode(() => decodeHeader(provider, v0, 'production')), 'header-version-too-old');
  const magic = active.slice();
  magic[0] = 0x58;
  assert.equal(throwCode(() => decodeHeader(provider, magic, 'production')), 'header-not-a-vault');
  const state = active.slice();
  state[5] = 9;
  assert.equal(throwCode(() => decodeHeader(provider, state, 'production')), 'header-malformed');
});

test('header: every single bit flip is detected with a typed error', () => {
  const active = encodeHeader(provider, sample());
  let cases = 0;
  for (let i = 0; i < active.length; i++) {
    for (let bit = 0; bit < 8; bit++) {
      const flipped = active.slice();
      flipped[i] = (flipped[i] as number) ^ (1 << bit);
      const code = throwCode(() => decodeHeader(provider, flipped, 'production'));
      assert.match(code, /^header-/, `byte ${i} bit ${bit}`);
      cases++;
    }
  }
  console.log(`header bit flips: ${cases} cases`);
});

test('header: fields out of range are refused even with a valid checksum', () => {
  const active = encodeHeader(provider, sample());
  const edits: Array<[string, (view: DataView) => void]> = [
    ['memory 2 GiB', (v) => v.setUint32(6, 2 * 1024 * 1024)],
    ['iterations 0', (v) => v.setUint32(10, 0)],
    ['iterations 65', (v) => v.setUint32(10, 65)],
    ['lanes 0', (v) => v.setUint8(14, 0)],
    ['lanes 17', (v) => v.setUint8(14, 17)],
    ['limit 0', (v) => v.setUint16(15, 0)],
    ['limit 1001', (v) => v.setUint16(15, 1001)],
    ['failures over limit', (v) => v.setUint16(93, 11)],
  ];
  for (const [name, edit] of edits) {
    const bytes = active.slice();
    edit(new DataView(bytes.buffer));
    assert.equal(throwCode(() => decodeHeader(provider, reseal(bytes), 'production')), 'header-malformed', name);
  }
});

test('header: parameters below the production floor are refused unless the test opt-in is given', () => {
  const weak = encodeHeader(provider, sample({ params: WEAK_ARGON2 }));
  assert.equal(throwCode(() => decodeHeader(provider, weak, 'production')), 'weak-parameters');
  assert.equal(decodeHeader(provider, weak, 'weak-for-tests').state, 'active');
  const twoPasses = encodeHeader(provider, sample({ params: { memoryKiB: 65536, iterations: 2, parallelism: 1 } }));
  assert.equal(throwCode(() => decodeHeader(provider, twoPasses, 'production')), 'weak-parameters');
});

test('header: random bytes only ever give VaultError (property)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      try {
        decodeHeader(provider, bytes, 'production');
      } catch (error) {
        assert.ok(error instanceof VaultError);
      }
    }),
    { numRuns: 500 },
  );
});
