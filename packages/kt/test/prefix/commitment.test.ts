import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { hex, toHex } from '../../../../tools/testvectors.ts';
import { KC, MAX_UPDATE_VALUE_LEN, NC, commit, encodeCommitmentValue, encodeVrfInput, verifyCommitment } from '../../src/prefix/commitment.ts';
import { PrefixError, type PrefixErrorCode } from '../../src/prefix/prefix-error.ts';

const code = (c: PrefixErrorCode) => (e: unknown) => e instanceof PrefixError && e.code === c;
const opening = hex('000102030405060708090a0b0c0d0e0f');
const label = new TextEncoder().encode('alice');
const value = hex('cafe');

test('draft "KT Cipher Suites": Nc = 16 and Kc as the draft prints it', () => {
  assert.equal(NC, 16);
  assert.equal(toHex(KC), 'd821f8790d97709796b4d7903357c3f5');
});

test('draft "Commitment": CommitmentValue layout, TLS presentation language lengths', () => {
  // opening | label<0..2^8-1> | uint32 version | UpdateValue{ value<0..2^32-1> } (empty suffix)
  assert.equal(toHex(encodeCommitmentValue(opening, label, 7, value)), '000102030405060708090a0b0c0d0e0f' + '05' + toHex(label) + '00000007' + '00000002' + 'cafe');
  assert.equal(toHex(encodeVrfInput(label, 0x01020304)), '05' + toHex(label) + '01020304');
  assert.equal(toHex(encodeVrfInput(new Uint8Array(0), 0)), '0000000000');
});

test('commitment = HMAC-SHA256(Kc, CommitmentValue), checked with node:crypto', () => {
  const expected = createHmac('sha256', KC).update(encodeCommitmentValue(opening, label, 7, value)).digest('hex');
  assert.equal(toHex(commit(opening, label, 7, value)), expected);
});

test('a commitment opens only to its own opening, label, version and value', () => {
  const c = commit(opening, label, 7, value);
  assert.equal(verifyCommitment(c, opening, label, 7, value), true);
  assert.equal(verifyCommitment(c, Uint8Array.from(opening, (b, i) => (i === 0 ? b ^ 1 : b)), label, 7, value), false);
  assert.equal(verifyCommitment(c, opening, new TextEncoder().encode('alicf'), 7, value), false);
  assert.equal(verifyCommitment(c, opening, label, 8, value), false);
  assert.equal(verifyCommitment(c, opening, label, 7, hex('caff')), false);
  assert.equal(verifyCommitment(c.subarray(1), opening, label, 7, value), false);
  for (let b = 0; b < 32; b++) {
    const bad = c.slice();
    bad[b] = (bad[b] ?? 0) ^ 0x10;
    assert.equal(verifyCommitment(bad, opening, label, 7, value), false);
  }
});

test('malformed inputs give typed errors', () => {
  assert.throws(() => commit(opening.subarray(1), label, 0, value), code('invalid-opening-length'));
  assert.throws(() => commit(opening, new Uint8Array(256), 0, value), code('label-too-long'));
  assert.throws(() => commit(opening, label, -1, value), code('invalid-version'));
  assert.throws(() => commit(opening, label, 2 ** 32, value), code('invalid-version'));
  assert.throws(() => commit(opening, label, 1.5, value), code('invalid-version'));
  assert.throws(() => commit(opening, label, 0, new Uint8Array(MAX_UPDATE_VALUE_LEN + 1)), code('value-too-long'));
  commit(opening, new Uint8Array(255), 0xffffffff, new Uint8Array(MAX_UPDATE_VALUE_LEN));
  try {
    commit(opening, label, 0, new Uint8Array(MAX_UPDATE_VALUE_LEN + 1));
  } catch (e) {
    assert.ok(!String(e).includes(toHex(opening)) && !String(e).includes('alice'));
  }
});
