import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectoryVaultStorage } from '../../src/store/node/directory-vault-storage.ts';
import { runStoreConformance } from './conformance.ts';

runStoreConformance('sqlite directory', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'sealed-vault-conformance-'));
  return {
    storage: new DirectoryVaultStorage(directory),
    reopen: () => new DirectoryVaultStorage(directory),
    cleanup: async () => rmSync(directory, { recursive: true, force: true }),
  };
});
