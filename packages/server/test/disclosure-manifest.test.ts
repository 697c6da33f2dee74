/**
 * The disclosure manifest stays true: a full scenario runs against a real in-process server
 * on SQLite and on PostgreSQL; then the real schemas, every stored value, the data files, the
 * captured log stream and /metrics are compared with the manifest in both directions, and no
 * IP address may appear in any stored row or log line. PostgreSQL down = FAIL, never skip.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { OPTIONS } from '../src/config.ts';
import { loadManifest, type Manifest } from '../src/disclosure/manifest.ts';
import { openPostgresBlobStore } from '../src/storage/postgres/blob-store.ts';
import { openPostgresStorage } from '../src/storage/postgres/open.ts';
import { SQLITE_FILE_NAME } from '../src/storage/sqlite/open.ts';
import { migrate } from '../src/storage/sqlite/db.ts';
import { SqliteKtStore } from '../src/transparency/sqlite-kt-store.ts';
import { fileProblems, functionProblems, logProblems, metricProblems, schemaProblems } from './disclosure-checks.ts';
import { SCENARIO_FLAGS, fileHoldsIpText, holdsIp, listFiles, pgSchema, pgValues, runScenario, sqliteSchema, sqliteValues, type ScenarioResult } from './disclosure-scenario.ts';
import { startHarness, type Harness } from './support/harness.ts';
import { requirePostgres, testSchema, type TestSchema } from './support/services.ts';

const manifest: Manifest = loadManifest();

describe('disclosure manifest vs a real server on SQLite', () => {
  let dir: string;
  let h: Harness;
  let scenario: ScenarioResult;
  let file: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sealed-disclosure-'));
    h = await startHarness(SCENARIO_FLAGS, { dir });
    scenario = await runScenario(h.server.url, 'sqlite');
    file = join(dir, SQLITE_FILE_NAME);
  });
  after(async () => {
    await h?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('every table and column (sqlite_master, PRAGMA table_info) is listed, and everything listed exists', () => {
    const { tables, others } = sqliteSchema(file);
    assert.deepEqual(schemaProblems(manifest, 'sqlite', tables), []);
    assert.deepEqual(others, [], 'no views or triggers');
    console.log(`sqlite: ${tables.size} tables, ${[...tables.values()].reduce((n, c) => n + c.size, 0)} columns checked`);
  });

  it('no stored value holds an IP address, and neither do the raw database files', () => {
    const values = sqliteValues(file);
    assert.ok(values.length > 50, 'the scenario stored rows');
    assert.deepEqual(values.filter((v) => holdsIp(v.value)).map((v) => `${v.table}.${v.column}`), []);
    for (const f of listFiles(dir).filter((f) => f.startsWith(SQLITE_FILE_NAME))) assert.equal(fileHoldsIpText(join(dir, f)), false, f);
  });

  it('every file in the data directory is listed', () => {
    const files = listFiles(dir);
    assert.ok(files.includes(SQLITE_FILE_NAME) && files.some((f) => f.startsWith('attachments')), files.join(', '));
    assert.deepEqual(fileProblems(manifest, 'sqlite', files), []);
  });

  it('every captured log field is listed, none redacted, no IP address (log level debug, the most verbose)', () => {
    assert.ok(h.logLines.length > 20, 'requests were logged');
    assert.deepEqual(logProblems(manifest, h.logLines), []);
  });

  it('every metric family and label is listed, every listed one exported, no identifying label value', () => {
    assert.deepEqual(metricProblems(manifest, scenario.metrics), []);
  });

  it('the manifest states the default log level the server really uses', () => {
    assert.equal(OPTIONS.find((o) => o.flag === '--log-level')?.default, manifest.logs.defaultLevel);
  });
});

describe('disclosure manifest vs a real server on PostgreSQL', () => {
  let ts: TestSchema;
  let h: Harness;
  let scenario: ScenarioResult;
  before(async () => {
    await requirePostgres();
    ts = testSchema('disclosure');
    const storage = await openPostgresStorage({ url: ts.url, schema: ts.schema, poolSize: 4 });
    h = await startHarness(SCENARIO_FLAGS, { storage, blobs: openPostgresBlobStore(storage) });
    scenario = await runScenario(h.server.url, 'pg');
  });
  after(async () => {
    await h?.cleanup();
    await ts?.drop();
  });

  it('every table and column (information_schema) and function is listed, and everything listed exists', async () => {
    const { tables, functions } = await pgSchema(ts.url, ts.schema);
    assert.deepEqual(schemaProblems(manifest, 'postgres', tables), []);
    assert.deepEqual(functionProblems(manifest, 'postgres', functions), []);
    console.log(`postgres: ${tables.size} tables, ${[...tables.values()].reduce((n, c) => n + c.size, 0)} columns checked`);
  });

  it('no stored value holds an IP address', async () => {
    const values = await pgValues(ts.url, ts.schema);
    assert.ok(values.length > 50, 'the scenario stored rows');
    assert.deepEqual(values.filter((v) => holdsIp(v.value)).map((v) => `${v.table}.${v.column}`), []);
  });

  it('every captured log field is listed, none redacted, no IP address', () => {
    assert.deepEqual(logProblems(manifest, h.logLines), []);
  });

  it('every metric family and label is listed, every listed one exported', () => {
    assert.deepEqual(metricProblems(manifest, scenario.metrics), []);
  });
});

describe('the checks notice drift (each would fail the suite)', () => {
  it('a new column, a new table, a dropped column', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sealed-disclosure-drift-'));
    try {
      const db = new Database(join(dir, 'x.sqlite'));
      migrate(db);
      new SqliteKtStore(db); // the key-transparency tables, as openSqliteStorage creates them
      db.exec('ALTER TABLE accounts ADD COLUMN registration_ip TEXT; CREATE TABLE audit (who TEXT)');
      db.close();
      const { tables } = sqliteSchema(join(dir, 'x.sqlite'));
      assert.deepEqual(schemaProblems(manifest, 'sqlite', tables).sort(), [
        'sqlite: column accounts.registration_ip is not in the manifest',
        'sqlite: table audit is not in the manifest',
      ]);
      tables.get('queue')!.delete('received_at');
      assert.deepEqual(schemaProblems(manifest, 'sqlite', tables).filter((p) => p.includes('received_at')), ['sqlite: manifest lists queue.received_at, which does not exist']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a log line with an unlisted field, a redaction, a client address', () => {
    const lines = [
      JSON.stringify({ time: 't', level: 'info', msg: 'm', event: 'http', peer: '[redacted]' }),
      JSON.stringify({ time: 't', level: 'info', msg: 'm', event: 'http', reason: 'from ::ffff:10.0.0.1' }),
      JSON.stringify({ time: 't', level: 'info', msg: 'listening', event: 'listening', host: '127.0.0.1' }),
    ];
    const problems = logProblems(manifest, lines);
    assert.equal(problems.length, 3, problems.join('\n'));
    assert.match(problems[0]!, /field peer is not in the manifest/);
    assert.match(problems[1]!, /field peer was redacted/);
    assert.match(problems[2]!, /IP address in field reason/);
  });

  it('an unlisted metric family or label, a missing one, an identifying label value', () => {
    const ok = metricProblems(manifest, '# TYPE sealed_ws_connections gauge\nsealed_ws_connections 0\n');
    assert.ok(ok.some((p) => /manifest lists sealed_http_requests_total/.test(p)));
    const bad = metricProblems(manifest, '# TYPE sealed_ws_connections gauge\nsealed_ws_connections{peer="127.0.0.1"} 1\n# TYPE sealed_x counter\nsealed_x 1\n');
    assert.ok(bad.includes('metrics: family sealed_x is not in the manifest'));
    assert.ok(bad.includes('metrics: label sealed_ws_connections{peer} is not in the manifest'));
    assert.ok(bad.some((p) => /identifying value 127\.0\.0\.1/.test(p)));
  });

  it('an IP address in a stored value, as text, ASCII bytes or raw bytes', () => {
    assert.equal(holdsIp('seen from 127.0.0.1'), true);
    assert.equal(holdsIp(new TextEncoder().encode('x ::1 y')), true);
    assert.equal(holdsIp(new Uint8Array([9, 127, 0, 0, 1, 9])), true);
    assert.equal(holdsIp(new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1])), true);
    assert.equal(holdsIp(new Uint8Array([1, 2, 3])), false);
    assert.equal(holdsIp(1_764_000_000_000), false);
  });
});
