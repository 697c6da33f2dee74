import { MemoryVaultStorage } from '../../src/store/memory/memory-vault-storage.ts';
import { runStoreConformance } from './conformance.ts';

runStoreConformance('memory', async () => {
  const storage = new MemoryVaultStorage();
  return { storage, reopen: () => storage, cleanup: async () => undefined };
});
