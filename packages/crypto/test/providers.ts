/** Both providers, for tests that must run every case against each of them in one run. */
import type { CryptoProvider } from '../src/provider.ts';
import { nobleProvider } from '../src/noble/provider.ts';
import { nodeProvider } from '../src/node/provider.ts';

export const PROVIDERS: readonly CryptoProvider[] = [nodeProvider, nobleProvider];
