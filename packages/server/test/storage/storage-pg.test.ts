/**
 * Runs the shared storage conformance suite against PostgreSQL. Each fresh storage gets a
 * schema of its own (dropped when the suite closes it), so this file can run in parallel
 * with any other. Fails (never skips) when PostgreSQL is down.
 */
import { before } from 'node:test';
import { openPostgresStorage } from '../../src/storage/postgres/open.ts';
import type { Storage } from '../../src/storage/storage.ts';
import { requirePostgres, testSchema } from '../support/services.ts';
import { runStorageConformance } from './conformance.ts';

before(requirePostgres);

runStorageConformance('postgres', async (): Promise<Storage> => {
  const ts = testSchema('conf');
  const storage = await openPostgresStorage({ url: ts.url, schema: ts.schema, poolSize: 4 });
  return {
    ...storage,
    close: async () => {
      await storage.close();
      await ts.drop();
    },
  };
});
