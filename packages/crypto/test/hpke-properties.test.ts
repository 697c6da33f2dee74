/**
 * HPKE properties, on every provider: messages sealed by one provider open on the other (for
 * every KEM), and (fast-check, bounded runs) any plaintext/aad/info round-trips while any
 * single-bit change to ciphertext or aad makes Open fail with CryptoError('aead-auth').
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CryptoError } from '../src/errors.ts';
import { CHACHA20_POLY1305 } from '../src/hpke/aead.ts';
import { HKDF_SHA256 } from '../src/hpke/kdf.ts';
import { open, receiveExport, seal, sendExport } from '../src/hpke/single-shot.ts';
import { hpkeSuite, hpkeSuiteFromIds } from '../src/hpke/suite.ts';
import { KEMS } from '../src/kem/registry.ts';
import { PROVIDERS } from './providers.ts';

/** fast-check runs per property: enough to vary sizes and bit positions, bounded for CI time. */
const RUNS = 40;
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

it('runs every case on both providers (node:crypto and @noble)', () => {
  assert.deepEqual(PROVIDERS.map((p) => p.name).sort(), ['noble', 'node']);
});

describe('HPKE across providers', () => {
  for (const kem of KEMS) {
    it(`${kem.name}: sealed by each provider, opened and exported identically by the other`, () => {
      const suite = hpkeSuite(kem, HKDF_SHA256, CHACHA20_POLY1305);
      for (const sender of PROVIDERS) {
        for (const receiver of PROVIDERS) {
          const recipient = kem.deriveKeyPair(receiver, text('recipient'));
          assert.deepEqual(kem.deriveKeyPair(sender, text('recipient')), recipient);
          const { enc, ciphertext } = seal(sender, suite, recipient.publicKey, text('info'), text('aad'), text('cross'));
          assert.deepEqual(open(receiver, suite, enc, recipient.privateKey, text('info'), text('aad'), ciphertext), text('cross'));
          const sent = sendExport(sender, suite, recipient.publicKey, text('info'), text('ctx'), 32);
          assert.deepEqual(receiveExport(receiver, suite, sent.enc, recipient.privateKey, text('info'), text('ctx'), 32), sent.exportedValue);
        }
      }
    });
  }
});

for (const provider of PROVIDERS) {
  describe(`HPKE properties (${provider.name})`, () => {
    const suite = hpkeSuiteFromIds(0x0020, 0x0001, 0x0001);
    const recipient = suite.kem.deriveKeyPair(provider, text('property recipient'));
    const bytes = (max: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ maxLength: max });

    it('any plaintext, aad and info round-trip', () => {
      fc.assert(
        fc.property(bytes(300), bytes(64), bytes(64), (plaintext, aad, info) => {
          const { enc, ciphertext } = seal(provider, suite, recipient.publicKey, info, aad, plaintext);
          assert.equal(ciphertext.length, plaintext.length + 16);
          assert.deepEqual(open(provider, suite, enc, recipient.privateKey, info, aad, ciphertext), plaintext);
        }),
        { numRuns: RUNS },
      );
    });

    it('a single flipped bit in ciphertext or aad never opens', () => {
      fc.assert(
        fc.property(bytes(100), bytes(32), fc.nat(), fc.integer({ min: 0, max: 7 }), fc.boolean(), (plaintext, aad, at, bit, inAad) => {
          fc.pre(!inAad || aad.length > 0);
          const { enc, ciphertext } = seal(provider, suite, recipient.publicKey, text('i'), aad, plaintext);
          const target = (inAad ? aad : ciphertext).slice();
          const i = at % target.length;
          target[i] = (target[i] as number) ^ (1 << bit);
          const [badAad, badCt] = inAad ? [target, ciphertext] : [aad, target];
          assert.throws(
            () => open(provider, suite, enc, recipient.privateKey, text('i'), badAad, badCt),
            (e: unknown) => e instanceof CryptoError && e.code === 'aead-auth',
          );
        }),
        { numRuns: RUNS },
      );
    });
  });
}
