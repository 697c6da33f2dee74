/**
 * The storage conformance suite: every back end (SQLite, PostgreSQL) must pass it.
 * Usage from a test file:
 *   runStorageConformance('sqlite', async () => openSqliteStorage({ dataDir: tmp() }));
 * `open` must return a fresh, empty storage each time; the suite closes it.
 */
import { describe } from 'node:test';
import type { OpenStorage } from './fixtures.ts';
import { accountConformance } from './conformance-accounts.ts';
import { keyPackageConformance } from './conformance-key-packages.ts';
import { queueConformance } from './conformance-queue.ts';

export type { OpenStorage } from './fixtures.ts';

export function runStorageConformance(name: string, open: OpenStorage): void {
  describe(`storage conformance: ${name}`, () => {
    accountConformance(open);
    keyPackageConformance(open);
    queueConformance(open);
  });
}
