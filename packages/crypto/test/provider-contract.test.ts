/**
 * The promises of ../src/provider.ts that no vector file checks, for both providers:
 * constant-time compare, random lengths, the byte-ownership rules (inputs untouched, outputs
 * plain Uint8Arrays, never Node Buffers), typed errors for bad sizes, and error messages that
 * never carry key bytes. Plus the node provider's KeyObject cache never serving a stale key.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { toHex } from '../../../tools/testvectors.ts';
import { constantTimeEqual } from '../src/bytes.ts';
import { CryptoError } from '../src/errors.ts';
import { MAX_RANDOM_BYTES, MAX_SHAKE_OUTPUT, type CryptoProvider } from '../src/provider.ts';
import { PROVIDERS } from './providers.ts';
import { expectCryptoError } from './wycheproof.ts';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

function assertPlain(bytes: Uint8Array, what: string): void {
  assert.equal(Object.getPrototypeOf(bytes), Uint8Array.prototype, `${what} is a plain Uint8Array`);
}

/** Every error thrown by `fn` must be a CryptoError whose message contains no hex of `secret`. */
function assertNoLeak(fn: () => unknown, secret: Uint8Array): void {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof CryptoError, `expected CryptoError, got ${String(error)}`);
    const message = `${error.message} ${String(error.stack)}`.toLowerCase();
    const secretHex = toHex(secret);
    // Any 8-byte window of the secret would be a leak.
    for (let i = 0; i + 16 <= secretHex.length; i += 2) {
      assert.ok(!message.includes(secretHex.slice(i, i + 16)), 'error message contains key bytes');
    }
    assert.ok(!message.includes(Array.from(secret.subarray(0, 8)).join(',')), 'error message contains key bytes (decimal)');
    return;
  }
  assert.fail('expected an error');
}

for (const provider of PROVIDERS) {
  describe(`provider contract (${provider.name})`, () => {
    it('constantTimeEqual: equal, different, different lengths, empty', () => {
      const a = Uint8Array.of(1, 2, 3, 4);
      assert.equal(provider.constantTimeEqual(a, Uint8Array.of(1, 2, 3, 4)), true);
      assert.equal(provider.constantTimeEqual(a, Uint8Array.of(1, 2, 3, 5)), false);
      assert.equal(provider.constantTimeEqual(a, Uint8Array.of(0, 2, 3, 4)), false);
      assert.equal(provider.constantTimeEqual(a, Uint8Array.of(1, 2, 3)), false);
      assert.equal(provider.constantTimeEqual(new Uint8Array(0), new Uint8Array(0)), true);
      // Views with offsets compare their own bytes only.
      const big = Uint8Array.of(9, 1, 2, 3, 4, 9);
      assert.equal(provider.constantTimeEqual(big.subarray(1, 5), a), true);
    });

    it('randomBytes: exact lengths, bounds, distinct outputs', () => {
      for (const length of [0, 1, 12, 32, 64, 65536, 65537, 200_000]) {
        const bytes = provider.randomBytes(length);
        assert.equal(bytes.length, length);
        assertPlain(bytes, 'randomBytes');
      }
      assert.notDeepEqual(provider.randomBytes(32), provider.randomBytes(32));
      // The tail beyond Web Crypto's 65536-byte quota is filled too (not left zero).
      const large = provider.randomBytes(65536 + 64);
      assert.ok(large.subarray(65536).some((b) => b !== 0));
      expectCryptoError('invalid-length', () => provider.randomBytes(-1));
      expectCryptoError('invalid-length', () => provider.randomBytes(1.5));
      expectCryptoError('invalid-length', () => provider.randomBytes(MAX_RANDOM_BYTES + 1));
    });

    it('hash, SHA3-256 and SHAKE256 match known answers for "abc" (FIPS 180-4, FIPS 202)', () => {
      const abc = text('abc');
      assert.equal(toHex(provider.hash('SHA-256', abc)), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
      assert.equal(
        toHex(provider.hash('SHA-384', abc)),
        'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7',
      );
      assert.equal(
        toHex(provider.hash('SHA-512', abc)),
        'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
      );
      assert.equal(toHex(provider.sha3_256(abc)), '3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532');
      assert.equal(toHex(provider.shake256(new Uint8Array(0), 32)), '46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762f');
      assert.equal(provider.shake256(abc, 0).length, 0);
      expectCryptoError('invalid-length', () => provider.shake256(abc, MAX_SHAKE_OUTPUT + 1));
    });

    it('outputs are plain Uint8Arrays, never Node Buffers', () => {
      const key = provider.randomBytes(32);
      const nonce = provider.randomBytes(12);
      const sealed = provider.aeadSeal('AES-256-GCM', key, nonce, text('hi'), new Uint8Array(0));
      const outputs: [string, Uint8Array][] = [
        ['hash', provider.hash('SHA-256', key)],
        ['sha3_256', provider.sha3_256(key)],
        ['shake256', provider.shake256(key, 64)],
        ['hmac', provider.hmac('SHA-384', key, key)],
        ['hkdfExtract', provider.hkdfExtract('SHA-256', new Uint8Array(0), key)],
        ['hkdfExpand L=HashLen', provider.hkdfExpand('SHA-256', key, key, 32)],
        ['hkdfExpand L=16', provider.hkdfExpand('SHA-256', key, key, 16)],
        ['hkdfExpand L=100', provider.hkdfExpand('SHA-512', provider.randomBytes(64), key, 100)],
        ['aeadSeal', sealed],
        ['aeadOpen', provider.aeadOpen('AES-256-GCM', key, nonce, sealed, new Uint8Array(0))],
      ];
      for (const algorithm of ['X25519', 'P-256'] as const) {
        const pair = provider.dhGenerate(algorithm);
        outputs.push([`${algorithm} private`, pair.privateKey], [`${algorithm} public`, pair.publicKey]);
        outputs.push([`${algorithm} dhPublicKey`, provider.dhPublicKey(algorithm, pair.privateKey)]);
        outputs.push([`${algorithm} dh`, provider.dh(algorithm, pair.privateKey, pair.publicKey)]);
      }
      for (const algorithm of ['Ed25519', 'ECDSA-P256-SHA256'] as const) {
        const pair = provider.signatureGenerate(algorithm);
        outputs.push([`${algorithm} private`, pair.privateKey], [`${algorithm} public`, pair.publicKey]);
        outputs.push([`${algorithm} sign`, provider.sign(algorithm, pair.privateKey, key)]);
      }
      const kem = provider.mlkem768.keygen();
      const encapsulation = provider.mlkem768.encapsulate(kem.publicKey);
      outputs.push(['mlkem sharedSecret', encapsulation.sharedSecret], ['mlkem cipherText', encapsulation.cipherText]);
      outputs.push(['mlkem decapsulate', provider.mlkem768.decapsulate(encapsulation.cipherText, kem.privateKey)]);
      assert.equal(encapsulation.sharedSecret.buffer.byteLength, 32, 'ML-KEM secret does not expose a larger buffer');
      for (const [what, bytes] of outputs) assertPlain(bytes, what);
    });

    it('inputs are never modified', () => {
      const key = provider.randomBytes(32);
      const nonce = provider.randomBytes(12);
      const plaintext = provider.randomBytes(40);
      const aad = provider.randomBytes(7);
      const before = [key, nonce, plaintext, aad].map((b) => b.slice());
      const sealed = provider.aeadSeal('ChaCha20-Poly1305', key, nonce, plaintext, aad);
      const sealedCopy = sealed.slice();
      provider.aeadOpen('ChaCha20-Poly1305', key, nonce, sealed, aad);
      provider.hkdfExpand('SHA-256', key, aad, 80);
      provider.hmac('SHA-256', key, plaintext);
      assert.deepEqual([key, nonce, plaintext, aad], before);
      assert.deepEqual(sealed, sealedCopy);

      const kem = provider.mlkem768.keygen();
      const seed = kem.privateKey.slice();
      const { cipherText } = provider.mlkem768.encapsulate(kem.publicKey);
      const cipherTextCopy = cipherText.slice();
      provider.mlkem768.decapsulate(cipherText, kem.privateKey);
      assert.deepEqual(kem.privateKey, seed);
      assert.deepEqual(cipherText, cipherTextCopy);
    });

    it('sizes outside the interface throw typed errors', () => {
      const key = provider.randomBytes(32);
      expectCryptoError('invalid-length', () => provider.hkdfExpand('SHA-256', key, key, 255 * 32 + 1));
      expectCryptoError('invalid-length', () => provider.hkdfExpand('SHA-256', key, key, -1));
      assert.equal(provider.hkdfExpand('SHA-256', key, key, 255 * 32).length, 255 * 32);
      assert.equal(provider.hkdfExpand('SHA-256', key, key, 0).length, 0);
      // RFC 5869 §2.3: PRK has at least HashLen bytes.
      expectCryptoError('invalid-length', () => provider.hkdfExpand('SHA-256', key.subarray(1), key, 32));
      expectCryptoError('invalid-length', () => provider.hkdfExpand('SHA-384', key, key, 48));
      expectCryptoError('invalid-length', () => provider.aeadSeal('AES-128-GCM', key, key.subarray(0, 12), key, key));
      expectCryptoError('invalid-length', () => provider.aeadSeal('AES-256-GCM', key, key.subarray(0, 8), key, key));
      expectCryptoError('aead-auth', () => provider.aeadOpen('AES-256-GCM', key, key.subarray(0, 12), key.subarray(0, 15), key));
      expectCryptoError('unsupported', () => provider.hash('SHA-1' as never, key));
      expectCryptoError('unsupported', () => provider.aeadSeal('AES-192-GCM' as never, key, key.subarray(0, 12), key, key));
      expectCryptoError('invalid-length', () => provider.hash('SHA-256', 'abc' as unknown as Uint8Array));
      expectCryptoError('invalid-length', () => provider.mlkem768.keygen(new Uint8Array(63)));
    });

    it('AEAD open failures leak no plaintext and no key bytes', () => {
      const key = provider.randomBytes(32);
      const nonce = provider.randomBytes(12);
      const sealed = provider.aeadSeal('AES-256-GCM', key, nonce, text('secret plaintext'), new Uint8Array(0));
      sealed[3]! ^= 0x40;
      assertNoLeak(() => provider.aeadOpen('AES-256-GCM', key, nonce, sealed, new Uint8Array(0)), key);
      assertNoLeak(() => provider.aeadOpen('AES-256-GCM', key, nonce, sealed, new Uint8Array(0)), text('secret plaintext'));
    });

    it('errors from bad private keys never contain the key bytes', () => {
      const cases: [() => unknown, Uint8Array][] = [];
      const tooLong = provider.randomBytes(33);
      cases.push([() => provider.dh('X25519', tooLong, new Uint8Array(32)), tooLong]);
      cases.push([() => provider.sign('Ed25519', tooLong, text('m')), tooLong]);
      const x = provider.dhGenerate('X25519');
      cases.push([() => provider.dh('X25519', x.privateKey, new Uint8Array(32)), x.privateKey]);
      const overOrder = new Uint8Array(32).fill(0xff);
      overOrder[31] = 0x17; // fixed, distinctive bytes above n
      cases.push([() => provider.dh('P-256', overOrder, provider.dhGenerate('P-256').publicKey), overOrder]);
      cases.push([() => provider.sign('ECDSA-P256-SHA256', overOrder, text('m')), overOrder]);
      cases.push([() => provider.signaturePublicKey('ECDSA-P256-SHA256', overOrder), overOrder]);
      const p = provider.dhGenerate('P-384');
      const offCurve = provider.dhGenerate('P-384').publicKey;
      offCurve[offCurve.length - 1]! ^= 1;
      cases.push([() => provider.dh('P-384', p.privateKey, offCurve), p.privateKey]);
      const expanded = new Uint8Array(2400).fill(0x5a);
      cases.push([() => provider.mlkem768.decapsulate(new Uint8Array(1088), expanded), expanded]);
      const seed = provider.randomBytes(65);
      cases.push([() => provider.mlkem768.decapsulate(new Uint8Array(1088), seed), seed]);
      for (const [fn, secret] of cases) assertNoLeak(fn, secret);
    });

    it('a key array overwritten in place is used with its new bytes (no stale cached key)', () => {
      for (const algorithm of ['Ed25519', 'ECDSA-P256-SHA256'] as const) {
        const first = provider.signatureGenerate(algorithm);
        const second = provider.signatureGenerate(algorithm);
        const key = first.privateKey.slice();
        provider.sign(algorithm, key, text('m')); // may populate a cache
        key.set(second.privateKey);
        assert.deepEqual(provider.signaturePublicKey(algorithm, key), second.publicKey);
        const signature = provider.sign(algorithm, key, text('m'));
        assert.equal(provider.verify(algorithm, second.publicKey, text('m'), signature), true);
        assert.equal(provider.verify(algorithm, first.publicKey, text('m'), signature), false);
      }
      const a = provider.dhGenerate('X25519');
      const b = provider.dhGenerate('X25519');
      const peer = provider.dhGenerate('X25519');
      const key = a.privateKey.slice();
      const peerPublic = peer.publicKey.slice();
      provider.dh('X25519', key, peerPublic);
      key.set(b.privateKey);
      assert.deepEqual(provider.dh('X25519', key, peerPublic), provider.dh('X25519', b.privateKey, peer.publicKey));
      peerPublic.set(a.publicKey);
      assert.deepEqual(provider.dh('X25519', key, peerPublic), provider.dh('X25519', b.privateKey, a.publicKey));
    });
  });
}

describe('bytes.ts constantTimeEqual (portable)', () => {
  it('agrees with both providers on random inputs', () => {
    const providers: readonly CryptoProvider[] = PROVIDERS;
    for (let i = 0; i < 200; i++) {
      const a = providers[0]!.randomBytes(i % 40);
      const b = i % 3 === 0 ? a.slice() : providers[0]!.randomBytes(i % 40);
      if (i % 5 === 0 && b.length > 0) b[b.length - 1]! ^= 1;
      const expected = toHex(a) === toHex(b);
      assert.equal(constantTimeEqual(a, b), expected);
      for (const p of providers) assert.equal(p.constantTimeEqual(a, b), expected);
    }
    expectCryptoError('invalid-length', () => constantTimeEqual('ab' as unknown as Uint8Array, new Uint8Array(2)));
  });
});
