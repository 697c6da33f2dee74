/**
 * X-Wing (draft-connolly-cfrg-xwing-kem) on every provider: the vectors of
 * ../shared/testvectors/xwing/test-vectors.json (pk from seed; Encaps with eseed gives ct
 * and ss; Decaps recovers ss), and proof that X-Wing runs on the provider's own X25519 and
 * ML-KEM-768 rather than a private implementation.
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { hex, loadVectors, toHex } from '../../../tools/testvectors.ts';
import { XWING } from '../src/kem/xwing.ts';
import type { CryptoProvider, DhAlgorithm } from '../src/provider.ts';
import { PROVIDERS } from './providers.ts';

interface XWingVector {
  seed: string;
  sk: string;
  pk: string;
  eseed: string;
  ct: string;
  ss: string;
}

const vectors = loadVectors<XWingVector[]>('xwing/test-vectors.json');

/** Wraps a provider and counts the X25519 and ML-KEM calls that pass through it. */
function countingProvider(inner: CryptoProvider): { provider: CryptoProvider; counts: Record<string, number> } {
  const counts: Record<string, number> = { dh: 0, dhPublicKey: 0, keygen: 0, encapsulate: 0, decapsulate: 0 };
  const bump = (name: string): void => {
    counts[name] = (counts[name] ?? 0) + 1;
  };
  const provider: CryptoProvider = {
    ...inner,
    name: inner.name,
    randomBytes: (n) => inner.randomBytes(n),
    hash: (a, d) => inner.hash(a, d),
    sha3_256: (d) => inner.sha3_256(d),
    shake256: (d, n) => inner.shake256(d, n),
    dh: (a: DhAlgorithm, sk, pk) => {
      if (a === 'X25519') bump('dh');
      return inner.dh(a, sk, pk);
    },
    dhPublicKey: (a: DhAlgorithm, sk) => {
      if (a === 'X25519') bump('dhPublicKey');
      return inner.dhPublicKey(a, sk);
    },
    mlkem768: {
      keygen: (seed) => (bump('keygen'), inner.mlkem768.keygen(seed)),
      encapsulate: (pk, m) => (bump('encapsulate'), inner.mlkem768.encapsulate(pk, m)),
      decapsulate: (ct, sk) => (bump('decapsulate'), inner.mlkem768.decapsulate(ct, sk)),
    },
  };
  return { provider, counts };
}

it('runs every case on both providers (node:crypto and @noble)', () => {
  assert.deepEqual(PROVIDERS.map((p) => p.name).sort(), ['noble', 'node']);
});

for (const provider of PROVIDERS) {
  describe(`X-Wing vectors (${provider.name})`, () => {
    let run = 0;
    after(() => {
      console.log(`xwing/test-vectors.json (${provider.name}): ${run} cases`);
      assert.equal(run, vectors.length);
      assert.ok(run >= 3);
    });

    for (const [index, v] of vectors.entries()) {
      it(`#${index}: pk from seed, Encaps(pk, eseed) = (ct, ss), Decaps(ct, sk) = ss`, () => {
        assert.equal(v.sk, v.seed); // the decapsulation key is the 32-byte seed
        assert.equal(toHex(XWING.publicKeyFromPrivate(provider, hex(v.seed))), v.pk);
        const { enc, sharedSecret } = XWING.encapsulate(provider, hex(v.pk), hex(v.eseed));
        assert.equal(toHex(enc), v.ct);
        assert.equal(toHex(sharedSecret), v.ss);
        assert.equal(toHex(XWING.decapsulate(provider, hex(v.ct), hex(v.sk))), v.ss);
        run++;
      });
    }

    it('uses the provider X25519 and ML-KEM-768 for every operation', () => {
      const { provider: counting, counts } = countingProvider(provider);
      const v = vectors[0] as XWingVector;
      XWING.encapsulate(counting, hex(v.pk), hex(v.eseed));
      assert.deepEqual(counts, { dh: 1, dhPublicKey: 1, keygen: 0, encapsulate: 1, decapsulate: 0 });
      XWING.decapsulate(counting, hex(v.ct), hex(v.sk));
      assert.deepEqual(counts, { dh: 2, dhPublicKey: 2, keygen: 0, encapsulate: 1, decapsulate: 1 });
      XWING.publicKeyFromPrivate(counting, hex(v.seed));
      assert.deepEqual(counts, { dh: 2, dhPublicKey: 3, keygen: 1, encapsulate: 1, decapsulate: 1 });
    });

    it('random round trip; a flipped ciphertext byte changes the secret (implicit rejection or combiner)', () => {
      const { privateKey, publicKey } = XWING.generateKeyPair(provider);
      assert.equal(privateKey.length, 32);
      assert.equal(publicKey.length, 1216);
      const { enc, sharedSecret } = XWING.encapsulate(provider, publicKey);
      assert.deepEqual(XWING.decapsulate(provider, enc, privateKey), sharedSecret);
      for (const position of [0, 1087, 1088 + 5]) {
        const tampered = enc.slice();
        tampered[position] = (tampered[position] as number) ^ 0x01;
        assert.notDeepEqual(XWING.decapsulate(provider, tampered, privateKey), sharedSecret);
      }
    });
  });
}
