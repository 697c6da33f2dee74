/** The key-transparency store conformance suite on SQLite (a real file per test). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { openSqliteStorage } from '../../src/storage/sqlite/open.ts';
import { ktStoreConformance } from './kt-store-conformance.ts';
import { ktRestoreSuite } from './kt-restore-suite.ts';

const root = mkdtempSync(join(tmpdir(), 'sealed-kt-store-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
ktStoreConformance('sqlite', () => openSqliteStorage({ dataDir: join(root, String(n++)) }));
ktRestoreSuite('sqlite', () => openSqliteStorage({ dataDir: join(root, String(n++)) }));
