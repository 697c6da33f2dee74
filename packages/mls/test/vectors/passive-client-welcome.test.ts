// RFC 9420 §12.4.3.1: joining via Welcome (with and without the ratchet_tree extension,
// with PSKs), against the official passive-client-welcome.json, every case, every suite.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadVectors } from '../../../../tools/testvectors.ts';
import { type PassiveClientVector, runPassiveClient } from '../group/passive-client.ts';
import { PROVIDERS } from './providers.ts';

const vectors = loadVectors<PassiveClientVector[]>('mls/passive-client-welcome.json');

for (const provider of PROVIDERS) {
  test(`passive-client-welcome.json (${provider.name}): ${vectors.length} cases`, () => {
    const suites = new Set<number>();
    let withTree = 0;
    for (const [index, v] of vectors.entries()) {
      assert.equal(v.epochs.length, 0, `case ${index}: welcome-only vectors have no epochs`);
      runPassiveClient(provider, v, index);
      suites.add(v.cipher_suite);
      if (v.ratchet_tree !== null) withTree++;
    }
    console.log(`passive-client-welcome (${provider.name}): ${vectors.length} cases (${withTree} with an out-of-band tree), suites ${[...suites].join(',')}`);
  });
}
