/**
 * Known-answer tests printed in the RFCs (../shared/testvectors/rfc/rfc-vectors.json), for
 * both providers: HKDF-SHA256 (RFC 5869 Appendix A.1-A.3), X25519 (RFC 7748 §5.2 single
 * calls and the 1 and 1,000 iteration results; the 1,000,000 one is skipped by design, it
 * takes ~13 minutes), the Curve25519 Diffie-Hellman of RFC 7748 §6.1, and Ed25519 (RFC 8032
 * §7.1 TEST 1-3: public key, deterministic signature, verification).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hex, loadVectors, toHex } from '../../../tools/testvectors.ts';
import { PROVIDERS } from './providers.ts';

interface RfcVectors {
  readonly hkdf: { readonly cases: readonly { id: string; ikm: string; salt: string; info: string; length: number; prk: string; okm: string }[] };
  readonly x25519: {
    readonly functionTests: { readonly cases: readonly { id: string; scalar: string; uCoordinate: string; output: string }[] };
    readonly iterated: { readonly initial: string; readonly results: readonly { iterations: number; k: string }[] };
    readonly diffieHellman: {
      alicePrivate: string;
      alicePublic: string;
      bobPrivate: string;
      bobPublic: string;
      sharedSecret: string;
    };
  };
  readonly ed25519: { readonly cases: readonly { id: string; secretKey: string; publicKey: string; message: string; signature: string }[] };
}

const vectors = loadVectors<RfcVectors>('rfc/rfc-vectors.json');
/** The largest iteration count we run; the RFC's 1,000,000 would take minutes per provider. */
const MAX_ITERATIONS = 1000;
const iterated = vectors.x25519.iterated.results.filter((r) => r.iterations <= MAX_ITERATIONS);

for (const provider of PROVIDERS) {
  describe(`RFC vectors (${provider.name})`, () => {
    it(`RFC 5869 HKDF-SHA256: ${vectors.hkdf.cases.length} cases`, () => {
      for (const c of vectors.hkdf.cases) {
        const prk = provider.hkdfExtract('SHA-256', hex(c.salt), hex(c.ikm));
        assert.equal(toHex(prk), c.prk, c.id);
        assert.equal(toHex(provider.hkdfExpand('SHA-256', prk, hex(c.info), c.length)), c.okm, c.id);
      }
      console.log(`rfc-vectors.json hkdf (${provider.name}): ${vectors.hkdf.cases.length} cases`);
    });

    it(`RFC 7748 §5.2 X25519: ${vectors.x25519.functionTests.cases.length} single calls`, () => {
      for (const c of vectors.x25519.functionTests.cases) {
        assert.equal(toHex(provider.dh('X25519', hex(c.scalar), hex(c.uCoordinate))), c.output, c.id);
      }
      console.log(`rfc-vectors.json x25519 (${provider.name}): ${vectors.x25519.functionTests.cases.length} cases`);
    });

    it(`RFC 7748 §5.2 iterated X25519: ${iterated.map((r) => r.iterations).join(' and ')} iterations`, () => {
      assert.equal(iterated.length, 2);
      let k = hex(vectors.x25519.iterated.initial);
      let u = k;
      let done = 0;
      for (const { iterations, k: expected } of iterated) {
        for (; done < iterations; done++) {
          const r = provider.dh('X25519', k, u);
          u = k;
          k = r;
        }
        assert.equal(toHex(k), expected, `${iterations} iterations`);
      }
      console.log(`rfc-vectors.json x25519 iterated (${provider.name}): ${iterated.length} checkpoints, ${done} iterations`);
    });

    it('RFC 7748 §6.1 Curve25519 Diffie-Hellman', () => {
      const v = vectors.x25519.diffieHellman;
      assert.equal(toHex(provider.dhPublicKey('X25519', hex(v.alicePrivate))), v.alicePublic);
      assert.equal(toHex(provider.dhPublicKey('X25519', hex(v.bobPrivate))), v.bobPublic);
      assert.equal(toHex(provider.dh('X25519', hex(v.alicePrivate), hex(v.bobPublic))), v.sharedSecret);
      assert.equal(toHex(provider.dh('X25519', hex(v.bobPrivate), hex(v.alicePublic))), v.sharedSecret);
    });

    it(`RFC 8032 §7.1 Ed25519: ${vectors.ed25519.cases.length} cases`, () => {
      for (const c of vectors.ed25519.cases) {
        const secretKey = hex(c.secretKey);
        const message = hex(c.message);
        assert.equal(toHex(provider.signaturePublicKey('Ed25519', secretKey)), c.publicKey, c.id);
        assert.equal(toHex(provider.sign('Ed25519', secretKey, message)), c.signature, c.id);
        assert.equal(provider.verify('Ed25519', hex(c.publicKey), message, hex(c.signature)), true, c.id);
      }
      console.log(`rfc-vectors.json ed25519 (${provider.name}): ${vectors.ed25519.cases.length} cases`);
    });
  });
}
