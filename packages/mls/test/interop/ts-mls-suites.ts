// ts-mls 1.6.4 `CiphersuiteImpl`s for the suites Sealed interoperates on:
//
//   0x0001  MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519: ts-mls's own built-in suite.
//   0xF0A1  MLS_128_MLKEM768X25519_AES128GCM_SHA256_Ed25519 (Sealed's default, private-use
//           code point): X-Wing, HKDF-SHA256, AES-128-GCM, Ed25519.
//   0x004D  OpenMLS's X-Wing suite: X-Wing, HKDF-SHA256, ChaCha20-Poly1305, Ed25519.
//
// ts-mls has no such X-Wing suites (its 0x004D is ML-KEM-512; its X-Wing suites use SHA-512
// and need @hpke/hybridkem-x-wing), so the two PQ suites are assembled from ts-mls's own
// parts: its HKDF, hash and Ed25519 implementations and its generic HPKE wrapper over
// @hpke/core, with the X-Wing KEM of ./xwing-hpke-kem.ts and, for 0x004D, a ChaCha20-Poly1305
// AEAD over @noble/ciphers (ts-mls's own wants the missing @hpke/chacha20poly1305).
//
// ts-mls names a suite by `CiphersuiteName` and encodes it through an "open enum": a name
// it does not know must be the decimal code point as a string ("61601" for 0xF0A1), which
// is also what it decodes an unknown code point to. 0x004D decodes to ts-mls's name for 77,
// so that name must be used for the impl even though the algorithms are OpenMLS's.
import { CipherSuite as HpkeCipherSuite, HkdfSha256 } from '@hpke/core';
import type { AeadEncryptionContext, AeadInterface } from '@hpke/core';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { getCiphersuiteFromName, getCiphersuiteImpl, type CiphersuiteImpl, type CiphersuiteName } from 'ts-mls';
import { makeGenericHpke } from 'ts-mls/crypto/implementation/hpke.js';
import { makeAead } from 'ts-mls/crypto/implementation/default/makeAead.js';
import { makeHashImpl } from 'ts-mls/crypto/implementation/default/makeHashImpl.js';
import { makeKdf, makeKdfImpl } from 'ts-mls/crypto/implementation/default/makeKdfImpl.js';
import { makeNobleSignatureImpl } from 'ts-mls/crypto/implementation/default/makeNobleSignatureImpl.js';
import { defaultRng } from 'ts-mls/crypto/implementation/default/rng.js';
import type { Aead } from 'ts-mls/crypto/aead.js';
import { xwingHpkeKem } from './xwing-hpke-kem.ts';

export const SUITE_1 = 0x0001 as const;
export const SUITE_XWING_DEFAULT = 0xf0a1 as const;
export const SUITE_XWING_OPENMLS = 0x004d as const;
export const INTEROP_SUITES = [SUITE_1, SUITE_XWING_DEFAULT, SUITE_XWING_OPENMLS] as const;
export type InteropSuite = (typeof INTEROP_SUITES)[number];

/** The name ts-mls uses on the wire for each suite (see the note above on open enums). */
export const TS_MLS_SUITE_NAME: Readonly<Record<InteropSuite, CiphersuiteName>> = {
  [SUITE_1]: 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519',
  [SUITE_XWING_DEFAULT]: String(SUITE_XWING_DEFAULT) as CiphersuiteName,
  [SUITE_XWING_OPENMLS]: 'MLS_128_MLKEM512_AES128GCM_SHA256_Ed25519',
};

const toBytes = (d: ArrayBufferLike | ArrayBufferView): Uint8Array =>
  ArrayBuffer.isView(d) ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength) : new Uint8Array(d);
const toArrayBuffer = (b: Uint8Array): ArrayBuffer => b.slice().buffer;

/** ChaCha20-Poly1305 (HPKE AEAD 0x0003, RFC 9180 §7.3) for @hpke/core, over @noble/ciphers. */
function chachaHpkeAead(): AeadInterface {
  return {
    id: 0x0003 as AeadInterface['id'],
    keySize: 32,
    nonceSize: 12,
    tagSize: 16,
    createEncryptionContext(k): AeadEncryptionContext {
      const keyBytes = toBytes(k).slice();
      return {
        seal: async (iv, data, aad) => toArrayBuffer(chacha20poly1305(keyBytes, toBytes(iv), toBytes(aad)).encrypt(toBytes(data))),
        open: async (iv, data, aad) => toArrayBuffer(chacha20poly1305(keyBytes, toBytes(iv), toBytes(aad)).decrypt(toBytes(data))),
      };
    },
  };
}

/** ChaCha20-Poly1305 for MLS's own AEAD use (§6.3 message protection, §12.4.3.1 GroupInfo). */
const chachaMlsAead: Aead = {
  encrypt: async (k, nonce, aad, plaintext) => chacha20poly1305(k, nonce, aad).encrypt(plaintext),
  decrypt: async (k, nonce, aad, ciphertext) => chacha20poly1305(k, nonce, aad).decrypt(ciphertext),
};

async function xwingSuite(id: InteropSuite, aeadName: 'AES128GCM' | 'CHACHA20POLY1305'): Promise<CiphersuiteImpl> {
  const [mlsAead, hpkeAead] = aeadName === 'AES128GCM' ? await makeAead('AES128GCM') : [chachaMlsAead, chachaHpkeAead()];
  const hpkeSuite = new HpkeCipherSuite({ kem: xwingHpkeKem(), kdf: new HkdfSha256(), aead: hpkeAead });
  return {
    hash: makeHashImpl(globalThis.crypto.subtle, 'SHA-256'),
    kdf: makeKdfImpl(makeKdf('HKDF-SHA256')),
    signature: await makeNobleSignatureImpl('Ed25519'),
    hpke: await makeGenericHpke({ kem: 'X-Wing', kdf: 'HKDF-SHA256', aead: aeadName }, mlsAead, hpkeSuite),
    rng: defaultRng,
    name: TS_MLS_SUITE_NAME[id],
  };
}

/** A ts-mls CiphersuiteImpl for `id` (built-in for suite 1, assembled for the X-Wing suites). */
export async function tsMlsSuite(id: InteropSuite): Promise<CiphersuiteImpl> {
  switch (id) {
    case SUITE_1:
      return getCiphersuiteImpl(getCiphersuiteFromName(TS_MLS_SUITE_NAME[SUITE_1]));
    case SUITE_XWING_DEFAULT:
      return xwingSuite(id, 'AES128GCM');
    case SUITE_XWING_OPENMLS:
      return xwingSuite(id, 'CHACHA20POLY1305');
  }
}

export function suiteLabel(id: number): string {
  return `0x${id.toString(16).padStart(4, '0')}`;
}
