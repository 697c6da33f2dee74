/**
 * Wycheproof aes_gcm_test.json and chacha20_poly1305_test.json through `aeadSeal`/`aeadOpen`,
 * for both providers. Neither file has acceptable cases.
 *
 * The interface offers AES-128-GCM, AES-256-GCM and ChaCha20-Poly1305 with 96-bit nonces and
 * 128-bit tags only (what RFC 9420 and RFC 9180 use). Cases outside that (AES-192 keys, IVs
 * of other sizes, including the empty IV) are counted as out-of-interface: for each, the test
 * asserts that the interface refuses the key or nonce with CryptoError('invalid-length'),
 * whatever the case's expected result.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hex, toHex } from '../../../tools/testvectors.ts';
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

function checkCase(provider: CryptoProvider, family: 'AES-GCM' | 'ChaCha20-Poly1305', test: AeadTest, group: AeadGroup): Outcome {
  assert.notEqual(test.result, 'acceptable');
  assert.equal(group.tagSize, 128);
  const key = hex(test.key);
  const iv = hex(test.iv);
  const aad = hex(test.aad);
  const sealed = hex(test.ct + test.tag);
  const algorithm: AeadAlgorithm =
    family === 'ChaCha20-Poly1305' ? 'ChaCha20-Poly1305' : key.length === 16 ? 'AES-128-GCM' : 'AES-256-GCM';
  if (key.length !== AEAD_KEY_LENGTH[algorithm] || iv.length !== AEAD_NONCE_LENGTH) {
    expectCryptoError('invalid-length', () => provider.aeadSeal(algorithm, key, iv, hex(test.msg), aad));
    expectCryptoError('invalid-length', () => provider.aeadOpen(algorithm, key, iv, sealed, aad));
    return 'out-of-interface';
  }
  if (test.result === 'valid') {
    assert.equal(toHex(provider.aeadSeal(algorithm, key, iv, hex(test.msg), aad)), test.ct + test.tag);
    assert.equal(toHex(provider.aeadOpen(algorithm, key, iv, sealed, aad)), test.msg);
  } else {
    expectCryptoError('aead-auth', () => provider.aeadOpen(algorithm, key, iv, sealed, aad));
  }
  return 'run';
}

const aesGcm = loadWycheproof<AeadTest, AeadGroup>('aes_gcm_test.json');
const chacha = loadWycheproof<AeadTest, AeadGroup>('chacha20_poly1305_test.json');

for (const provider of PROVIDERS) {
  describe(`Wycheproof AEAD (${provider.name})`, () => {
    it('aes_gcm_test.json: valid seal and open exactly, invalid rejected, non-interface sizes refused', () => {
      const counts = runSuite(`aes_gcm_test.json (${provider.name})`, aesGcm, (test, group) => checkCase(provider, 'AES-GCM', test, group));
      assert.ok(counts.run > 0);
    });
    it('chacha20_poly1305_test.json: valid seal and open exactly, invalid rejected, other nonce sizes refused', () => {
      const counts = runSuite(`chacha20_poly1305_test.json (${provider.name})`, chacha, (test, group) =>
        checkCase(provider, 'ChaCha20-Poly1305', test, group),
      );
      assert.ok(counts.run > 0);
    });
  });
}
