/** The key-transparency store conformance suite on PostgreSQL (a schema per test, dropped after). */
import { before } from 'node:test';
import { openPostgresStorage } from '../../src/storage/postgres/open.ts';
import type { Storage } from '../../src/storage/storage.ts';
import { requirePostgres, testSchema } from '../support/services.ts';
import { ktStoreConformance } from './kt-store-conformance.ts';
import { ktRestoreSuite } from './kt-restore-suite.ts';

before(requirePostgres);

async function openPg(): Promise<Storage> {
  const ts = testSchema('kt');
  const storage = await openPostgresStorage({ url: ts.url, schema: ts.schema, poolSize: 2 });
  return {
    ...storage,
    close: async () => {
      await storage.close();
      await ts.drop();
    },
  };
}

ktStoreConformance('postgres', openPg);
ktRestoreSuite('postgres', openPg);
