// RFC 9420 §12.4.2 (a long random sequence of commits in a growing and shrinking group),
// against the official passive-client-random.json, every case, every suite.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadVectors } from '../../../../tools/testvectors.ts';
import { type PassiveClientVector, passiveStep, runPassiveClient } from '../group/passive-client.ts';
import { PROVIDERS } from './providers.ts';

const vectors = loadVectors<PassiveClientVector[]>('mls/passive-client-random.json');

for (const provider of PROVIDERS) {
  test(`passive-client-random.json (${provider.name}): ${vectors.length} cases`, () => {
    const suites = new Set<number>();
    let epochs = 0;
    for (const [index, v] of vectors.entries()) {
      epochs += runPassiveClient(provider, v, index, passiveStep);
      suites.add(v.cipher_suite);
    }
    assert.ok(epochs > 0);
    console.log(`passive-client-random (${provider.name}): ${vectors.length} cases, ${epochs} epochs, suites ${[...suites].join(',')}`);
  });
}
