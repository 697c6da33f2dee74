/**
 * DHKEMs (RFC 9180 §4.1) beyond the Appendix A vectors, on every provider: every DHKEM
 * (including X448 and P-384, which Appendix A does not cover) in all four modes with every
 * KDF and AEAD; invalid key shares rejected with CryptoError('invalid-public-key');
 * DeriveKeyPair output in range and deterministic.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CryptoError } from '../src/errors.ts';
import { AES_128_GCM, AES_256_GCM, CHACHA20_POLY1305 } from '../src/hpke/aead.ts';
import { HKDF_SHA256, HKDF_SHA384, HKDF_SHA512 } from '../src/hpke/kdf.ts';
import { open, receiveExport, seal, sendExport } from '../src/hpke/single-shot.ts';
import { hpkeSuite } from '../src/hpke/suite.ts';
import {
  DHKEM_P256_HKDF_SHA256,
  DHKEM_P384_HKDF_SHA384,
  DHKEM_P521_HKDF_SHA512,
  DHKEM_X25519_HKDF_SHA256,
  DHKEM_X448_HKDF_SHA512,
} from '../src/kem/dhkem.ts';
import { PROVIDERS } from './providers.ts';

const DHKEMS = [DHKEM_P256_HKDF_SHA256, DHKEM_P384_HKDF_SHA384, DHKEM_P521_HKDF_SHA512, DHKEM_X25519_HKDF_SHA256, DHKEM_X448_HKDF_SHA512];
/** RFC 9180 Table 2. */
const SIZES: Record<number, [Nsecret: number, Nenc: number, Npk: number, Nsk: number]> = {
  0x0010: [32, 65, 65, 32],
  0x0011: [48, 97, 97, 48],
  0x0012: [64, 133, 133, 66],
  0x0020: [32, 32, 32, 32],
  0x0021: [64, 56, 56, 56],
};
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

it('runs every case on both providers (node:crypto and @noble)', () => {
  assert.deepEqual(PROVIDERS.map((p) => p.name).sort(), ['noble', 'node']);
});

for (const provider of PROVIDERS) {
  describe(`DHKEM (${provider.name})`, () => {
    for (const kem of DHKEMS) {
      it(`${kem.name}: sizes as RFC 9180 Table 2`, () => {
        assert.deepEqual([kem.Nsecret, kem.Nenc, kem.Npk, kem.Nsk], SIZES[kem.id]);
        const { privateKey, publicKey } = kem.generateKeyPair(provider);
        assert.equal(privateKey.length, kem.Nsk);
        assert.equal(publicKey.length, kem.Npk);
        assert.deepEqual(kem.publicKeyFromPrivate(provider, privateKey), publicKey);
      });

      it(`${kem.name}: all modes round-trip with each KDF and AEAD`, () => {
        const recipient = kem.generateKeyPair(provider);
        const sender = kem.deriveKeyPair(provider, text('sender'));
        const psk = { psk: provider.randomBytes(32), pskId: text('psk id') };
        const modes = [
          { s: {}, r: {} },
          { s: { psk }, r: { psk } },
          { s: { senderPrivateKey: sender.privateKey }, r: { senderPublicKey: sender.publicKey } },
          { s: { psk, senderPrivateKey: sender.privateKey }, r: { psk, senderPublicKey: sender.publicKey } },
        ];
        // Each KDF and each AEAD once (the KEM's own KDF is independent of the suite's).
        const pairs = [
          [HKDF_SHA256, AES_128_GCM],
          [HKDF_SHA384, AES_256_GCM],
          [HKDF_SHA512, CHACHA20_POLY1305],
        ] as const;
        for (const [kdf, aead] of pairs) {
          const suite = hpkeSuite(kem, kdf, aead);
          for (const { s, r } of modes) {
            const { enc, ciphertext } = seal(provider, suite, recipient.publicKey, text('info'), text('aad'), text('hello'), s);
            assert.equal(enc.length, kem.Nenc);
            assert.deepEqual(open(provider, suite, enc, recipient.privateKey, text('info'), text('aad'), ciphertext, r), text('hello'));
            const sent = sendExport(provider, suite, recipient.publicKey, text('info'), text('ctx'), 17, s);
            assert.deepEqual(receiveExport(provider, suite, sent.enc, recipient.privateKey, text('info'), text('ctx'), 17, r), sent.exportedValue);
          }
        }
      });

      it(`${kem.name}: DeriveKeyPair is deterministic, in range and separates inputs`, () => {
        for (let i = 0; i < 8; i++) {
          const ikm = text(`ikm ${i}`);
          const a = kem.deriveKeyPair(provider, ikm);
          assert.deepEqual(kem.deriveKeyPair(provider, ikm), a);
          // The provider refuses out-of-range scalars, so a valid public key means a valid key.
          assert.deepEqual(kem.publicKeyFromPrivate(provider, a.privateKey), a.publicKey);
          assert.notDeepEqual(kem.deriveKeyPair(provider, text(`ikm ${i}!`)).privateKey, a.privateKey);
        }
      });

      it(`${kem.name}: invalid key shares are rejected with invalid-public-key`, () => {
        const recipient = kem.generateKeyPair(provider);
        const invalidKey = (e: unknown): boolean => e instanceof CryptoError && e.code === 'invalid-public-key';
        // All-zero: the X25519/X448 identity (all-zero DH output, RFC 9180 §7.1.4) or not a
        // SEC1 point for the NIST curves.
        const zero = new Uint8Array(kem.Npk);
        assert.throws(() => kem.encapsulate(provider, zero), invalidKey);
        assert.throws(() => kem.decapsulate(provider, zero, recipient.privateKey), invalidKey);
        if (kem.Npk > 56) {
          // An uncompressed point with one coordinate byte changed is off the curve.
          const offCurve = recipient.publicKey.slice();
          offCurve[offCurve.length - 1] = (offCurve[offCurve.length - 1] as number) ^ 1;
          assert.throws(() => kem.encapsulate(provider, offCurve), invalidKey);
          assert.throws(() => kem.decapsulate(provider, offCurve, recipient.privateKey), invalidKey);
          assert.throws(() => kem.authDecapsulate(provider, recipient.publicKey, recipient.privateKey, offCurve), invalidKey);
        }
      });
    }
  });
}
