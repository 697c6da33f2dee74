/**
 * The full scenario the disclosure tests run against a real in-process server (two
 * accounts, a linked device, key packages uploaded and claimed, messages sent and
 * acknowledged, an attachment, a commit with a stale epoch, a rate-limited burst), and the
 * readers that introspect what the server then holds: schemas, rows, data files, log lines
 * and /metrics. Loopback only; every loop is bounded.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { toBase64Url } from '@sealed/protocol/encoding';
import type { SendFrame } from '@sealed/protocol/frames/client';
import { parseAttachmentResponse, parseClaimResponse } from '@sealed/protocol/http';
import { newTestDevice, signedDeviceList, type TestDevice } from './support/identity.ts';
import { errorCode, http, register, signIn, tokenOf, type TestUser } from './support/harness.ts';
import { TestSocket } from './support/ws-client.ts';

/** Flags of the scenario's server: a low claim limit so the scenario can trip it. */
export const SCENARIO_FLAGS = ['--claim-per-minute', '5'];

export interface ScenarioResult {
  readonly alice: TestUser;
  /** Bob has two devices: [0] phone (online, acks everything), [1] laptop (never connects). */
  readonly bob: TestUser;
  readonly laptopToken: Uint8Array;
  /** Entries left in the laptop's queue. */
  readonly laptopQueued: number;
  /** /metrics text taken at the end. */
  readonly metrics: string;
}

const kp = (tag: number, i: number): string => toBase64Url(new Uint8Array([0xe0, tag, i]));

function send(to: readonly TestDevice[], requestId: number, over: Partial<SendFrame> = {}): SendFrame {
  return {
    type: 'send',
    requestId,
    clientMessageId: new Uint8Array(randomBytes(16)),
    kind: 'application',
    epoch: 0,
    groupId: new Uint8Array(32).fill(0x42),
    recipients: to.map((d) => d.id),
    payload: new Uint8Array([0xc1, 0xc2, requestId]),
    ...over,
  };
}

/** Runs the scenario against `base`; every step asserts its expected answer. */
export async function runScenario(base: string, suffix: string): Promise<ScenarioResult> {
  const alice = await register(base, `alice.${suffix}`);
  const bob = await register(base, `bob.${suffix}`);
  const phone = bob.devices[0]!;
  const aliceDevice = alice.devices[0]!;

  // Link a laptop to Bob's account with a list signed by his identity key.
  const laptop = newTestDevice();
  const linked = await http(base, 'PUT', '/v1/devices', { deviceList: toBase64Url(signedDeviceList(bob.username, bob.identity, 2, [phone, laptop])) }, tokenOf(bob));
  assert.equal(linked.status, 200, JSON.stringify(linked.json));
  bob.devices.push(laptop);
  bob.listVersion = 2;
  const laptopToken = await signIn(base, laptop);

  // Key packages: upload on every device (Bob's phone also a last-resort one), Alice claims Bob's.
  const upload = (token: Uint8Array, tag: number, n: number, lastResort?: string) =>
    http(base, 'POST', '/v1/key-packages', { keyPackages: Array.from({ length: n }, (_, i) => kp(tag, i)), ...(lastResort ? { lastResort } : {}) }, token);
  assert.equal((await upload(tokenOf(bob), 1, 3, kp(1, 99))).status, 200);
  assert.equal((await upload(laptopToken, 2, 2)).status, 200);
  assert.equal((await upload(tokenOf(alice), 3, 2)).status, 200);
  const claim = await http(base, 'POST', '/v1/key-packages/claim', { username: bob.username }, tokenOf(alice));
  assert.equal(parseClaimResponse(claim.json).keyPackages.length, 2);

  // Messages: Alice -> Bob's two devices; the phone is online and acknowledges, the laptop is offline.
  const a = await TestSocket.connect(base, tokenOf(alice));
  const b = await TestSocket.connect(base, tokenOf(bob));
  const first = send([phone, laptop], 1);
  a.send(first);
  assert.equal((await a.next('sent')).duplicate, false);
  const got1 = await b.entries(1);
  b.send({ type: 'ack', seqs: got1.map((e) => e.seq) });
  // A commit at the group's epoch wins and advances it...
  a.send(send([phone, laptop], 2, { kind: 'commit', epoch: 0 }));
  assert.equal((await a.next('sent')).epoch, 1);
  const got2 = await b.entries(1);
  b.send({ type: 'ack', seqs: got2.map((e) => e.seq) });
  // ...and Bob's commit at the same (now stale) epoch is refused with the current epoch.
  b.send(send([aliceDevice], 3, { kind: 'commit', epoch: 0 }));
  const stale = await b.next('error');
  assert.deepEqual([stale.code, stale.value], ['stale-epoch', 1]);
  b.send(send([aliceDevice], 4, { epoch: 1 }));
  await b.next('sent');
  const got3 = await a.entries(1);
  a.send({ type: 'ack', seqs: got3.map((e) => e.seq) });
  // A retry of the first send is a duplicate (and, answered after it, proves Alice's ack was handled).
  a.send({ ...first, requestId: 5 });
  assert.equal((await a.next('sent')).duplicate, true);

  // An attachment: Alice uploads, Bob downloads.
  const blob = new Uint8Array(3000).fill(0xab);
  const up = await fetch(`${base}/v1/attachments`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', authorization: `Bearer ${toBase64Url(tokenOf(alice))}` },
    body: blob,
  });
  assert.equal(up.status, 201);
  const attachment = parseAttachmentResponse(await up.json());
  const down = await fetch(`${base}/v1/attachments/${Buffer.from(attachment.id).toString('hex')}`, { headers: { authorization: `Bearer ${toBase64Url(tokenOf(bob))}` } });
  assert.equal(down.status, 200);
  assert.equal((await down.arrayBuffer()).byteLength, blob.length);

  // Health, an account lookup, and lookups until the claim limit (5/min) refuses one.
  assert.equal((await http(base, 'GET', '/healthz')).status, 200);
  let limited = false;
  for (let i = 0; i < 10 && !limited; i++) {
    const res = await http(base, 'GET', `/v1/accounts/${bob.username}`, undefined, tokenOf(alice));
    limited = errorCode(res) === 'rate-limited';
  }
  assert.ok(limited, 'the claim limit refused a lookup');
  assert.equal(errorCode(await http(base, 'GET', '/v1/no-such-endpoint')), 'not-found');

  await a.close();
  await b.close();
  const metrics = await http(base, 'GET', '/metrics');
  assert.equal(metrics.status, 200);
  return { alice, bob, laptopToken, laptopQueued: 2, metrics: metrics.json as string };
}

// ---------------------------------------------------------------------------------------
// Introspection.

/** Table -> column names, as the database reports them. */
export type Schema = Map<string, Set<string>>;

/** Tables and columns of a SQLite file (sqlite_master + PRAGMA table_info), plus any view or trigger. */
export function sqliteSchema(file: string): { tables: Schema; others: string[] } {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const objects = db.prepare(`SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'`).all() as { type: string; name: string }[];
    const tables: Schema = new Map();
    for (const o of objects.filter((x) => x.type === 'table')) {
      const cols = db.prepare(`SELECT name FROM pragma_table_info(?)`).all(o.name) as { name: string }[];
      tables.set(o.name, new Set(cols.map((c) => c.name)));
    }
    return { tables, others: objects.filter((x) => x.type !== 'table' && x.type !== 'index').map((x) => `${x.type} ${x.name}`) };
  } finally {
    db.close();
  }
}

/** Every value of every row of every table of a SQLite file. */
export function sqliteValues(file: string): { table: string; column: string; value: unknown }[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const out: { table: string; column: string; value: unknown }[] = [];
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).all() as { name: string }[];
    for (const { name } of tables) {
      for (const row of db.prepare(`SELECT * FROM "${name}"`).all() as Record<string, unknown>[]) {
        for (const [column, value] of Object.entries(row)) out.push({ table: name, column, value });
      }
    }
    return out;
  } finally {
    db.close();
  }
}

async function withPg<T>(url: string, schema: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Tables (and views) with their columns, and functions, of one PostgreSQL schema (information_schema). */
export function pgSchema(url: string, schema: string): Promise<{ tables: Schema; functions: string[] }> {
  return withPg(url, schema, async (client) => {
    const tables: Schema = new Map();
    const t = await client.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1`, [schema]);
    for (const { table_name } of t.rows) tables.set(table_name, new Set());
    const c = await client.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = $1`,
      [schema],
    );
    for (const { table_name, column_name } of c.rows) tables.get(table_name)?.add(column_name);
    const f = await client.query<{ routine_name: string }>(`SELECT routine_name FROM information_schema.routines WHERE routine_schema = $1`, [schema]);
    return { tables, functions: f.rows.map((r) => r.routine_name) };
  });
}

/** Every value of every row of every table of a PostgreSQL schema. */
export function pgValues(url: string, schema: string): Promise<{ table: string; column: string; value: unknown }[]> {
  return withPg(url, schema, async (client) => {
    const out: { table: string; column: string; value: unknown }[] = [];
    const t = await client.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1`, [schema]);
    for (const { table_name } of t.rows) {
      const rows = await client.query<Record<string, unknown>>(`SELECT * FROM "${schema}"."${table_name}"`);
      for (const row of rows.rows) for (const [column, value] of Object.entries(row)) out.push({ table: table_name, column, value });
    }
    return out;
  });
}

/** Files under a directory, as paths relative to it. Bounded depth (the data dir is two levels). */
export function listFiles(dir: string, depth = 4): string[] {
  const out: string[] = [];
  const walk = (d: string, left: number) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) {
        if (left > 0) walk(path, left - 1);
      } else out.push(relative(dir, path));
    }
  };
  walk(dir, depth);
  return out;
}

// ---------------------------------------------------------------------------------------
// IP addresses.

/** Textual loopback / mapped forms the tests' clients connect from. */
export const IP_TEXT = /127\.0\.0\.1|::1(?![0-9a-f])|::ffff:/i;
const IP_BYTES: readonly Uint8Array[] = [
  new Uint8Array([127, 0, 0, 1]),
  new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1]),
];

function containsBytes(hay: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** True when a stored value holds an IP address: as text, as ASCII inside bytes, or as raw IPv4 / mapped bytes. */
export function holdsIp(value: unknown): boolean {
  if (typeof value === 'string') return IP_TEXT.test(value);
  if (value instanceof Uint8Array) return IP_TEXT.test(Buffer.from(value).toString('latin1')) || IP_BYTES.some((n) => containsBytes(value, n));
  if (value instanceof Date) return false;
  return IP_TEXT.test(String(value));
}

/** True when the raw bytes of a file contain a textual IP address (a SQLite file keeps deleted rows in free pages). */
export function fileHoldsIpText(path: string): boolean {
  return IP_TEXT.test(readFileSync(path).toString('latin1'));
}
