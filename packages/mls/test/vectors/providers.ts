// The crypto providers the MLS vector suites run against. Every suite runs with every
// provider listed here, so a divergence between node:crypto and @noble/* shows up as a
// failing vector.
import type { CryptoProvider } from '@sealed/crypto/provider';
import { nobleProvider } from '@sealed/crypto/noble/provider';

export const PROVIDERS: readonly CryptoProvider[] = [nobleProvider];
