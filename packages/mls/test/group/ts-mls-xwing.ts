// ts-mls 1.6.4 configured with MLS_128_MLKEM768X25519_AES128GCM_SHA256_Ed25519 (Sealed's
// default suite), assembled outside Sealed's code: @hpke/core's HPKE (ts-mls's own) with an
// X-Wing KEM built on @noble/post-quantum's ml_kem768_x25519 and @noble/hashes' SHAKE256,
// ts-mls's own SHA-256, HKDF, AES-128-GCM and Ed25519. ts-mls 1.6.4 has no such suite: its
// public `ciphersuites` table is extended with the code point for the test.
import { Aes128Gcm, CipherSuite, HkdfSha256 } from '@hpke/core';
import { XCryptoKey } from '@hpke/common';
import { shake256 } from '@noble/hashes/sha3.js';
import { ml_kem768_x25519 } from '../../../crypto/node_modules/@noble/post-quantum/hybrid.js';
import * as tsmls from 'ts-mls';
import { makeGenericHpke } from 'ts-mls/crypto/implementation/hpke.js';
import { makeAead } from 'ts-mls/crypto/implementation/default/makeAead.js';
import { MLS_128_MLKEM768X25519_AES128GCM_SHA256_Ed25519 } from '../../src/crypto/cipher-suite.ts';

const NAME = 'MLS_128_MLKEM768X25519_AES128GCM_SHA256_Ed25519';
const XWING_ID = 0x647a;
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const u16 = (n: number): Uint8Array => Uint8Array.of(n >> 8, n & 0xff);
const cat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};
const buf = (b: Uint8Array): ArrayBuffer => b.slice().buffer;
const bytes = (b: ArrayBufferLike | ArrayBufferView): Uint8Array => (ArrayBuffer.isView(b) ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : new Uint8Array(b)).slice();

/** draft-ietf-hpke-pq: DeriveKeyPair(ikm) = keygen(SHAKE256(ikm || "HPKE-v1" || suite_id || len(label) || label || I2OSP(32,2) || "", 32)). */
function deriveSeed(ikm: Uint8Array): Uint8Array {
  const label = utf8('DeriveKeyPair');
  const suiteId = cat(utf8('KEM'), u16(XWING_ID));
  return shake256(cat(ikm, utf8('HPKE-v1'), suiteId, u16(label.length), label, u16(32)), { dkLen: 32 });
}

const key = (raw: Uint8Array, type: 'public' | 'private'): CryptoKey => new XCryptoKey('X-Wing', raw, type, type === 'private' ? ['deriveBits'] : []) as unknown as CryptoKey;
const raw = (k: CryptoKey): Uint8Array => (k as unknown as { key: Uint8Array }).key;
const pair = (seed: Uint8Array): CryptoKeyPair => {
  const { publicKey } = ml_kem768_x25519.keygen(seed);
  return { publicKey: key(publicKey, 'public'), privateKey: key(seed, 'private') };
};

/** An @hpke/core KemInterface for X-Wing (0x647A). */
const xwingKem = {
  id: XWING_ID,
  secretSize: 32,
  encSize: 1120,
  publicKeySize: 1216,
  privateKeySize: 32,
  serializePublicKey: async (k: CryptoKey) => buf(raw(k)),
  deserializePublicKey: async (k: ArrayBufferLike | ArrayBufferView) => key(bytes(k), 'public'),
  serializePrivateKey: async (k: CryptoKey) => buf(raw(k)),
  deserializePrivateKey: async (k: ArrayBufferLike | ArrayBufferView) => key(bytes(k), 'private'),
  importKey: async (_format: string, k: ArrayBufferLike | ArrayBufferView, isPublic = true) => key(bytes(k), isPublic ? 'public' : 'private'),
  generateKeyPair: async () => pair(crypto.getRandomValues(new Uint8Array(32))),
  deriveKeyPair: async (ikm: ArrayBufferLike | ArrayBufferView) => pair(deriveSeed(bytes(ikm))),
  encap: async (params: { recipientPublicKey: CryptoKey }) => {
    const { cipherText, sharedSecret } = ml_kem768_x25519.encapsulate(raw(params.recipientPublicKey));
    return { enc: buf(cipherText), sharedSecret: buf(sharedSecret) };
  },
  decap: async (params: { enc: ArrayBufferLike | ArrayBufferView; recipientKey: CryptoKey | CryptoKeyPair }) => {
    const recipient = 'privateKey' in params.recipientKey ? params.recipientKey.privateKey : params.recipientKey;
    return buf(ml_kem768_x25519.decapsulate(bytes(params.enc), raw(recipient)));
  },
};

/** ts-mls's CiphersuiteImpl for Sealed's default post-quantum suite. */
export async function tsMlsXwingSuite(): Promise<tsmls.CiphersuiteImpl> {
  (tsmls.ciphersuites as Record<string, number>)[NAME] = MLS_128_MLKEM768X25519_AES128GCM_SHA256_Ed25519;
  const base = await tsmls.getCiphersuiteImpl(tsmls.getCiphersuiteFromName('MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519'));
  const [aead] = await makeAead('AES128GCM');
  const suite = new CipherSuite({ kem: xwingKem as never, kdf: new HkdfSha256(), aead: new Aes128Gcm() });
  const hpke = await makeGenericHpke({ kem: 'X-Wing', kdf: 'HKDF-SHA256', aead: 'AES128GCM' }, aead, suite);
  return { ...base, hpke, name: NAME as tsmls.CiphersuiteName };
}
