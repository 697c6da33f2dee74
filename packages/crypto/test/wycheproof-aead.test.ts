/**
 * Wycheproof aes_gcm_test.json and chacha20_poly1305_test.json, for both providers. Neither
 * file has acceptable cases; every group of the AES-GCM file uses 128-bit tags.
 *
 * AES-GCM: every case runs through the general AES-GCM module of its provider
 * (../src/node/aes-gcm.ts, ../src/noble/aes-gcm.ts: AES-128/192/256, IVs of 1 to
 * AES_GCM_MAX_IV_LENGTH bytes; node hands IVs over 128 bytes, beyond OpenSSL 3, to
 * @noble/ciphers, and noble assembles IVs of 1-7 bytes, which its `gcm` refuses, from its own
 * GCM pieces in ../src/noble/gcm-short-iv.ts). Valid cases seal and open exactly; invalid
 * ones are rejected (a modified tag with 'aead-auth', the empty IV with 'invalid-length').
 * Both providers run all 316 cases; none is out-of-interface.
 * Cases with an AES-128/256 key and a 96-bit IV also run through `aeadSeal`/`aeadOpen`;
 * for the others the test asserts the provider interface refuses them with
 * 'invalid-length' (it offers only what RFC 9420 and RFC 9180 use).
 *
 * ChaCha20-Poly1305 runs through the provider interface; nonces other than 96 bits are
 * out-of-interface (refused with 'invalid-length').
 */
import { createCipheriv } from 'node:crypto';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { hex, toHex } from '../../../tools/testvectors.ts';
import { AES_GCM_MAX_IV_LENGTH, AES_GCM_MAX_PLAINTEXT_LENGTH, AES_GCM_MIN_IV_LENGTH, type AesGcm } from '../src/aes-gcm.ts';
import { nobleAesGcm } from '../src/noble/aes-gcm.ts';
import { NOBLE_GCM_MIN_IV_LENGTH, openShortIv, sealShortIv } from '../src/noble/gcm-short-iv.ts';
import { nodeAesGcm, OPENSSL_GCM_MAX_IV_LENGTH } from '../src/node/aes-gcm.ts';
import { AEAD_KEY_LENGTH, AEAD_NONCE_LENGTH, type AeadAlgorithm, type CryptoProvider } from '../src/provider.ts';
import { PROVIDERS } from './providers.ts';
import { expectCryptoError, loadWycheproof, runSuite, type Outcome, type WycheproofGroup, type WycheproofTest } from './wycheproof.ts';

interface AeadTest extends WycheproofTest {
  readonly key: string;
  readonly iv: string;
  readonly aad: string;
  readonly msg: string;
  readonly ct: string;
  readonly tag: string;
}
interface AeadGroup extends WycheproofGroup<AeadTest> {
  readonly keySize: number;
  readonly ivSize: number;
  readonly tagSize: number;
}

/** The general AES-GCM module beside each provider. */
const GENERAL_AES_GCM: Readonly<Record<CryptoProvider['name'], AesGcm>> = { node: nodeAesGcm, noble: nobleAesGcm };

/** Seal and open exactly (valid) or reject with 'aead-auth' (invalid), through `seal`/`open`. */
function checkAead(test: AeadTest, seal: (msg: Uint8Array) => Uint8Array, open: (sealed: Uint8Array) => Uint8Array): void {
  const sealed = hex(test.ct + test.tag);
  if (test.result === 'valid') {
    assert.equal(toHex(seal(hex(test.msg))), test.ct + test.tag);
    assert.equal(toHex(open(sealed)), test.msg);
  } else {
    expectCryptoError('aead-auth', () => open(sealed));
  }
}

/** Through the provider interface, or 'out-of-interface' after asserting it refuses the sizes. */
function checkInterface(provider: CryptoProvider, family: 'AES-GCM' | 'ChaCha20-Poly1305', test: AeadTest): Outcome {
  assert.notEqual(test.result, 'acceptable');
  const key = hex(test.key);
  const iv = hex(test.iv);
  const aad = hex(test.aad);
  const algorithm: AeadAlgorithm =
    family === 'ChaCha20-Poly1305' ? 'ChaCha20-Poly1305' : key.length === 16 ? 'AES-128-GCM' : 'AES-256-GCM';
  if (key.length !== AEAD_KEY_LENGTH[algorithm] || iv.length !== AEAD_NONCE_LENGTH) {
    expectCryptoError('invalid-length', () => provider.aeadSeal(algorithm, key, iv, hex(test.msg), aad));
    expectCryptoError('invalid-length', () => provider.aeadOpen(algorithm, key, iv, hex(test.ct + test.tag), aad));
    return 'out-of-interface';
  }
  checkAead(
    test,
    (msg) => provider.aeadSeal(algorithm, key, iv, msg, aad),
    (sealed) => provider.aeadOpen(algorithm, key, iv, sealed, aad),
  );
  return 'run';
}

/** Through the general module, which takes every IV length of the file but the empty one. */
function checkGeneral(aesGcm: AesGcm, test: AeadTest, group: AeadGroup): Outcome {
  assert.notEqual(test.result, 'acceptable');
  assert.equal(group.tagSize, 128);
  const key = hex(test.key);
  const iv = hex(test.iv);
  const aad = hex(test.aad);
  assert.equal(key.length * 8, group.keySize);
  assert.equal(iv.length * 8, group.ivSize);
  const seal = (msg: Uint8Array) => aesGcm.seal(key, iv, msg, aad);
  const open = (sealed: Uint8Array) => aesGcm.open(key, iv, sealed, aad);
  if (iv.length === 0) {
    // SP 800-38D §5.2.1.1: every such case is invalid in the file, and refused before any work.
    assert.equal(test.result, 'invalid');
    expectCryptoError('invalid-length', () => seal(hex(test.msg)));
    expectCryptoError('invalid-length', () => open(hex(test.ct + test.tag)));
    return 'run';
  }
  checkAead(test, seal, open);
  return 'run';
}

const aesGcm = loadWycheproof<AeadTest, AeadGroup>('aes_gcm_test.json');
const chacha = loadWycheproof<AeadTest, AeadGroup>('chacha20_poly1305_test.json');

for (const provider of PROVIDERS) {
  const general = GENERAL_AES_GCM[provider.name];
  describe(`Wycheproof AEAD (${provider.name})`, () => {
    it('aes_gcm_test.json through the general AES-GCM module: every valid case sealed and opened exactly, every invalid case rejected', () => {
      const counts = runSuite(`aes_gcm_test.json (${provider.name}, general AES-GCM module)`, aesGcm, (test, group) =>
        checkGeneral(general, test, group),
      );
      // Both run all 316, including the 24 valid cases with 1-7 byte IVs (8, 16, 32 and
      // 48-bit IVs, 2 per key size each) that noble's `gcm` alone would refuse.
      assert.equal(general.minIvLength, AES_GCM_MIN_IV_LENGTH);
      assert.equal(counts.outOfInterface, 0);
      assert.equal(counts.run, 316);
    });
    it('aes_gcm_test.json through aeadSeal/aeadOpen: AES-128/256 with 96-bit IVs run, other sizes refused', () => {
      const counts = runSuite(`aes_gcm_test.json (${provider.name}, provider interface)`, aesGcm, (test) =>
        checkInterface(provider, 'AES-GCM', test),
      );
      assert.equal(counts.run, 133);
    });
    it('chacha20_poly1305_test.json: valid seal and open exactly, invalid rejected, other nonce sizes refused', () => {
      const counts = runSuite(`chacha20_poly1305_test.json (${provider.name})`, chacha, (test) =>
        checkInterface(provider, 'ChaCha20-Poly1305', test),
      );
      assert.ok(counts.run > 0);
    });
  });
}

describe('general AES-GCM module: bounds and agreement between node and noble', () => {
  const pattern = (length: number, seed: number) => Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);
  const aad = pattern(20, 7);
  const plaintext = pattern(50, 3);

  for (const aesGcmImpl of [nodeAesGcm, nobleAesGcm]) {
    it(`${aesGcmImpl.name}: IV of AES_GCM_MAX_IV_LENGTH accepted, one byte more refused before any work`, () => {
      const key = pattern(24, 1);
      const sealed = aesGcmImpl.seal(key, pattern(AES_GCM_MAX_IV_LENGTH, 9), plaintext, aad);
      assert.deepEqual(aesGcmImpl.open(key, pattern(AES_GCM_MAX_IV_LENGTH, 9), sealed, aad), plaintext);
      const longIv = pattern(AES_GCM_MAX_IV_LENGTH + 1, 9);
      expectCryptoError('invalid-length', () => aesGcmImpl.seal(key, longIv, plaintext, aad));
      expectCryptoError('invalid-length', () => aesGcmImpl.open(key, longIv, sealed, aad));
    });
    it(`${aesGcmImpl.name}: keys other than 16/24/32 bytes, non-Uint8Array arguments and over-long plaintexts refused`, () => {
      const iv = pattern(12, 5);
      for (const keyLength of [0, 15, 17, 20, 23, 25, 31, 33, 64]) {
        expectCryptoError('invalid-length', () => aesGcmImpl.seal(pattern(keyLength, 1), iv, plaintext, aad));
        expectCryptoError('invalid-length', () => aesGcmImpl.open(pattern(keyLength, 1), iv, pattern(32, 2), aad));
      }
      const key = pattern(16, 1);
      const notBytes = [1, 2, 3] as unknown as Uint8Array;
      expectCryptoError('invalid-length', () => aesGcmImpl.seal(notBytes, iv, plaintext, aad));
      expectCryptoError('invalid-length', () => aesGcmImpl.seal(key, notBytes, plaintext, aad));
      expectCryptoError('invalid-length', () => aesGcmImpl.seal(key, iv, notBytes, aad));
      expectCryptoError('invalid-length', () => aesGcmImpl.seal(key, iv, plaintext, notBytes));
      expectCryptoError('invalid-length', () => aesGcmImpl.open(key, iv, notBytes, aad));
      // SP 800-38D §5.2.1.1 bound, without allocating 64 GiB: a Uint8Array claiming that length.
      const huge = new Uint8Array(0);
      Object.defineProperty(huge, 'length', { value: AES_GCM_MAX_PLAINTEXT_LENGTH + 1 });
      expectCryptoError('invalid-length', () => aesGcmImpl.seal(key, iv, huge, aad));
    });
    // 16 bytes goes through noble's `gcm`, 3 bytes through noble's short-IV path (gcm-short-iv.ts).
    for (const ivLength of [16, 3]) {
      it(`${aesGcmImpl.name}: sealed input shorter than the tag, or altered, gives aead-auth (${ivLength}-byte IV)`, () => {
        const key = pattern(32, 1);
        const iv = pattern(ivLength, 5);
        for (let length = 0; length < 16; length++) {
          expectCryptoError('aead-auth', () => aesGcmImpl.open(key, iv, pattern(length, 2), aad));
        }
        const sealed = aesGcmImpl.seal(key, iv, plaintext, aad);
        for (const index of [0, plaintext.length - 1, plaintext.length, sealed.length - 1]) {
          const altered = sealed.slice();
          altered[index] = (altered[index] as number) ^ 0x01;
          expectCryptoError('aead-auth', () => aesGcmImpl.open(key, iv, altered, aad));
        }
        expectCryptoError('aead-auth', () => aesGcmImpl.open(key, iv, sealed, pattern(20, 8)));
        const otherIv = iv.slice();
        otherIv[0] = (otherIv[0] as number) ^ 0x80;
        expectCryptoError('aead-auth', () => aesGcmImpl.open(key, otherIv, sealed, aad));
      });
    }
  }

  it('node and noble agree for IV lengths 1-7 and every key size on random inputs (fixed seed)', () => {
    // Below 8 bytes noble runs gcm-short-iv.ts and node runs OpenSSL: two independent GCMs.
    let cases = 0;
    for (const keyLength of [16, 24, 32]) {
      for (let ivLength = 1; ivLength < 8; ivLength++) {
        const bytes = (length: number) => fc.uint8Array({ minLength: length, maxLength: length });
        const input = fc.record({
          key: bytes(keyLength),
          iv: bytes(ivLength),
          // Empty, partial-block, whole-block and multi-block messages and AADs.
          message: fc.uint8Array({ maxLength: 80 }),
          aad: fc.uint8Array({ maxLength: 40 }),
          offset: fc.integer({ min: 0, max: 3 }), // unaligned views reach noble's 32-bit word reads
        });
        fc.assert(
          fc.property(input, ({ key, iv, message, aad: extra, offset }) => {
            const fromNode = nodeAesGcm.seal(key, iv, message, extra);
            const unaligned = new Uint8Array(message.length + offset).fill(0xa5).subarray(offset);
            unaligned.set(message);
            assert.deepEqual(nobleAesGcm.seal(key, iv, unaligned, extra), fromNode);
            const sealedCopy = new Uint8Array(fromNode.length + offset).subarray(offset);
            sealedCopy.set(fromNode);
            assert.deepEqual(nobleAesGcm.open(key, iv, sealedCopy, extra), message);
            assert.deepEqual(unaligned, message); // inputs untouched
            assert.deepEqual(sealedCopy, fromNode);
            cases++;
          }),
          { seed: 0x5ea1ed + keyLength * 8 + ivLength, numRuns: 25 },
        );
      }
    }
    assert.equal(cases, 3 * 7 * 25);
    console.log(`general AES-GCM node/noble agreement, IVs of 1-7 bytes: ${cases} cases`);
  });

  it('the short-IV path refuses IVs outside 1-7 bytes (8 and more belong to noble gcm)', () => {
    const key = pattern(16, 1);
    for (const ivLength of [0, NOBLE_GCM_MIN_IV_LENGTH, 12, 16]) {
      const iv = pattern(ivLength, 4);
      expectCryptoError('invalid-length', () => sealShortIv(key, iv, plaintext, aad));
      expectCryptoError('invalid-length', () => openShortIv(key, iv, pattern(32, 2), aad));
    }
  });

  it('OPENSSL_GCM_MAX_IV_LENGTH is where node:crypto stops, and node AES-GCM goes past it', () => {
    const key = new Uint8Array(16);
    assert.doesNotThrow(() => createCipheriv('aes-128-gcm', key, new Uint8Array(OPENSSL_GCM_MAX_IV_LENGTH)));
    assert.throws(() => createCipheriv('aes-128-gcm', key, new Uint8Array(OPENSSL_GCM_MAX_IV_LENGTH + 1)));
    const iv = pattern(OPENSSL_GCM_MAX_IV_LENGTH + 1, 6);
    assert.deepEqual(nodeAesGcm.open(key, iv, nodeAesGcm.seal(key, iv, plaintext, aad), aad), plaintext);
  });

  it('node and noble agree for every key size and IV lengths 8-64, 100, 128, 129, 257 and the maximum', () => {
    // Up to OPENSSL_GCM_MAX_IV_LENGTH this compares OpenSSL with noble; beyond, node uses noble too.
    const ivLengths = [...Array.from({ length: 57 }, (_, i) => i + 8), 100, 128, 129, 257, AES_GCM_MAX_IV_LENGTH];
    let cases = 0;
    for (const keyLength of [16, 24, 32]) {
      for (const ivLength of ivLengths) {
        const key = pattern(keyLength, ivLength);
        const iv = pattern(ivLength, keyLength);
        const message = pattern(ivLength % 40, 11); // includes the empty message and partial blocks
        const fromNode = nodeAesGcm.seal(key, iv, message, aad);
        assert.deepEqual(nobleAesGcm.seal(key, iv, message, aad), fromNode, `key ${keyLength}, iv ${ivLength}`);
        assert.deepEqual(nobleAesGcm.open(key, iv, fromNode, aad), message);
        cases++;
      }
    }
    console.log(`general AES-GCM node/noble agreement: ${cases} cases`);
  });
});
