// The crypto providers the MLS vector suites run against: node:crypto (the fast path) and
// @noble/* (the browser path). Every vector suite runs with both, so a divergence between
// them shows up as a failing vector.
import type { CryptoProvider } from '@sealed/crypto/provider';
import { nobleProvider } from '@sealed/crypto/noble/provider';
import { nodeProvider } from '@sealed/crypto/node/provider';

export const PROVIDERS: readonly CryptoProvider[] = [nodeProvider, nobleProvider];

/**
 * The cipher suites the slowest vector files (treekem, tree-validation, passive clients)
 * also run under the pure-JavaScript provider. Suites 4-7 use X448, P-521 and P-384, whose
 * noble arithmetic turns those files into minutes of CPU; the node provider runs every
 * suite of them, and the noble provider runs every suite in the other vector files, so a
 * divergence in those curves still shows. Suites 1-3 cover noble's X25519, P-256, Ed25519,
 * ECDSA, AES-GCM and ChaCha20-Poly1305 paths in the tree code.
 */
const NOBLE_HEAVY_SUITES: ReadonlySet<number> = new Set([1, 2, 3]);

/** Whether a vector of `cipherSuite` runs under `provider` in the heavy vector files. */
export function runsHeavySuite(provider: CryptoProvider, cipherSuite: number): boolean {
  return provider.name === 'node' || NOBLE_HEAVY_SUITES.has(cipherSuite);
}

/** How many distinct suites a heavy vector file must have covered under `provider`. */
export function expectedHeavySuiteCount(provider: CryptoProvider): number {
  return provider.name === 'node' ? 7 : NOBLE_HEAVY_SUITES.size;
}
