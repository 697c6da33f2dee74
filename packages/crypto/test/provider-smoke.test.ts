/**
 * Round trips through every member of the CryptoProvider interface, for each provider.
 * Known-answer and Wycheproof suites live in their own files; this one checks that the
 * members fit together (generate -> public key -> use) and that lengths are enforced.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CryptoError } from '../src/errors.ts';
import type { AeadAlgorithm, DhAlgorithm, SignatureAlgorithm } from '../src/provider.ts';
import { PROVIDERS } from './providers.ts';

const DH: readonly DhAlgorithm[] = ['X25519', 'X448', 'P-256', 'P-384', 'P-521'];
const SIG: readonly SignatureAlgorithm[] = ['Ed25519', 'Ed448', 'ECDSA-P256-SHA256', 'ECDSA-P384-SHA384', 'ECDSA-P521-SHA512'];
const AEAD: readonly AeadAlgorithm[] = ['AES-128-GCM', 'AES-256-GCM', 'ChaCha20-Poly1305'];
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

for (const provider of PROVIDERS) {
  describe(`smoke (${provider.name})`, () => {
    it('hash lengths', () => {
      assert.equal(provider.hash('SHA-256', text('abc')).length, 32);
      assert.equal(provider.hash('SHA-384', text('abc')).length, 48);
      assert.equal(provider.hash('SHA-512', text('abc')).length, 64);
      assert.equal(provider.sha3_256(text('abc')).length, 32);
      assert.equal(provider.shake256(text('abc'), 96).length, 96);
    });

    for (const algorithm of AEAD) {
      it(`${algorithm} seal/open round trip, tamper rejected`, () => {
        const key = provider.randomBytes(algorithm === 'AES-128-GCM' ? 16 : 32);
        const nonce = provider.randomBytes(12);
        const sealed = provider.aeadSeal(algorithm, key, nonce, text('hello'), text('aad'));
        assert.equal(sealed.length, 5 + 16);
        assert.deepEqual(provider.aeadOpen(algorithm, key, nonce, sealed, text('aad')), text('hello'));
        sealed[0]! ^= 1;
        assert.throws(() => provider.aeadOpen(algorithm, key, nonce, sealed, text('aad')), (e: unknown) => e instanceof CryptoError && e.code === 'aead-auth');
      });
    }

    for (const algorithm of DH) {
      it(`${algorithm} agreement`, () => {
        const a = provider.dhGenerate(algorithm);
        const b = provider.dhGenerate(algorithm);
        assert.deepEqual(provider.dhPublicKey(algorithm, a.privateKey), a.publicKey);
        assert.deepEqual(provider.dh(algorithm, a.privateKey, b.publicKey), provider.dh(algorithm, b.privateKey, a.publicKey));
      });
    }

    for (const algorithm of SIG) {
      it(`${algorithm} sign/verify`, () => {
        const k = provider.signatureGenerate(algorithm);
        assert.deepEqual(provider.signaturePublicKey(algorithm, k.privateKey), k.publicKey);
        const sig = provider.sign(algorithm, k.privateKey, text('msg'));
        assert.equal(provider.verify(algorithm, k.publicKey, text('msg'), sig), true);
        assert.equal(provider.verify(algorithm, k.publicKey, text('msh'), sig), false);
      });
    }

    it('ML-KEM-768 round trip', () => {
      const k = provider.mlkem768.keygen();
      assert.equal(k.privateKey.length, 64);
      assert.equal(k.publicKey.length, 1184);
      const e = provider.mlkem768.encapsulate(k.publicKey);
      assert.equal(e.cipherText.length, 1088);
      assert.deepEqual(provider.mlkem768.decapsulate(e.cipherText, k.privateKey), e.sharedSecret);
    });
  });
}
