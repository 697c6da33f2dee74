// RFC 9420 §8.4 PSK secret against the official `psk_secret.json` vectors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encode } from '../../src/codec/writer.ts';
import { hex, loadVectors, toHex } from '../../../../tools/testvectors.ts';
import { cipherSuite } from '../../src/crypto/cipher-suite.ts';
import { MlsCryptoError } from '../../src/crypto/errors.ts';
import { pskSecret } from '../../src/key-schedule/psk-secret.ts';
import { encodePreSharedKeyID } from '../../src/structs/psk.ts';
import { MAX_PSKS } from '../../src/structs/limits.ts';
import { PROVIDERS } from './providers.ts';

interface PskSecretVector {
  cipher_suite: number;
  psks: { psk_id: string; psk: string; psk_nonce: string }[];
  psk_secret: string;
}

const vectors = loadVectors<PskSecretVector[]>('mls/psk_secret.json');

for (const provider of PROVIDERS) {
  test(`psk_secret.json (${provider.name}): ${vectors.length} cases`, () => {
    const suites = new Set<number>();
    const counts = new Set<number>();
    for (const v of vectors) {
      const suite = cipherSuite(v.cipher_suite, provider);
      suites.add(suite.id);
      counts.add(v.psks.length);
      const psks = v.psks.map((p) => ({
        encodedId: encode(encodePreSharedKeyID, { type: 'external', pskId: hex(p.psk_id), pskNonce: hex(p.psk_nonce) }),
        psk: hex(p.psk),
      }));
      assert.equal(toHex(pskSecret(suite, psks)), v.psk_secret, `suite ${v.cipher_suite}, ${v.psks.length} PSKs`);
    }
    assert.deepEqual([...suites].sort(), [1, 2, 3, 4, 5, 6, 7]);
    assert.ok(counts.has(0), 'the empty list (all-zero psk_secret) is covered');
    console.log(`psk_secret (${provider.name}): ${vectors.length} cases`);
  });
}

test('psk secret: more than MAX_PSKS is refused before any derivation', () => {
  const suite = cipherSuite(1, PROVIDERS[0]!);
  const psks = Array.from({ length: MAX_PSKS + 1 }, () => ({ encodedId: new Uint8Array(4), psk: new Uint8Array(32) }));
  assert.throws(() => pskSecret(suite, psks), (e: unknown) => e instanceof MlsCryptoError && e.code === 'too-many-psks');
  assert.deepEqual(pskSecret(suite, []), new Uint8Array(32));
});
