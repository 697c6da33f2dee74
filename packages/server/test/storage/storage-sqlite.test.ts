/** Runs the storage conformance suite against SQLite (a real file in a temp dir per test). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { openSqliteStorage } from '../../src/storage/sqlite/open.ts';
import { runStorageConformance } from './conformance.ts';

const root = mkdtempSync(join(tmpdir(), 'sealed-sqlite-conformance-'));
after(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
runStorageConformance('sqlite', () => openSqliteStorage({ dataDir: join(root, String(n++)) }));
