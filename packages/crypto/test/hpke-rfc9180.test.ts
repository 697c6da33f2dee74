/**
 * RFC 9180 Appendix A: all 28 entries of ../shared/testvectors/hpke/rfc9180-appendix-a.json
 * (modes base, psk, auth, auth_psk; DHKEM X25519, P-256, P-521; HKDF-SHA256/512; AES-128-GCM,
 * AES-256-GCM, ChaCha20-Poly1305, export-only), on every provider. Per entry it checks the
 * derived key pairs, enc, shared_secret, every key-schedule value, every encryption (sender
 * and receiver, at the listed sequence numbers) and every export (both sides).
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { hex, loadVectors, toHex } from '../../../tools/testvectors.ts';
import { isAuthKem } from '../src/kem/kem.ts';
import { computeNonce } from '../src/hpke/context.ts';
import { keySchedule } from '../src/hpke/key-schedule.ts';
import type { HpkeMode, PskInput } from '../src/hpke/key-schedule.ts';
import { setupReceiver, setupSender } from '../src/hpke/setup.ts';
import { open, receiveExport, seal, sendExport } from '../src/hpke/single-shot.ts';
import { hpkeSuiteFromIds } from '../src/hpke/suite.ts';
import { PROVIDERS } from './providers.ts';

interface Entry {
  mode: number;
  kem_id: number;
  kdf_id: number;
  aead_id: number;
  suite_name: string;
  info: string;
  ikmE: string;
  pkEm: string;
  skEm: string;
  ikmR: string;
  pkRm: string;
  skRm: string;
  ikmS?: string;
  pkSm?: string;
  skSm?: string;
  psk?: string;
  psk_id?: string;
  enc: string;
  shared_secret: string;
  key_schedule_context: string;
  secret: string;
  key: string;
  base_nonce: string;
  exporter_secret: string;
  encryptions: { seq: number; pt: string; aad: string; nonce: string; ct: string }[];
  exports: { exporter_context: string; L: number; exported_value: string }[];
}

const entries = loadVectors<Entry[]>('hpke/rfc9180-appendix-a.json');
/** Highest sequence number listed in the file (256); bounds the loops below. */
const MAX_LISTED_SEQ = 256;

it('runs every case on both providers (node:crypto and @noble)', () => {
  assert.deepEqual(PROVIDERS.map((p) => p.name).sort(), ['noble', 'node']);
});

for (const provider of PROVIDERS) {
  describe(`RFC 9180 Appendix A (${provider.name})`, () => {
    let entriesRun = 0;
    let encryptionsRun = 0;
    let exportsRun = 0;
    after(() => {
      console.log(`hpke/rfc9180-appendix-a.json (${provider.name}): ${entriesRun} entries, ${encryptionsRun} encryptions, ${exportsRun} exports`);
      assert.equal(entriesRun, 28);
      assert.equal(encryptionsRun, 144);
      assert.equal(exportsRun, 84);
    });

    for (const [index, e] of entries.entries()) {
      it(`#${index} mode ${e.mode} ${e.suite_name}`, () => {
        const suite = hpkeSuiteFromIds(e.kem_id, e.kdf_id, e.aead_id);
        const { kem } = suite;
        const info = hex(e.info);

        // Key derivation (RFC 9180 §7.1.3) for recipient, ephemeral and sender keys.
        const recipient = kem.deriveKeyPair(provider, hex(e.ikmR));
        assert.equal(toHex(recipient.privateKey), e.skRm);
        assert.equal(toHex(recipient.publicKey), e.pkRm);
        assert.equal(toHex(kem.publicKeyFromPrivate(provider, hex(e.skRm))), e.pkRm);
        const ephemeral = kem.deriveKeyPair(provider, hex(e.ikmE));
        assert.equal(toHex(ephemeral.privateKey), e.skEm);
        assert.equal(toHex(ephemeral.publicKey), e.pkEm);

        const authenticated = e.mode === 2 || e.mode === 3;
        const psk: PskInput | undefined = e.psk === undefined ? undefined : { psk: hex(e.psk), pskId: hex(e.psk_id ?? '') };
        assert.equal(psk !== undefined, e.mode === 1 || e.mode === 3);
        let senderPrivateKey: Uint8Array | undefined;
        let senderPublicKey: Uint8Array | undefined;
        if (authenticated) {
          const sender = kem.deriveKeyPair(provider, hex(e.ikmS ?? ''));
          assert.equal(toHex(sender.privateKey), e.skSm);
          assert.equal(toHex(sender.publicKey), e.pkSm);
          senderPrivateKey = sender.privateKey;
          senderPublicKey = sender.publicKey;
        }
        const senderOptions = {
          randomness: hex(e.ikmE),
          ...(psk && { psk }),
          ...(senderPrivateKey && { senderPrivateKey }),
        };
        const receiverOptions = { ...(psk && { psk }), ...(senderPublicKey && { senderPublicKey }) };

        // KEM (RFC 9180 §4.1): enc and shared_secret, both directions.
        let sharedSecret: Uint8Array;
        if (authenticated) {
          assert.ok(isAuthKem(kem));
          const encap = kem.authEncapsulate(provider, recipient.publicKey, senderPrivateKey as Uint8Array, hex(e.ikmE));
          assert.equal(toHex(encap.enc), e.enc);
          assert.equal(toHex(encap.sharedSecret), e.shared_secret);
          sharedSecret = kem.authDecapsulate(provider, hex(e.enc), recipient.privateKey, senderPublicKey as Uint8Array);
        } else {
          const encap = kem.encapsulate(provider, recipient.publicKey, hex(e.ikmE));
          assert.equal(toHex(encap.enc), e.enc);
          assert.equal(toHex(encap.sharedSecret), e.shared_secret);
          sharedSecret = kem.decapsulate(provider, hex(e.enc), recipient.privateKey);
        }
        assert.equal(toHex(sharedSecret), e.shared_secret);

        // Key schedule (RFC 9180 §5.1): every intermediate value.
        const schedule = keySchedule(provider, suite, e.mode as HpkeMode, sharedSecret, info, psk);
        assert.equal(toHex(schedule.keyScheduleContext), e.key_schedule_context);
        assert.equal(toHex(schedule.secret), e.secret);
        assert.equal(toHex(schedule.key), e.key);
        assert.equal(toHex(schedule.baseNonce), e.base_nonce);
        assert.equal(toHex(schedule.exporterSecret), e.exporter_secret);

        // Contexts (RFC 9180 §5.2): seal and open in sequence up to each listed seq.
        const { enc, context: sender } = setupSender(provider, suite, recipient.publicKey, info, senderOptions);
        assert.equal(toHex(enc), e.enc);
        const receiver = setupReceiver(provider, suite, enc, recipient.privateKey, info, receiverOptions);
        const bySeq = new Map(e.encryptions.map((x) => [x.seq, x]));
        const lastSeq = Math.max(-1, ...bySeq.keys());
        assert.ok(lastSeq <= MAX_LISTED_SEQ);
        const filler = new Uint8Array(3);
        for (let seq = 0; seq <= lastSeq; seq++) {
          const vector = bySeq.get(seq);
          assert.equal(sender.seq, seq);
          assert.equal(receiver.seq, seq);
          if (vector === undefined) {
            receiver.open(filler, sender.seal(filler, filler));
            continue;
          }
          assert.equal(toHex(computeNonce(schedule.baseNonce, seq)), vector.nonce);
          const ct = sender.seal(hex(vector.aad), hex(vector.pt));
          assert.equal(toHex(ct), vector.ct);
          assert.equal(toHex(receiver.open(hex(vector.aad), ct)), vector.pt);
          encryptionsRun++;
        }
        // Single-shot (RFC 9180 §6.1) reproduces the seq-0 encryption.
        const first = bySeq.get(0);
        if (first !== undefined) {
          const sealed = seal(provider, suite, recipient.publicKey, info, hex(first.aad), hex(first.pt), senderOptions);
          assert.equal(toHex(sealed.enc), e.enc);
          assert.equal(toHex(sealed.ciphertext), first.ct);
          const opened = open(provider, suite, sealed.enc, recipient.privateKey, info, hex(first.aad), sealed.ciphertext, receiverOptions);
          assert.equal(toHex(opened), first.pt);
        }

        // Export (RFC 9180 §5.3, §6.2), both sides, context and single-shot.
        for (const x of e.exports) {
          const context = hex(x.exporter_context);
          assert.equal(toHex(sender.export(context, x.L)), x.exported_value);
          assert.equal(toHex(receiver.export(context, x.L)), x.exported_value);
          const sent = sendExport(provider, suite, recipient.publicKey, info, context, x.L, senderOptions);
          assert.equal(toHex(sent.enc), e.enc);
          assert.equal(toHex(sent.exportedValue), x.exported_value);
          const received = receiveExport(provider, suite, hex(e.enc), recipient.privateKey, info, context, x.L, receiverOptions);
          assert.equal(toHex(received), x.exported_value);
          exportsRun++;
        }
        entriesRun++;
      });
    }
  });
}
