/**
 * Wycheproof ML-KEM-768 (FIPS 203) files through `mlkem768` of both providers (which share
 * @noble/post-quantum, as Node 20 has no ML-KEM): mlkem_768_test (KeyGen from seed, then
 * Decaps), mlkem_768_encaps_test (Encaps with fixed m, modulus check),
 * mlkem_768_keygen_seed_test (ek and expanded dk from seed) and
 * mlkem_768_semi_expanded_decaps_test (Decaps with the 2400-byte expanded dk).
 * None of the files has acceptable cases; every case runs through the interface:
 * - wrong seed, key or ciphertext lengths: CryptoError('invalid-length');
 * - encapsulation keys failing the modulus check: CryptoError('invalid-public-key');
 * - expanded keys failing the H(ek) check: CryptoError('invalid-private-key');
 * - "MalleableCiphertext" cases are valid: implicit rejection gives the listed K.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hex, toHex } from '../../../tools/testvectors.ts';
import { mlkem768ExpandedPrivateKey } from '../src/noble/mlkem768.ts';
import { PROVIDERS } from './providers.ts';
import { expectCryptoError, loadWycheproof, runSuite, type WycheproofTest } from './wycheproof.ts';

interface DecapsTest extends WycheproofTest {
  readonly seed: string;
  readonly ek: string;
  readonly c: string;
  readonly K: string;
}
interface EncapsTest extends WycheproofTest {
  readonly m: string;
  readonly ek: string;
  readonly c: string;
  readonly K: string;
}
interface KeyGenTest extends WycheproofTest {
  readonly seed: string;
  readonly ek: string;
  readonly dk: string;
}
interface ExpandedDecapsTest extends WycheproofTest {
  readonly dk: string;
  readonly c: string;
  readonly K: string;
}

const decaps = loadWycheproof<DecapsTest>('mlkem_768_test.json');
const encaps = loadWycheproof<EncapsTest>('mlkem_768_encaps_test.json');
const keygen = loadWycheproof<KeyGenTest>('mlkem_768_keygen_seed_test.json');
const expanded = loadWycheproof<ExpandedDecapsTest>('mlkem_768_semi_expanded_decaps_test.json');

for (const provider of PROVIDERS) {
  const kem = provider.mlkem768;
  describe(`Wycheproof ML-KEM-768 (${provider.name})`, () => {
    it('mlkem_768_test.json: KeyGen from seed then Decaps; wrong lengths rejected', () => {
      runSuite(`mlkem_768_test.json (${provider.name})`, decaps, (test) => {
        const seed = hex(test.seed);
        const c = hex(test.c);
        if (test.result === 'valid') {
          assert.equal(toHex(kem.keygen(seed).publicKey), test.ek);
          assert.equal(toHex(kem.decapsulate(c, seed)), test.K);
        } else {
          assert.equal(test.result, 'invalid');
          if (seed.length !== 64) expectCryptoError('invalid-length', () => kem.keygen(seed));
          expectCryptoError('invalid-length', () => kem.decapsulate(c, seed));
        }
        return 'run';
      });
    });

    it('mlkem_768_encaps_test.json: Encaps with fixed m; modulus check and lengths enforced', () => {
      runSuite(`mlkem_768_encaps_test.json (${provider.name})`, encaps, (test) => {
        const ek = hex(test.ek);
        const m = hex(test.m);
        if (test.result === 'valid') {
          const { cipherText, sharedSecret } = kem.encapsulate(ek, m);
          assert.equal(toHex(cipherText), test.c);
          assert.equal(toHex(sharedSecret), test.K);
        } else {
          assert.equal(test.result, 'invalid');
          expectCryptoError(ek.length === 1184 ? 'invalid-public-key' : 'invalid-length', () => kem.encapsulate(ek, m));
        }
        return 'run';
      });
    });

    it('mlkem_768_keygen_seed_test.json: ek and expanded dk from seed; both key forms decapsulate alike', () => {
      runSuite(`mlkem_768_keygen_seed_test.json (${provider.name})`, keygen, (test) => {
        assert.equal(test.result, 'valid');
        const seed = hex(test.seed);
        const { privateKey, publicKey } = kem.keygen(seed);
        assert.equal(toHex(publicKey), test.ek);
        assert.equal(toHex(privateKey), test.seed);
        const dk = mlkem768ExpandedPrivateKey(seed);
        assert.equal(toHex(dk), test.dk);
        const { cipherText, sharedSecret } = kem.encapsulate(publicKey);
        assert.deepEqual(kem.decapsulate(cipherText, seed), sharedSecret);
        assert.deepEqual(kem.decapsulate(cipherText, dk), sharedSecret);
        return 'run';
      });
    });

    it('mlkem_768_semi_expanded_decaps_test.json: Decaps with the 2400-byte dk; H(ek) check and lengths enforced', () => {
      runSuite(`mlkem_768_semi_expanded_decaps_test.json (${provider.name})`, expanded, (test) => {
        const dk = hex(test.dk);
        const c = hex(test.c);
        const decapsulate = () => kem.decapsulate(c, dk);
        if (test.result === 'valid') {
          assert.equal(toHex(decapsulate()), test.K);
        } else if (test.flags?.includes('InvalidDecapsulationKey')) {
          expectCryptoError('invalid-private-key', decapsulate);
        } else {
          expectCryptoError('invalid-length', decapsulate);
        }
        return 'run';
      });
    });
  });
}
