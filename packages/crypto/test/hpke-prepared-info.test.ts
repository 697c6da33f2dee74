import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CryptoError } from '../src/errors.ts';
import { PreparedInfo } from '../src/hpke/key-schedule.ts';
import { MAX_INFO_LENGTH } from '../src/hpke/limits.ts';
import { open, seal } from '../src/hpke/single-shot.ts';
import { hpkeSuiteFromIds } from '../src/hpke/suite.ts';
import { PROVIDERS } from './providers.ts';

const suite = hpkeSuiteFromIds(0x0020, 0x0001, 0x0001);
const other = hpkeSuiteFromIds(0x0020, 0x0001, 0x0002);
const aad = new Uint8Array(0);
const plaintext = new TextEncoder().encode('group secrets');

for (const provider of PROVIDERS) {
  test(`PreparedInfo (${provider.name}): sealing with it opens with the raw info; later changes to the array do not matter`, () => {
    const info = new Uint8Array(4096).fill(7);
    const prepared = new PreparedInfo(provider, suite, info);
    const expected = info.slice();
    info.fill(9);
    for (let i = 0; i < 3; i++) {
      const { publicKey, privateKey } = suite.kem.generateKeyPair(provider);
      const { enc, ciphertext } = seal(provider, suite, publicKey, prepared, aad, plaintext);
      assert.deepEqual(open(provider, suite, enc, privateKey, expected, aad, ciphertext), plaintext);
      assert.throws(() => open(provider, suite, enc, privateKey, info, aad, ciphertext), CryptoError);
    }
  });

  test(`PreparedInfo (${provider.name}): refused for another suite, and oversized info refused up front`, () => {
    const prepared = new PreparedInfo(provider, suite, new Uint8Array(3));
    const { publicKey } = other.kem.generateKeyPair(provider);
    assert.throws(() => seal(provider, other, publicKey, prepared, aad, plaintext), (e: unknown) => e instanceof CryptoError && e.code === 'unsupported');
    assert.throws(() => new PreparedInfo(provider, suite, new Uint8Array(MAX_INFO_LENGTH + 1)), (e: unknown) => e instanceof CryptoError && e.code === 'invalid-length');
  });
}
