/**
 * The post-quantum HPKE KEMs, ML-KEM-768 (0x0041) and X-Wing (0x647A), on every provider:
 * DeriveKeyPair, Encap/Decap and a full HPKE base-mode context against two known-answer
 * entries of draft-ietf-hpke-pq-05 Appendix A (A.2 ML-KEM-768/HKDF-SHA256/AES-128-GCM and
 * A.5 MLKEM768-X25519/HKDF-SHA256/ChaCha20-Poly1305; the long pkRm and enc are given as
 * their SHA-256), plus round trips, determinism and the refusal of the auth modes.
 * (../shared/testvectors has no file for these; the values are quoted from the draft.)
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hex, toHex } from '../../../tools/testvectors.ts';
import { CryptoError } from '../src/errors.ts';
import { AES_128_GCM, CHACHA20_POLY1305 } from '../src/hpke/aead.ts';
import { HKDF_SHA256 } from '../src/hpke/kdf.ts';
import { keySchedule, MODE_BASE } from '../src/hpke/key-schedule.ts';
import { setupReceiver, setupSender } from '../src/hpke/setup.ts';
import { hpkeSuite, hpkeSuiteFromIds } from '../src/hpke/suite.ts';
import type { Kem } from '../src/kem/kem.ts';
import { MLKEM768 } from '../src/kem/mlkem768.ts';
import { XWING } from '../src/kem/xwing.ts';
import { PROVIDERS } from './providers.ts';

interface PqKnownAnswer {
  section: string;
  kem: Kem;
  aead: typeof AES_128_GCM;
  ikmR: string;
  skRm: string;
  pkRmSha256: string;
  ikmE: string;
  encSha256: string;
  sharedSecret: string;
  key: string;
  baseNonce: string;
  exporterSecret: string;
  ct0: string;
  export0: string | undefined;
}

const INFO = '34663634363532303666366532303631323034373732363536333639363136653230353537323665';
const PT = '34323635363137353734373932303639373332303734373237353734363832633230373437323735373436383230363236353631373537343739';
const AAD0 = '436f756e742d30';
const EXPORT_CONTEXT0 = '70736575646f72616e646f6d30';

const KNOWN_ANSWERS: readonly PqKnownAnswer[] = [
  {
    section: 'A.2 ML-KEM-768, HKDF-SHA256, AES-128-GCM',
    kem: MLKEM768,
    aead: AES_128_GCM,
    ikmR: 'a60b35f174ce9ac7a4ff5b9f81e38125b03506ecbd56a3a55c31ece0f59070520729773a61a499d5137daaef824b493848b6e4dd332a815ff19aa9f58a381eb8',
    skRm: '80008d036609972cf761d7e2d3b831e48d3e941cda94fbf9bae09bca87373f9bb7411f58fd3324ba1d0daa5a7b42768c5b53e1df29c28d4f5428a8233a905089',
    pkRmSha256: '80aabb142999e683475598517f3bca6b9b8c8f01109ec8f861b450d2a8b9148d',
    ikmE: '9b933cd9c9421cd58db0c5f6cea53eedbd7fae056ff95d688d8ed9a58177e76b',
    encSha256: '48f93a13c1ee2be820054837dae8c60bb9fdec23347521ec8b81d0e4716a649c',
    sharedSecret: '750477fb7421ec8e787e4505a99278b0c8aa15b9783453e90939cf1527617dac',
    key: '7d1031a2d6d232331f70495250fabb0d',
    baseNonce: '5974495634213151b309dfd3',
    exporterSecret: 'abafcbaa704ff2bcd964ec7a3ad23cc66ff02f0df43576d744a4c2cf1f51e581',
    ct0: '4b7dd443eecc37d978fb2e41808d8b3025e0afdefb57b96be0b2ee1c1e437a6a676e379812eac544f55e463d07b20cbe88225ba97736c48ba39bdd96bcd783b43a67eedb77bcd612820b',
    export0: '4ce822c6932f0cbc2f1fbc3a652bbef4976ac63833d35fcce20b35c4a3d05443',
  },
  {
    section: 'A.5 MLKEM768-X25519, HKDF-SHA256, ChaCha20Poly1305',
    kem: XWING,
    aead: CHACHA20_POLY1305,
    ikmR: 'b86e76a59fabfc87b30cd7b1f7aaa28a834eb64e7a261c197b9a842893fbce56',
    skRm: '3ec47fa82dd5689d27c6190e724c74ec8f608df3331ce331929e37b829676630',
    pkRmSha256: 'ad8aaf3f00d8a39bfeec2947a7d5dde68be08bba19bd301a348a45dc5fcc8341',
    ikmE: '2a1c0a3745fe8a48fb62034d300f54dfe1974a5b2e169e580a8789cb1cf5fd190fc00f3fd899594e01a8b15334b9f3fa03d8de44da86e19f5776850fb689e6c8',
    encSha256: '95c0a5fca31ea59f29bbc66255ad6637b5a476b3212886af11afdc8930aeb772',
    sharedSecret: '58200ed1f137bd95a921bb47f6aaecf2395b26f7fd24efd3a5ffae4849e8dea3',
    key: '131c2ebb469b909a40915914afd7ff5e638888ac7195dcaaaef8f9a84f0e4030',
    baseNonce: '2b7a68f19e6cdbd43dda3c6d',
    exporterSecret: 'c5362ef3c0008d0e573000c5c25a3f62a3bc7061cd41a384c86c27b37d945bbb',
    ct0: 'c5c591f99092d5e38df0a52699af249c66f8275a863423c076de8147a53e65cc584041c963b77a7e59ea93841b1339b5efda8909b71f74bb0073ad62e899de310c1566dea2fd29eba377',
    export0: '5a78d37f40e078c17ef43fa40963f1ff7dcdee56e366da9099dc181c3eccaee5',
  },
];

it('runs every case on both providers (node:crypto and @noble)', () => {
  assert.deepEqual(PROVIDERS.map((p) => p.name).sort(), ['noble', 'node']);
});

for (const provider of PROVIDERS) {
  const sha256 = (bytes: Uint8Array): string => toHex(provider.hash('SHA-256', bytes));

  describe(`post-quantum HPKE KEMs (${provider.name})`, () => {
    for (const v of KNOWN_ANSWERS) {
      it(`draft-ietf-hpke-pq-05 ${v.section}`, () => {
        const suite = hpkeSuite(v.kem, HKDF_SHA256, v.aead);
        const recipient = v.kem.deriveKeyPair(provider, hex(v.ikmR));
        assert.equal(toHex(recipient.privateKey), v.skRm);
        assert.equal(sha256(recipient.publicKey), v.pkRmSha256);
        assert.equal(sha256(v.kem.publicKeyFromPrivate(provider, hex(v.skRm))), v.pkRmSha256);

        const encap = v.kem.encapsulate(provider, recipient.publicKey, hex(v.ikmE));
        assert.equal(sha256(encap.enc), v.encSha256);
        assert.equal(toHex(encap.sharedSecret), v.sharedSecret);
        assert.equal(toHex(v.kem.decapsulate(provider, encap.enc, recipient.privateKey)), v.sharedSecret);

        const schedule = keySchedule(provider, suite, MODE_BASE, encap.sharedSecret, hex(INFO), undefined);
        assert.equal(toHex(schedule.key), v.key);
        assert.equal(toHex(schedule.baseNonce), v.baseNonce);
        assert.equal(toHex(schedule.exporterSecret), v.exporterSecret);

        const { enc, context } = setupSender(provider, suite, recipient.publicKey, hex(INFO), { randomness: hex(v.ikmE) });
        assert.equal(sha256(enc), v.encSha256);
        const ct = context.seal(hex(AAD0), hex(PT));
        assert.equal(toHex(ct), v.ct0);
        const receiver = setupReceiver(provider, suite, enc, recipient.privateKey, hex(INFO));
        assert.equal(toHex(receiver.open(hex(AAD0), ct)), PT);
        if (v.export0 !== undefined) assert.equal(toHex(receiver.export(hex(EXPORT_CONTEXT0), 32)), v.export0);
      });
    }

    for (const kem of [MLKEM768, XWING]) {
      it(`${kem.name}: generated key pairs round-trip, sizes as registered`, () => {
        for (let i = 0; i < 3; i++) {
          const { privateKey, publicKey } = kem.generateKeyPair(provider);
          assert.equal(privateKey.length, kem.Nsk);
          assert.equal(publicKey.length, kem.Npk);
          assert.deepEqual(kem.publicKeyFromPrivate(provider, privateKey), publicKey);
          const { enc, sharedSecret } = kem.encapsulate(provider, publicKey);
          assert.equal(enc.length, kem.Nenc);
          assert.equal(sharedSecret.length, kem.Nsecret);
          assert.deepEqual(kem.decapsulate(provider, enc, privateKey), sharedSecret);
        }
      });

      it(`${kem.name}: DeriveKeyPair is deterministic and separates inputs`, () => {
        const ikm = provider.randomBytes(32);
        const a = kem.deriveKeyPair(provider, ikm);
        const b = kem.deriveKeyPair(provider, ikm.slice());
        assert.deepEqual(a, b);
        assert.equal(a.privateKey.length, kem.Nsk);
        const other = ikm.slice();
        other[31] = (other[31] as number) ^ 1;
        assert.notDeepEqual(kem.deriveKeyPair(provider, other).privateKey, a.privateKey);
        // Empty ikm is allowed (RFC 9180 only recommends Nsk bytes of entropy) and still deterministic.
        assert.deepEqual(kem.deriveKeyPair(provider, new Uint8Array(0)), kem.deriveKeyPair(provider, new Uint8Array(0)));
      });

      it(`${kem.name}: deterministic Encap with the same randomness gives the same result`, () => {
        const { publicKey } = kem.deriveKeyPair(provider, new Uint8Array(32));
        const randomness = new Uint8Array(kem.Nrandom ?? 32).fill(7);
        assert.deepEqual(kem.encapsulate(provider, publicKey, randomness), kem.encapsulate(provider, publicKey, randomness.slice()));
      });

      it(`${kem.name}: auth modes are refused with CryptoError('unsupported') before any work`, () => {
        const suite = hpkeSuiteFromIds(kem.id, 0x0001, 0x0001);
        const { privateKey, publicKey } = kem.deriveKeyPair(provider, new Uint8Array(32));
        const unsupported = (error: unknown): boolean => error instanceof CryptoError && error.code === 'unsupported';
        assert.throws(() => setupSender(provider, suite, publicKey, new Uint8Array(0), { senderPrivateKey: privateKey }), unsupported);
        const enc = new Uint8Array(kem.Nenc);
        assert.throws(() => setupReceiver(provider, suite, enc, privateKey, new Uint8Array(0), { senderPublicKey: publicKey }), unsupported);
      });
    }

    it('ML-KEM-768: a tampered enc decapsulates to another secret (implicit rejection), so Open fails', () => {
      const suite = hpkeSuite(MLKEM768, HKDF_SHA256, AES_128_GCM);
      const { privateKey, publicKey } = MLKEM768.generateKeyPair(provider);
      const { enc, context } = setupSender(provider, suite, publicKey, new Uint8Array(0));
      const ct = context.seal(new Uint8Array(0), new Uint8Array([1, 2, 3]));
      const tampered = enc.slice();
      tampered[100] = (tampered[100] as number) ^ 0x80;
      const receiver = setupReceiver(provider, suite, tampered, privateKey, new Uint8Array(0));
      assert.throws(() => receiver.open(new Uint8Array(0), ct), (e: unknown) => e instanceof CryptoError && e.code === 'aead-auth');
    });
  });
}
