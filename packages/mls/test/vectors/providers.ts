// The crypto providers the MLS vector suites run against: node:crypto (the fast path) and
// @noble/* (the browser path). Every vector suite runs with both, so a divergence between
// them shows up as a failing vector.
import type { CryptoProvider } from '@sealed/crypto/provider';
import { nobleProvider } from '@sealed/crypto/noble/provider';
import { nodeProvider } from '@sealed/crypto/node/provider';

export const PROVIDERS: readonly CryptoProvider[] = [nodeProvider, nobleProvider];
