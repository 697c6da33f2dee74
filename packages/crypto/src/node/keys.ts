/**
 * Raw key bytes (the encodings of ../provider.ts) to node:crypto `KeyObject`s and back.
 *
 * Why JWK: in Node 20 with OpenSSL 3, importing DER (PKCS#8/SPKI) runs OpenSSL's decoder
 * framework and costs 10-20x more than a JWK import, which Node maps straight onto
 * `EVP_PKEY_new_raw_private_key` / `_public_key` (OKP) or EC point setters. For an OKP private
 * key Node reads only `d` (the public key is recomputed from it), so `x` is left empty.
 *
 * Why a cache: building a KeyObject still costs as much as an Ed25519 signature, and MLS signs
 * and verifies with the same few long-lived keys. `KeyObjectCache` remembers the KeyObject
 * built from one `Uint8Array` object (a WeakMap: the entry lives exactly as long as the
 * caller's array is reachable) together with a copy of the bytes it was built from; every
 * lookup compares the array's current bytes with that copy (timingSafeEqual), so an array
 * that was overwritten, or wiped, is never served a stale key.
 *
 * Ownership of secrets: for a private key, the KeyObject (in OpenSSL memory) and the copy
 * stay alive until the caller's array becomes unreachable and is collected. Wiping the array
 * does not wipe them; dropping it does (at the next GC). JavaScript gives no stronger erasure
 * guarantee for any secret (noble's bigints and V8 strings are no better).
 */
import { createPrivateKey, createPublicKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { Buffer } from 'node:buffer';
import { CryptoError } from '../errors.ts';

/** The OKP (RFC 8037) curves, keyed by the provider's algorithm names. */
export type OkpCurve = 'X25519' | 'X448' | 'Ed25519' | 'Ed448';
/** The NIST curves by JWK name (RFC 7518 §6.2.1.1). */
export type EcCurve = 'P-256' | 'P-384' | 'P-521';

interface CacheEntry {
  readonly tag: string;
  readonly bytes: Uint8Array;
  readonly key: KeyObject;
}

/** KeyObjects built from caller-owned arrays; see the file comment for the ownership rules. */
export class KeyObjectCache {
  readonly #entries = new WeakMap<Uint8Array, CacheEntry>();

  /** The cached KeyObject for `raw` under `tag` (an algorithm name), or one built by `build`. */
  get(tag: string, raw: Uint8Array, build: (raw: Uint8Array) => KeyObject): KeyObject {
    const entry = this.#entries.get(raw);
    if (entry !== undefined && entry.tag === tag && entry.bytes.length === raw.length && timingSafeEqual(entry.bytes, raw)) {
      return entry.key;
    }
    const key = build(raw);
    this.#entries.set(raw, { tag, bytes: raw.slice(), key });
    return key;
  }

  /** Records `key` as the KeyObject for `raw` (used right after key generation). */
  set(tag: string, raw: Uint8Array, key: KeyObject): void {
    this.#entries.set(raw, { tag, bytes: raw.slice(), key });
  }
}

/**
 * Upper bound on the public KeyObjects remembered by content. An MLS group of the members'
 * limit (a few thousand) verifies every member's signature key and encrypts to every leaf's
 * HPKE key in one operation; 4096 entries cover a 1024-member group's two keys per member
 * while keeping the memory (a KeyObject and a short string each) bounded whatever peers send.
 */
export const PUBLIC_KEY_CACHE_ENTRIES = 4096;

/**
 * Public KeyObjects keyed by the key's bytes (not by array identity): keys decoded from the
 * wire arrive as fresh arrays every time, and a member's key is used again by every later
 * operation of the group. Public keys are not secret, so keying by content is safe; the key is
 * computed from the bytes at lookup time, so a caller that later overwrites its array never
 * gets a stale entry. Least recently used entries go first (a Map keeps insertion order).
 * A key whose import fails is never cached, so it fails again the same way.
 */
export class PublicKeyObjectCache {
  readonly #entries = new Map<string, KeyObject>();
  readonly #capacity: number;

  constructor(capacity: number = PUBLIC_KEY_CACHE_ENTRIES) {
    this.#capacity = capacity;
  }

  /** The KeyObject for the public key `raw` under `tag` (an algorithm name), built by `build` once. */
  get(tag: string, raw: Uint8Array, build: (raw: Uint8Array) => KeyObject): KeyObject {
    const id = `${tag}:${asBuffer(raw).toString('base64')}`;
    const hit = this.#entries.get(id);
    if (hit !== undefined) {
      this.#entries.delete(id);
      this.#entries.set(id, hit);
      return hit;
    }
    const key = build(raw);
    if (this.#entries.size >= this.#capacity) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
    this.#entries.set(id, key);
    return key;
  }

  /** How many keys are remembered (for tests of the bound). */
  get size(): number {
    return this.#entries.size;
  }
}

/** A Node Buffer over the same memory as `bytes` (no copy), for Node APIs that want one. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * A plain `Uint8Array` with the bytes of a Buffer that Node just returned. Node's crypto
 * outputs own their whole ArrayBuffer, so this is a view without a copy; a Buffer that
 * shares a pool slab is copied so that no other data is reachable through `.buffer`.
 */
export function plain(buffer: Buffer): Uint8Array {
  if (buffer.byteOffset === 0 && buffer.buffer.byteLength === buffer.byteLength) {
    return new Uint8Array(buffer.buffer, 0, buffer.byteLength);
  }
  return Uint8Array.from(buffer);
}

function base64url(bytes: Uint8Array): string {
  return asBuffer(bytes).toString('base64url');
}

/** Decodes exactly `length` bytes of base64url into a fresh array (never a pooled Buffer). */
export function fromBase64url(text: string | undefined, length: number): Uint8Array {
  const out = new Uint8Array(length);
  if (text === undefined || asBuffer(out).write(text, 'base64url') !== length || text.length !== Math.ceil((length * 4) / 3)) {
    throw new CryptoError('unsupported', `unexpected JWK coordinate length from node:crypto`);
  }
  return out;
}

export function okpPrivateKey(curve: OkpCurve, raw: Uint8Array): KeyObject {
  return createPrivateKey({ key: { kty: 'OKP', crv: curve, d: base64url(raw), x: '' }, format: 'jwk' });
}

export function okpPublicKey(curve: OkpCurve, raw: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: curve, x: base64url(raw) }, format: 'jwk' });
}

/** Raw public key of an OKP KeyObject (private or public). */
export function okpRawPublicKey(key: KeyObject, length: number): Uint8Array {
  const jwk = key.export({ format: 'jwk' });
  return fromBase64url(jwk.x, length);
}

/** Raw private key (`d`) of a freshly generated OKP or EC private KeyObject. */
export function rawPrivateKey(key: KeyObject, length: number): Uint8Array {
  return fromBase64url(key.export({ format: 'jwk' }).d, length);
}

/**
 * EC private KeyObject from the scalar and the uncompressed point that goes with it (the
 * caller derived the point from the scalar, so the two agree).
 */
export function ecPrivateKey(curve: EcCurve, scalar: Uint8Array, point: Uint8Array): KeyObject {
  const size = scalar.length;
  return createPrivateKey({
    key: {
      kty: 'EC',
      crv: curve,
      d: base64url(scalar),
      x: base64url(point.subarray(1, 1 + size)),
      y: base64url(point.subarray(1 + size)),
    },
    format: 'jwk',
  });
}

/** EC public KeyObject from an uncompressed SEC1 point; node:crypto checks it is on the curve. */
export function ecPublicKey(curve: EcCurve, point: Uint8Array, coordinateLength: number): KeyObject {
  return createPublicKey({
    key: {
      kty: 'EC',
      crv: curve,
      x: base64url(point.subarray(1, 1 + coordinateLength)),
      y: base64url(point.subarray(1 + coordinateLength)),
    },
    format: 'jwk',
  });
}

/** Uncompressed SEC1 point of a freshly generated EC KeyObject. */
export function ecRawPublicKey(key: KeyObject, coordinateLength: number): Uint8Array {
  const jwk = key.export({ format: 'jwk' });
  const out = new Uint8Array(1 + 2 * coordinateLength);
  out[0] = 0x04;
  out.set(fromBase64url(jwk.x, coordinateLength), 1);
  out.set(fromBase64url(jwk.y, coordinateLength), 1 + coordinateLength);
  return out;
}
