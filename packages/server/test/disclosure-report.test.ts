/**
 * `sealed-server disclose <username>` against real data: the full scenario runs on a real
 * in-process server (SQLite, then PostgreSQL), the server stops, and the command reads the
 * data directory / schema it left. Text and JSON outputs, a normalised username, an unknown
 * one (exit 2), a malformed one (exit 2), usage errors and a missing database.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { toHex } from '@sealed/protocol/encoding';
import { runDisclose } from '../src/disclosure/cli.ts';
import { loadManifest } from '../src/disclosure/manifest.ts';
import { REPORTED_TABLES, type DisclosureReport } from '../src/disclosure/report.ts';
import { openPostgresBlobStore } from '../src/storage/postgres/blob-store.ts';
import { openPostgresStorage } from '../src/storage/postgres/open.ts';
import { SCENARIO_FLAGS, runScenario, type ScenarioResult } from './disclosure-scenario.ts';
import { startHarness } from './support/harness.ts';
import { requirePostgres, testSchema, type TestSchema } from './support/services.ts';

const BIN = fileURLToPath(new URL('../bin/sealed-server.mjs', import.meta.url));
/** A CLI run (tsx start-up included) must finish within this. */
const CLI_TIMEOUT_MS = 60_000;
const today = () => new Date().toISOString().slice(0, 10);

/** The real command, as an operator runs it, with no SEALED_* variables from the environment. */
function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SEALED_') && k !== 'NODE_TEST_CONTEXT'));
  const r = spawnSync(process.execPath, [BIN, 'disclose', ...args], { encoding: 'utf8', timeout: CLI_TIMEOUT_MS, env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** In-process run (PostgreSQL tests: no child needed to prove the same code path). */
async function inProcess(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await runDisclose(args, {}, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { status, stdout, stderr };
}

/** What the scenario left for Bob, as the report must state it. */
function assertBobReport(r: DisclosureReport, s: ScenarioResult, storage: 'sqlite' | 'postgres'): void {
  const [phone, laptop] = s.bob.devices;
  assert.equal(r.reportVersion, 1);
  assert.equal(r.storage, storage);
  assert.equal(r.username, s.bob.username);
  assert.deepEqual(r.account, { createdDay: today(), lastConnectionDay: today(), identityKey: toHex(s.bob.identity.publicKey) });
  assert.deepEqual(r.devices, {
    count: 2,
    list: [phone!, laptop!].map((d) => ({ id: toHex(d.id), publicKey: toHex(d.key.publicKey), addedDay: today() })),
  });
  assert.equal(r.queuedEntries, s.laptopQueued);
  assert.equal(r.alsoHeld.accountId, s.bob.accountId);
  assert.equal(r.alsoHeld.deviceList.version, 2);
  const [p, l] = r.alsoHeld.perDevice;
  // Phone: got 2 entries and acknowledged both; one session (registration); 3 key packages
  // minus the claimed one, plus last resort; one accepted send (the stale commit wrote nothing).
  assert.deepEqual([p!.entriesEverQueued, p!.queue.count, p!.queue.bytes, p!.queue.oldestReceivedAt], [2, 0, 0, null]);
  assert.deepEqual([p!.sessions.count, p!.sessions.expiresAt.length, p!.keyPackages, p!.lastResortKeyPackage, p!.sendRecords.count], [1, 1, 2, true, 1]);
  // Laptop: offline, both entries still queued (one application message, one commit).
  assert.deepEqual([l!.entriesEverQueued, l!.queue.count, l!.queue.byKind, l!.queue.bytes], [2, 2, { application: 1, commit: 1 }, 6]);
  assert.ok(l!.queue.oldestReceivedAt!.startsWith(today()) && l!.queue.newestReceivedAt!.startsWith(today()));
  assert.deepEqual([l!.sessions.count, l!.keyPackages, l!.lastResortKeyPackage, l!.sendRecords.count], [1, 1, false, 0]);
  // Exact timestamps are held: reported honestly, as findings.
  assert.equal(r.findings.length, 4, r.findings.join('\n'));
  for (const column of ['sessions.expires_at', 'idempotency.expires_at', 'queue.received_at', 'devices.next_seq']) {
    assert.ok(r.findings.some((f) => f.startsWith(column)), column);
  }
  assert.ok(r.notHeld.some((n) => n.startsWith('IP addresses')));
  // No secret or content: no token hash, no key package, no payload bytes reach the report.
  const text = JSON.stringify(r);
  assert.doesNotMatch(text, /c1c2|e001|e002/, 'no payload or key package bytes');
}

describe('the report covers every table keyed to a person', () => {
  it('REPORTED_TABLES = the manifest tables whose subject is an account or a device', () => {
    const keyed = loadManifest().tables.filter((t) => t.subject !== 'none').map((t) => t.name);
    assert.deepEqual([...REPORTED_TABLES].sort(), keyed.sort());
  });
});

describe('sealed-server disclose on a real SQLite data directory', () => {
  let dir: string;
  let scenario: ScenarioResult;
  let live: { status: number; stdout: string; stderr: string };
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sealed-disclose-'));
    const h = await startHarness(SCENARIO_FLAGS, { dir });
    try {
      scenario = await runScenario(h.server.url, 'rep');
      // While the server still runs (WAL: a reader beside the writer).
      live = await inProcess(['--json', '--data-dir', dir, scenario.bob.username]);
    } finally {
      await h.cleanup();
    }
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('--json: exactly what the server holds about the account', () => {
    const r = cli(['--json', '--data-dir', dir, scenario.bob.username]);
    assert.equal(r.status, 0, r.stderr);
    assertBobReport(JSON.parse(r.stdout) as DisclosureReport, scenario, 'sqlite');
  });

  it('works beside a running server: the same report as after shutdown', () => {
    assert.equal(live.status, 0, live.stderr);
    assertBobReport(JSON.parse(live.stdout) as DisclosureReport, scenario, 'sqlite');
  });

  it('no column of a table keyed to a person holds a time to the millisecond; coarse ones are named in the findings', () => {
    const report = JSON.parse(live.stdout) as DisclosureReport;
    const tables = loadManifest().tables.filter((t) => t.subject !== 'none');
    const exact = tables.flatMap((t) => t.columns.filter((c) => c.precision === 'millisecond').map((c) => `${t.name}.${c.name}`));
    assert.deepEqual(exact, []);
    for (const column of ['sessions.expires_at', 'idempotency.expires_at', 'queue.received_at']) {
      assert.ok(report.findings.some((f) => f.startsWith(column)), `${column} is held but not reported`);
    }
  });

  it('text: the requested data first, then everything else held, then findings', () => {
    const r = cli([`--data-dir=${dir}`, scenario.bob.username.toUpperCase()]);
    assert.equal(r.status, 0, r.stderr);
    const [phone, laptop] = scenario.bob.devices;
    const out = r.stdout;
    assert.match(out, new RegExp(`^Sealed server disclosure for account "${scenario.bob.username}" \\(storage: sqlite`));
    assert.match(out, new RegExp(`Account created: +${today()} \\(day only\\)`));
    assert.match(out, new RegExp(`Last connection: +${today()} \\(day only\\)`));
    assert.match(out, /Devices: +2\n/);
    assert.match(out, new RegExp(`1\\. device ${toHex(phone!.id)}  public key ${toHex(phone!.key.publicKey)}  added ${today()}`));
    assert.match(out, new RegExp(`2\\. device ${toHex(laptop!.id)}  public key ${toHex(laptop!.key.publicKey)}  added ${today()}`));
    assert.match(out, /Queued entries: +2 /);
    assert.match(out, /queued now: 2 \(1 application, 1 commit\), 6 bytes, received /);
    assert.match(out, /Findings[^\n]*\n {2}- sessions\.expires_at/);
    console.log(out);
  });

  it('Alice: her own account, one device, nothing queued, two send records (the retry wrote none)', () => {
    const r = cli(['--json', '--data-dir', dir, scenario.alice.username]);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as DisclosureReport;
    assert.deepEqual([report.devices.count, report.queuedEntries, report.alsoHeld.perDevice[0]!.sendRecords.count], [1, 0, 2]);
  });

  it('an unknown username: typed error, exit 2, nothing on stdout (JSON error with --json)', () => {
    const r = cli(['--data-dir', dir, 'nobody.here']);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^sealed-server disclose: unknown-account: no account "nobody\.here"\n$/);
    const j = cli(['--json', '--data-dir', dir, 'nobody.here']);
    assert.equal(j.status, 2);
    assert.deepEqual(JSON.parse(j.stdout), { error: { code: 'unknown-account', message: 'no account "nobody.here"' } });
  });

  it('malformed usernames: typed error, exit 2, the database is not even asked', async () => {
    const r = cli(['--data-dir', dir, 'b@d!']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /invalid-username: not a valid username \(invalid-characters\)/);
    for (const [name, reason] of [['ab', 'too-short'], ['x'.repeat(33), 'too-long'], ['a'.repeat(129), 'too-long-input'], ['-lead', 'invalid-characters']] as const) {
      const j = await inProcess(['--json', '--data-dir', join(dir, 'no-such-dir'), name]);
      assert.equal(j.status, 2, name);
      assert.deepEqual(JSON.parse(j.stdout), { error: { code: 'invalid-username', message: `not a valid username (${reason})` } });
    }
  });

  it('usage errors exit 2; a directory without a database exits 1; --help exits 0', async () => {
    assert.equal((await inProcess(['--data-dir', dir])).status, 2);
    assert.match((await inProcess(['a.b', 'c.d'])).stderr, /usage: give exactly one username/);
    assert.match((await inProcess(['--bus', 'nats', 'alice'])).stderr, /usage: unknown option --bus/);
    assert.match((await inProcess(['--storage', 'mysql', 'alice'])).stderr, /usage: --storage/);
    assert.match((await inProcess(['--data-dir'])).stderr, /usage: --data-dir needs a value/);
    const empty = mkdtempSync(join(tmpdir(), 'sealed-disclose-empty-'));
    try {
      const r = await inProcess(['--data-dir', empty, 'alice']);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /no-data: no Sealed database in /);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
    const help = await inProcess(['--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^Usage: sealed-server disclose/);
  });
});

describe('sealed-server disclose on a real PostgreSQL schema', () => {
  let ts: TestSchema;
  let scenario: ScenarioResult;
  let url: string;
  before(async () => {
    await requirePostgres();
    ts = testSchema('disclose');
    url = `${ts.url}?schema=${ts.schema}`;
    const storage = await openPostgresStorage({ url: ts.url, schema: ts.schema, poolSize: 4 });
    const h = await startHarness(SCENARIO_FLAGS, { storage, blobs: openPostgresBlobStore(storage) });
    try {
      scenario = await runScenario(h.server.url, 'pgrep');
    } finally {
      await h.cleanup();
    }
  });
  after(async () => {
    await ts?.drop();
  });

  it('--json: the same report from PostgreSQL rows', async () => {
    const r = await inProcess(['--json', '--storage', 'postgres', '--postgres-url', url, scenario.bob.username]);
    assert.equal(r.status, 0, r.stderr);
    assertBobReport(JSON.parse(r.stdout) as DisclosureReport, scenario, 'postgres');
  });

  it('text output through the real command; unknown account exits 2', () => {
    const r = cli(['--storage', 'postgres', '--postgres-url', url, scenario.bob.username]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /storage: postgres/);
    assert.match(r.stdout, /Devices: +2\n/);
    const unknown = cli(['--storage', 'postgres', '--postgres-url', url, 'nobody.here']);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown-account/);
  });

  it('a schema that does not exist: no-data, exit 1; unreachable PostgreSQL: exit 1', async () => {
    const r = await inProcess(['--storage', 'postgres', '--postgres-url', `${ts.url}?schema=t_no_such_schema`, 'alice']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no-data/);
    const down = await inProcess(['--storage', 'postgres', '--postgres-url', 'postgres://postgres@127.0.0.1:1/test', 'alice']);
    assert.equal(down.status, 1);
    assert.match(down.stderr, /unreachable: PostgreSQL unreachable at 127\.0\.0\.1:1\/test/);
  });
});
