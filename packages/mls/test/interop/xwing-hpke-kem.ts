// X-Wing (HPKE KEM 0x647A) as an @hpke/core `KemInterface`, so that ts-mls 1.6.4 can run
// the X-Wing MLS suites through its own HPKE (@hpke/core) without the optional peer
// dependency @hpke/hybridkem-x-wing (not installed; its 0x004D is also ML-KEM-512).
//
// Encaps/Decaps and key generation come from Sealed's X-Wing over the @noble provider
// (pure-JS ML-KEM-768 and X25519, not the node:crypto path the Sealed party uses); the
// vectors of ../shared/testvectors/xwing pin them (xwing-hpke-kem.test.ts). DeriveKeyPair
// is written here again from the draft, independently of Sealed's, because MLS derives every
// path node key with it (RFC 9420 §7.4): if the two disagreed, interop commits would fail.
//
//   DeriveKeyPair(ikm) = sk = SHAKE256.LabeledDerive(ikm, "DeriveKeyPair", "", 32)
//   SHAKE256.LabeledDerive(ikm, label, ctx, L) = SHAKE256(ikm || "HPKE-v1" || "KEM" || I2OSP(0x647A, 2)
//                                               || I2OSP(len(label), 2) || label || I2OSP(L, 2) || ctx, L)
//   (draft-ietf-hpke-pq-05 §4, §5)
import type { KemInterface, RecipientContextParams, SenderContextParams } from '@hpke/core';
import { shake256 } from '@noble/hashes/sha3.js';
import { nobleProvider } from '@sealed/crypto/noble/provider';
import { XWING, XWING_ENCAPSULATION_SEED_LENGTH, XWING_SEED_LENGTH } from '@sealed/crypto/kem/xwing';

const XWING_KEM_ID = 0x647a;
const encoder = new TextEncoder();

/** A key object shaped like @hpke/common's XCryptoKey: @hpke/core only passes it back to us. */
interface XWingKey extends CryptoKey {
  readonly raw: Uint8Array;
}

function toBytes(data: ArrayBufferLike | ArrayBufferView): Uint8Array {
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  return new Uint8Array(data).slice();
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer;
}

function key(raw: Uint8Array, type: 'public' | 'private'): XWingKey {
  return { raw, type, extractable: true, algorithm: { name: 'X-Wing' }, usages: type === 'private' ? ['deriveBits'] : [] } as unknown as XWingKey;
}

function rawOf(k: CryptoKey | CryptoKeyPair, type: 'public' | 'private'): Uint8Array {
  const single = 'privateKey' in k ? (type === 'private' ? k.privateKey : k.publicKey) : k;
  const raw = (single as Partial<XWingKey>).raw;
  if (!(raw instanceof Uint8Array) || single.type !== type) throw new Error(`X-Wing: expected a ${type} key made by this KEM`);
  return raw;
}

function i2osp2(n: number): Uint8Array {
  return Uint8Array.of(n >>> 8, n & 0xff);
}

/** SHAKE256.LabeledDerive with suite_id "KEM" || 0x647A (draft-ietf-hpke-pq-05 §5). */
export function xwingDeriveSeed(ikm: Uint8Array): Uint8Array {
  const label = encoder.encode('DeriveKeyPair');
  const input = new Uint8Array([
    ...ikm,
    ...encoder.encode('HPKE-v1'),
    ...encoder.encode('KEM'),
    ...i2osp2(XWING_KEM_ID),
    ...i2osp2(label.length),
    ...label,
    ...i2osp2(XWING_SEED_LENGTH),
  ]);
  return shake256(input, { dkLen: XWING_SEED_LENGTH });
}

/** The encapsulation key of a 32-byte X-Wing decapsulation seed. */
export function xwingPublicKeyOf(seed: Uint8Array): Uint8Array {
  return XWING.publicKeyFromPrivate(nobleProvider, seed);
}

function pair(seed: Uint8Array): CryptoKeyPair {
  return { privateKey: key(seed, 'private'), publicKey: key(xwingPublicKeyOf(seed), 'public') };
}

/**
 * The X-Wing KEM for @hpke/core. `encap` honours `ekm` as the 64-byte eseed of the draft
 * (deterministic encapsulation, used only by the vector test).
 */
export function xwingHpkeKem(): KemInterface {
  return {
    id: XWING_KEM_ID as KemInterface['id'],
    secretSize: 32,
    encSize: 1120,
    publicKeySize: 1216,
    privateKeySize: XWING_SEED_LENGTH,
    serializePublicKey: async (k) => toArrayBuffer(rawOf(k, 'public')),
    deserializePublicKey: async (k) => key(checkLength(toBytes(k), 1216), 'public'),
    serializePrivateKey: async (k) => toArrayBuffer(rawOf(k, 'private')),
    deserializePrivateKey: async (k) => key(checkLength(toBytes(k), XWING_SEED_LENGTH), 'private'),
    importKey: async (format, k, isPublic = true) => {
      if (format !== 'raw') throw new Error('X-Wing: only raw keys');
      const bytes = toBytes(k as ArrayBuffer);
      return key(checkLength(bytes, isPublic ? 1216 : XWING_SEED_LENGTH), isPublic ? 'public' : 'private');
    },
    generateKeyPair: async () => pair(nobleProvider.randomBytes(XWING_SEED_LENGTH)),
    deriveKeyPair: async (ikm) => pair(xwingDeriveSeed(toBytes(ikm))),
    encap: async (params: SenderContextParams) => {
      const pk = rawOf(params.recipientPublicKey, 'public');
      let eseed: Uint8Array | undefined;
      if (params.ekm !== undefined) {
        if ('privateKey' in params.ekm) throw new Error('X-Wing: ekm must be the 64-byte eseed');
        eseed = checkLength(toBytes(params.ekm), XWING_ENCAPSULATION_SEED_LENGTH);
      }
      const { enc, sharedSecret } = XWING.encapsulate(nobleProvider, pk, eseed);
      return { enc: toArrayBuffer(enc), sharedSecret: toArrayBuffer(sharedSecret) };
    },
    decap: async (params: RecipientContextParams) => {
      const sk = rawOf(params.recipientKey, 'private');
      return toArrayBuffer(XWING.decapsulate(nobleProvider, toBytes(params.enc), sk));
    },
  };
}

function checkLength(bytes: Uint8Array, length: number): Uint8Array {
  if (bytes.length !== length) throw new Error(`X-Wing: key of ${bytes.length} bytes, expected ${length}`);
  return bytes;
}
