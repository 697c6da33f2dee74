/**
 * X25519, X448, P-256/384/521 ECDH and Ed25519, Ed448, ECDSA across the two providers, whose
 * implementations are independent (OpenSSL and noble): keys made by one are read by the
 * other, what one signs the other verifies, both compute the same shared secrets, and both
 * refuse the same bad points and scalars with the same error codes.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { toHex } from '../../../tools/testvectors.ts';
import { nobleProvider } from '../src/noble/provider.ts';
import { nodeProvider } from '../src/node/provider.ts';
import {
  DH_PRIVATE_KEY_LENGTH,
  DH_PUBLIC_KEY_LENGTH,
  SIGNATURE_PRIVATE_KEY_LENGTH,
  type DhAlgorithm,
  type SignatureAlgorithm,
} from '../src/provider.ts';
import { PROVIDERS } from './providers.ts';
import { expectCryptoError } from './wycheproof.ts';

const DH: readonly DhAlgorithm[] = ['X25519', 'X448', 'P-256', 'P-384', 'P-521'];
const SIG: readonly SignatureAlgorithm[] = ['Ed25519', 'Ed448', 'ECDSA-P256-SHA256', 'ECDSA-P384-SHA384', 'ECDSA-P521-SHA512'];
const PAIRS = [
  [nodeProvider, nobleProvider],
  [nobleProvider, nodeProvider],
] as const;
const message = new TextEncoder().encode('Sealed cross-provider message');

/** Group orders n, taken from noble's curve definitions (an independent source for OpenSSL). */
const ORDER: Readonly<Record<'P-256' | 'P-384' | 'P-521', bigint>> = {
  'P-256': p256.Point.Fn.ORDER,
  'P-384': p384.Point.Fn.ORDER,
  'P-521': p521.Point.Fn.ORDER,
};
const ECDSA_CURVE = { 'ECDSA-P256-SHA256': 'P-256', 'ECDSA-P384-SHA384': 'P-384', 'ECDSA-P521-SHA512': 'P-521' } as const;

function fromHex(text: string): Uint8Array {
  return Uint8Array.from(text.match(/../g) ?? [], (b) => parseInt(b, 16));
}

/** `value` big-endian in exactly `length` bytes. */
function bytesOf(value: bigint, length: number): Uint8Array {
  return fromHex(value.toString(16).padStart(2 * length, '0'));
}

/** Minimal DER for ECDSA-Sig-Value (RFC 3279 §2.2.3), enough to build a high-S twin. */
function derToRS(der: Uint8Array): { r: bigint; s: bigint } {
  let offset = der[1]! & 0x80 ? 2 + (der[1]! & 0x7f) : 2;
  const readInt = (): bigint => {
    assert.equal(der[offset], 0x02);
    const length = der[offset + 1]!;
    const value = BigInt('0x' + (toHex(der.subarray(offset + 2, offset + 2 + length)) || '0'));
    offset += 2 + length;
    return value;
  };
  return { r: readInt(), s: readInt() };
}
function rsToDer(r: bigint, s: bigint): Uint8Array {
  const int = (v: bigint): number[] => {
    let h = v.toString(16);
    if (h.length % 2) h = '0' + h;
    const bytes = [...fromHex(h)];
    if (bytes[0]! & 0x80) bytes.unshift(0);
    return [0x02, bytes.length, ...bytes];
  };
  const body = [...int(r), ...int(s)];
  const length = body.length < 0x80 ? [body.length] : [0x81, body.length];
  return Uint8Array.from([0x30, ...length, ...body]);
}

describe('cross-provider: Diffie-Hellman', () => {
  for (const algorithm of DH) {
    for (const [a, b] of PAIRS) {
      it(`${algorithm}: keys from ${a.name} work in ${b.name}, shared secrets agree`, () => {
        const alice = a.dhGenerate(algorithm);
        const bob = b.dhGenerate(algorithm);
        assert.equal(alice.privateKey.length, DH_PRIVATE_KEY_LENGTH[algorithm]);
        assert.equal(alice.publicKey.length, DH_PUBLIC_KEY_LENGTH[algorithm]);
        assert.deepEqual(b.dhPublicKey(algorithm, alice.privateKey), alice.publicKey);
        const shared = a.dh(algorithm, alice.privateKey, bob.publicKey);
        assert.deepEqual(b.dh(algorithm, bob.privateKey, alice.publicKey), shared);
        assert.deepEqual(b.dh(algorithm, alice.privateKey, bob.publicKey), shared);
        assert.equal(shared.length, algorithm === 'P-256' ? 32 : algorithm === 'P-384' ? 48 : algorithm === 'P-521' ? 66 : DH_PUBLIC_KEY_LENGTH[algorithm]);
      });
    }
  }
});

describe('cross-provider: signatures', () => {
  for (const algorithm of SIG) {
    for (const [a, b] of PAIRS) {
      it(`${algorithm}: ${a.name} signs, ${b.name} verifies; tampering is rejected by both`, () => {
        const key = a.signatureGenerate(algorithm);
        assert.equal(key.privateKey.length, SIGNATURE_PRIVATE_KEY_LENGTH[algorithm]);
        assert.deepEqual(b.signaturePublicKey(algorithm, key.privateKey), key.publicKey);
        const signature = a.sign(algorithm, key.privateKey, message);
        assert.equal(b.verify(algorithm, key.publicKey, message, signature), true);
        assert.equal(a.verify(algorithm, key.publicKey, message, signature), true);
        const tampered = signature.slice();
        tampered[tampered.length - 1]! ^= 1;
        for (const p of PROVIDERS) {
          assert.equal(p.verify(algorithm, key.publicKey, message, tampered), false);
          assert.equal(p.verify(algorithm, key.publicKey, message.subarray(1), signature), false);
        }
        if (algorithm === 'Ed25519' || algorithm === 'Ed448') {
          // EdDSA is deterministic (RFC 8032 §5.1.6): both providers produce the same bytes.
          assert.deepEqual(b.sign(algorithm, key.privateKey, message), signature);
        }
      });
    }
  }

  for (const algorithm of ['ECDSA-P256-SHA256', 'ECDSA-P384-SHA384', 'ECDSA-P521-SHA512'] as const) {
    it(`${algorithm}: both accept the high-S twin of a signature (FIPS 186-5 has no low-S rule)`, () => {
      const key = nobleProvider.signatureGenerate(algorithm);
      const { r, s } = derToRS(nobleProvider.sign(algorithm, key.privateKey, message));
      const n = ORDER[ECDSA_CURVE[algorithm]];
      const twin = rsToDer(r, n - s);
      for (const p of PROVIDERS) assert.equal(p.verify(algorithm, key.publicKey, message, twin), true, p.name);
    });
  }
});

for (const provider of PROVIDERS) {
  describe(`bad points and scalars (${provider.name})`, () => {
    for (const algorithm of ['P-256', 'P-384', 'P-521'] as const) {
      it(`${algorithm}: off-curve, compressed-prefix and zero points rejected; scalars outside [1, n-1] rejected`, () => {
        const ours = provider.dhGenerate(algorithm);
        const theirs = provider.dhGenerate(algorithm).publicKey;
        const offCurve = theirs.slice();
        offCurve[offCurve.length - 1]! ^= 1;
        expectCryptoError('invalid-public-key', () => provider.dh(algorithm, ours.privateKey, offCurve));
        const prefixed = theirs.slice();
        prefixed[0] = 0x02;
        expectCryptoError('invalid-public-key', () => provider.dh(algorithm, ours.privateKey, prefixed));
        const zero = new Uint8Array(theirs.length);
        zero[0] = 0x04;
        expectCryptoError('invalid-public-key', () => provider.dh(algorithm, ours.privateKey, zero));
        expectCryptoError('invalid-length', () => provider.dh(algorithm, ours.privateKey, Uint8Array.of(0)));
        expectCryptoError('invalid-length', () => provider.dh(algorithm, ours.privateKey, theirs.subarray(0, 33)));
        const length = DH_PRIVATE_KEY_LENGTH[algorithm];
        const bad = [new Uint8Array(length), bytesOf(ORDER[algorithm], length), new Uint8Array(length).fill(0xff)];
        for (const scalar of bad) {
          expectCryptoError('invalid-private-key', () => provider.dh(algorithm, scalar, theirs));
          expectCryptoError('invalid-private-key', () => provider.dhPublicKey(algorithm, scalar));
        }
      });
    }

    for (const algorithm of ['ECDSA-P256-SHA256', 'ECDSA-P384-SHA384', 'ECDSA-P521-SHA512'] as const) {
      it(`${algorithm}: bad scalars throw, bad keys and signatures verify false without throwing`, () => {
        const length = SIGNATURE_PRIVATE_KEY_LENGTH[algorithm];
        const order = bytesOf(ORDER[ECDSA_CURVE[algorithm]], length);
        for (const scalar of [new Uint8Array(length), order]) {
          expectCryptoError('invalid-private-key', () => provider.sign(algorithm, scalar, message));
          expectCryptoError('invalid-private-key', () => provider.signaturePublicKey(algorithm, scalar));
        }
        const key = provider.signatureGenerate(algorithm);
        const signature = provider.sign(algorithm, key.privateKey, message);
        const offCurve = key.publicKey.slice();
        offCurve[offCurve.length - 1]! ^= 1;
        const compressed = key.publicKey.slice();
        compressed[0] = 0x03;
        assert.equal(provider.verify(algorithm, offCurve, message, signature), false);
        assert.equal(provider.verify(algorithm, compressed, message, signature), false);
        assert.equal(provider.verify(algorithm, key.publicKey.subarray(1), message, signature), false);
        assert.equal(provider.verify(algorithm, key.publicKey, message, new Uint8Array(0)), false);
        assert.equal(provider.verify(algorithm, key.publicKey, message, signature.subarray(0, 8)), false);
        // BER, not DER: a redundant length-of-length byte must be refused.
        const ber = Uint8Array.from([0x30, 0x81, signature[1]!, ...signature.subarray(2)]);
        assert.equal(provider.verify(algorithm, key.publicKey, message, ber), false);
        assert.equal(provider.verify(algorithm, key.publicKey, message, Uint8Array.from([...signature, 0])), false);
      });
    }

    for (const algorithm of ['X25519', 'X448'] as const) {
      it(`${algorithm}: low-order points (u = 0, u = 1) give an all-zero secret and are rejected`, () => {
        const ours = provider.dhGenerate(algorithm);
        const size = DH_PUBLIC_KEY_LENGTH[algorithm];
        const one = new Uint8Array(size);
        one[0] = 1;
        expectCryptoError('invalid-public-key', () => provider.dh(algorithm, ours.privateKey, new Uint8Array(size)));
        expectCryptoError('invalid-public-key', () => provider.dh(algorithm, ours.privateKey, one));
        expectCryptoError('invalid-length', () => provider.dh(algorithm, ours.privateKey, new Uint8Array(size - 1)));
        expectCryptoError('invalid-length', () => provider.dh(algorithm, ours.privateKey.subarray(1), ours.publicKey));
      });
    }

    for (const algorithm of ['Ed25519', 'Ed448'] as const) {
      it(`${algorithm}: wrong lengths throw on sign, verify false on garbage`, () => {
        const key = provider.signatureGenerate(algorithm);
        expectCryptoError('invalid-length', () => provider.sign(algorithm, key.privateKey.subarray(1), message));
        const signature = provider.sign(algorithm, key.privateKey, message);
        assert.equal(provider.verify(algorithm, key.publicKey.subarray(1), message, signature), false);
        assert.equal(provider.verify(algorithm, key.publicKey, message, signature.subarray(1)), false);
        assert.equal(provider.verify(algorithm, new Uint8Array(key.publicKey.length).fill(0xff), message, signature), false);
      });
    }
  });
}
