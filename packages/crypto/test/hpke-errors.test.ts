/**
 * HPKE under attack and misuse, for every KEM and on every provider: altered ciphertext,
 * enc, aad or info never opens and raises a typed error; a failed Open changes nothing;
 * wrong-length and oversized inputs are refused with CryptoError('invalid-length') before
 * work; unknown identifiers, export-only Seal and the sequence limit raise their codes;
 * context secrets stay out of JSON and inspection.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { toHex } from '../../../tools/testvectors.ts';
import { CryptoError } from '../src/errors.ts';
import type { CryptoErrorCode } from '../src/errors.ts';
import { AES_128_GCM, aeadFromId, EXPORT_ONLY } from '../src/hpke/aead.ts';
import { MAX_SEQUENCE, ReceiverContext, SenderContext } from '../src/hpke/context.ts';
import { HpkeError } from '../src/hpke/errors.ts';
import { HKDF_SHA256, kdfFromId } from '../src/hpke/kdf.ts';
import { keySchedule, MODE_BASE } from '../src/hpke/key-schedule.ts';
import { MAX_EXPORTER_CONTEXT_LENGTH, MAX_IKM_LENGTH, MAX_INFO_LENGTH, MIN_PSK_LENGTH } from '../src/hpke/limits.ts';
import { setupReceiver, setupSender } from '../src/hpke/setup.ts';
import { open, receiveExport, seal, sendExport } from '../src/hpke/single-shot.ts';
import { hpkeSuite, hpkeSuiteFromIds } from '../src/hpke/suite.ts';
import { KEMS, kemFromId } from '../src/kem/registry.ts';
import { PROVIDERS } from './providers.ts';

const bytes = (n: number, fill = 0): Uint8Array => new Uint8Array(n).fill(fill);
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const flip = (b: Uint8Array, i: number): Uint8Array => {
  const out = b.slice();
  out[i] = (out[i] as number) ^ 0x01;
  return out;
};
const cryptoError =
  (code: CryptoErrorCode) =>
  (error: unknown): boolean =>
    error instanceof CryptoError && error.code === code;

it('runs every case on both providers (node:crypto and @noble)', () => {
  assert.deepEqual(PROVIDERS.map((p) => p.name).sort(), ['noble', 'node']);
});

for (const provider of PROVIDERS) {
  describe(`HPKE errors (${provider.name})`, () => {
    for (const kem of KEMS) {
      const suite = hpkeSuite(kem, HKDF_SHA256, AES_128_GCM);
      const recipient = kem.deriveKeyPair(provider, text(`recipient ${kem.name}`));
      const info = text('info');
      const aad = text('aad');
      const plaintext = text('attack at dawn');

      it(`${kem.name}: altered ciphertext, aad, info or enc never opens (typed error)`, () => {
        const { enc, ciphertext } = seal(provider, suite, recipient.publicKey, info, aad, plaintext);
        assert.deepEqual(open(provider, suite, enc, recipient.privateKey, info, aad, ciphertext), plaintext);
        for (const i of [0, ciphertext.length - 1]) {
          assert.throws(() => open(provider, suite, enc, recipient.privateKey, info, aad, flip(ciphertext, i)), cryptoError('aead-auth'));
        }
        assert.throws(() => open(provider, suite, enc, recipient.privateKey, info, flip(aad, 0), ciphertext), cryptoError('aead-auth'));
        assert.throws(() => open(provider, suite, enc, recipient.privateKey, flip(info, 0), aad, ciphertext), cryptoError('aead-auth'));
        // An altered enc is either not a valid key share (DHKEM/X25519 part) or decapsulates to
        // another secret (ML-KEM implicit rejection); in both cases a CryptoError, never plaintext.
        for (const i of [0, enc.length - 1]) {
          assert.throws(
            () => open(provider, suite, flip(enc, i), recipient.privateKey, info, aad, ciphertext),
            (e: unknown) => e instanceof CryptoError && (e.code === 'aead-auth' || e.code === 'invalid-public-key'),
          );
        }
        assert.throws(() => open(provider, suite, enc, recipient.privateKey, info, aad, ciphertext.subarray(0, 15)), cryptoError('invalid-length'));
      });

      it(`${kem.name}: wrong-length keys, enc and randomness are refused with invalid-length`, () => {
        const invalidLength = cryptoError('invalid-length');
        for (const delta of [-1, 1]) {
          assert.throws(() => setupSender(provider, suite, bytes(kem.Npk + delta, 4), info), invalidLength);
          assert.throws(() => setupReceiver(provider, suite, bytes(kem.Nenc + delta, 4), recipient.privateKey, info), invalidLength);
          assert.throws(() => setupReceiver(provider, suite, bytes(kem.Nenc, 4), bytes(kem.Nsk + delta, 1), info), invalidLength);
          assert.throws(() => kem.publicKeyFromPrivate(provider, bytes(kem.Nsk + delta, 1)), invalidLength);
          const { Nrandom } = kem;
          if (Nrandom !== undefined) {
            assert.throws(() => kem.encapsulate(provider, recipient.publicKey, bytes(Nrandom + delta)), invalidLength);
          }
        }
        assert.throws(() => setupSender(provider, suite, new Uint8Array(0), info), invalidLength);
        assert.throws(() => kem.deriveKeyPair(provider, bytes(MAX_IKM_LENGTH + 1)), invalidLength);
        assert.throws(() => kem.deriveKeyPair(provider, 'ikm' as unknown as Uint8Array), invalidLength);
      });
    }

    const suite = hpkeSuiteFromIds(0x0020, 0x0001, 0x0001);
    const recipient = suite.kem.deriveKeyPair(provider, text('recipient'));

    it('unknown KEM, KDF and AEAD identifiers raise CryptoError(unsupported)', () => {
      const unsupported = cryptoError('unsupported');
      for (const id of [0x0000, 0x0013, 0x0022, 0x0040, 0x0042, 0x004d, 0x0050, 0xffff]) assert.throws(() => kemFromId(id), unsupported);
      for (const id of [0x0000, 0x0004, 0x0010, 0x0011]) assert.throws(() => kdfFromId(id), unsupported);
      for (const id of [0x0000, 0x0004, 0xfffe]) assert.throws(() => aeadFromId(id), unsupported);
      assert.throws(() => hpkeSuiteFromIds(0x0020, 0x0001, 0x0004), unsupported);
      assert.equal(hpkeSuiteFromIds(0x647a, 0x0001, 0x0001).kem.name, 'MLKEM768-X25519 (X-Wing)');
    });

    it('oversized info and exporter context, and out-of-range L, are refused before any work', () => {
      const invalidLength = cryptoError('invalid-length');
      assert.throws(() => seal(provider, suite, recipient.publicKey, bytes(MAX_INFO_LENGTH + 1), text('a'), text('p')), invalidLength);
      assert.throws(() => sendExport(provider, suite, recipient.publicKey, text('i'), bytes(MAX_EXPORTER_CONTEXT_LENGTH + 1), 32), invalidLength);
      for (const length of [-1, 1.5, 255 * 32 + 1, Number.NaN]) {
        assert.throws(() => sendExport(provider, suite, recipient.publicKey, text('i'), text('c'), length), invalidLength);
      }
      const { context } = setupSender(provider, suite, recipient.publicKey, text('i'));
      assert.equal(context.export(text('c'), 255 * 32).length, 255 * 32);
      assert.equal(context.export(text('c'), 0).length, 0);
      assert.throws(() => context.export(text('c'), 255 * 32 + 1), invalidLength);
    });

    it('PSK: too short, empty id, and mismatched PSK all fail typed', () => {
      const invalidLength = cryptoError('invalid-length');
      const good = { psk: bytes(MIN_PSK_LENGTH, 9), pskId: text('id') };
      assert.throws(() => setupSender(provider, suite, recipient.publicKey, text('i'), { psk: { psk: bytes(MIN_PSK_LENGTH - 1), pskId: text('id') } }), invalidLength);
      assert.throws(() => setupSender(provider, suite, recipient.publicKey, text('i'), { psk: { psk: bytes(MIN_PSK_LENGTH), pskId: new Uint8Array(0) } }), invalidLength);
      const { enc, ciphertext } = seal(provider, suite, recipient.publicKey, text('i'), text('a'), text('p'), { psk: good });
      assert.deepEqual(open(provider, suite, enc, recipient.privateKey, text('i'), text('a'), ciphertext, { psk: good }), text('p'));
      const otherPsk = { psk: bytes(MIN_PSK_LENGTH, 8), pskId: text('id') };
      const otherId = { psk: good.psk, pskId: text('id2') };
      for (const psk of [otherPsk, otherId]) {
        assert.throws(() => open(provider, suite, enc, recipient.privateKey, text('i'), text('a'), ciphertext, { psk }), cryptoError('aead-auth'));
      }
      // Receiver in base mode for a psk-mode message: the key schedule differs, Open fails.
      assert.throws(() => open(provider, suite, enc, recipient.privateKey, text('i'), text('a'), ciphertext), cryptoError('aead-auth'));
      // keySchedule itself refuses a PSK in base mode.
      assert.throws(() => keySchedule(provider, suite, MODE_BASE, bytes(32), text('i'), good), cryptoError('unsupported'));
    });

    it('auth mode: a wrong sender public key makes Open fail', () => {
      const sender = suite.kem.deriveKeyPair(provider, text('sender'));
      const impostor = suite.kem.deriveKeyPair(provider, text('impostor'));
      const { enc, ciphertext } = seal(provider, suite, recipient.publicKey, text('i'), text('a'), text('p'), { senderPrivateKey: sender.privateKey });
      assert.deepEqual(open(provider, suite, enc, recipient.privateKey, text('i'), text('a'), ciphertext, { senderPublicKey: sender.publicKey }), text('p'));
      assert.throws(
        () => open(provider, suite, enc, recipient.privateKey, text('i'), text('a'), ciphertext, { senderPublicKey: impostor.publicKey }),
        cryptoError('aead-auth'),
      );
    });

    it('a failed Open does not advance the receiver; the next genuine message still opens', () => {
      const { enc, context: sender } = setupSender(provider, suite, recipient.publicKey, text('i'));
      const receiver = setupReceiver(provider, suite, enc, recipient.privateKey, text('i'));
      const c0 = sender.seal(text('a'), text('m0'));
      const c1 = sender.seal(text('a'), text('m1'));
      assert.throws(() => receiver.open(text('a'), c1), cryptoError('aead-auth')); // out of order: nonce 0 != 1
      assert.throws(() => receiver.open(text('a'), flip(c0, 3)), cryptoError('aead-auth'));
      assert.equal(receiver.seq, 0);
      assert.deepEqual(receiver.open(text('a'), c0), text('m0'));
      assert.deepEqual(receiver.open(text('a'), c1), text('m1'));
      assert.equal(receiver.seq, 2);
      assert.throws(() => receiver.open(text('a'), c1), cryptoError('aead-auth')); // replay
    });

    it('the sequence limit raises HpkeError(message-limit) and seals nothing', () => {
      const schedule = keySchedule(provider, suite, MODE_BASE, bytes(32, 1), text('i'), undefined);
      const sender = new SenderContext(provider, suite, schedule, MAX_SEQUENCE - 1);
      const receiver = new ReceiverContext(provider, suite, schedule, MAX_SEQUENCE - 1);
      const last = sender.seal(text('a'), text('last'));
      assert.deepEqual(receiver.open(text('a'), last), text('last'));
      const limit = (e: unknown): boolean => e instanceof HpkeError && e.code === 'message-limit';
      assert.throws(() => sender.seal(text('a'), text('one more')), limit);
      assert.throws(() => receiver.open(text('a'), last), limit);
      assert.equal(sender.seq, MAX_SEQUENCE);
      assert.throws(() => new SenderContext(provider, suite, schedule, -1), cryptoError('invalid-length'));
    });

    it('export-only AEAD: Seal and Open raise unsupported, Export works', () => {
      const exportOnly = hpkeSuite(suite.kem, HKDF_SHA256, EXPORT_ONLY);
      const unsupported = cryptoError('unsupported');
      assert.throws(() => seal(provider, exportOnly, recipient.publicKey, text('i'), text('a'), text('p')), unsupported);
      const { enc, exportedValue } = sendExport(provider, exportOnly, recipient.publicKey, text('i'), text('c'), 48);
      assert.deepEqual(receiveExport(provider, exportOnly, enc, recipient.privateKey, text('i'), text('c'), 48), exportedValue);
      const receiver = setupReceiver(provider, exportOnly, enc, recipient.privateKey, text('i'));
      assert.throws(() => receiver.open(text('a'), bytes(16)), unsupported);
    });

    it('context secrets never appear in JSON or inspection', () => {
      const schedule = keySchedule(provider, suite, MODE_BASE, bytes(32, 1), text('i'), undefined);
      const context = new SenderContext(provider, suite, schedule);
      const shown = JSON.stringify(context) + inspect(context, { depth: 5, showHidden: true });
      for (const secret of [schedule.key, schedule.baseNonce, schedule.exporterSecret]) assert.ok(!shown.includes(toHex(secret)));
      assert.equal(inspect(context), 'SenderContext {}');
    });
  });
}
