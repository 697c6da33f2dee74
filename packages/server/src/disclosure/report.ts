/**
 * The `disclose` report: exactly what the server holds about one account, built from real
 * rows through a {@link DisclosureSource}. The requested part (creation and last connection
 * day, devices and their public keys, queued entries) comes first; everything else the
 * device-keyed tables hold follows, exact as stored, with findings where the server keeps
 * more than it should (see docs/disclosure.md).
 */
import { toHex } from '@sealed/protocol/encoding';
import { normaliseUsername } from '@sealed/protocol/username';
import { DAY_MS, messageKindFromCode } from '../storage/types.ts';
import { DisclosureError, type DisclosureSource, type HeldDevice } from './source.ts';

/** Far above MAX_DEVICES_PER_ACCOUNT (16); bounds the report should a database be edited by hand. */
export const MAX_REPORTED_DEVICES = 1000;
/** Exact session / send-record times listed per device (counts stay exact beyond this). */
export const MAX_REPORTED_TIMES = 100;
export const REPORT_VERSION = 1;
/**
 * The tables the report reads (through DisclosureSource): must be every manifest table whose
 * subject is an account or a device, so a new person-keyed table cannot escape the report
 * (test/disclosure-report.test.ts checks it).
 */
export const REPORTED_TABLES: readonly string[] = ['accounts', 'devices', 'sessions', 'key_packages', 'last_resort_key_packages', 'queue', 'idempotency', 'kt_versions', 'kt_accounts'];

/** What the server does not hold about anyone, and why (docs/disclosure.md explains each). */
export const NOT_HELD: readonly string[] = [
  'message and attachment content: MLS ciphertext end to end; the server has no key',
  'contacts and group membership: a group is stored only as its id and current epoch',
  'who sent a queued message: queue entries store the recipient device only',
  'which attachments the account uploaded or downloaded: attachments store no account',
  'IP addresses: never stored or logged (the socket address lives in memory while connected)',
  'phone numbers, e-mail addresses, names: never asked for',
];

export interface DeviceReport {
  readonly id: string;
  readonly publicKey: string;
  readonly addedDay: string;
}

export interface DeviceHoldingsReport {
  readonly id: string;
  readonly entriesEverQueued: number;
  readonly queue: {
    readonly count: number;
    readonly byKind: Readonly<Record<string, number>>;
    readonly bytes: number;
    readonly oldestReceivedAt: string | null;
    readonly newestReceivedAt: string | null;
  };
  readonly sessions: { readonly count: number; readonly expiresAt: readonly string[] };
  readonly keyPackages: number;
  readonly lastResortKeyPackage: boolean;
  readonly sendRecords: { readonly count: number; readonly expiresAt: readonly string[] };
}

export interface DisclosureReport {
  readonly reportVersion: number;
  readonly storage: 'sqlite' | 'postgres';
  readonly username: string;
  readonly account: { readonly createdDay: string; readonly lastConnectionDay: string; readonly identityKey: string };
  readonly devices: { readonly count: number; readonly list: readonly DeviceReport[] };
  readonly queuedEntries: number;
  readonly alsoHeld: {
    readonly accountId: string;
    readonly deviceList: { readonly version: number; readonly bytes: number };
    readonly perDevice: readonly DeviceHoldingsReport[];
    /** The key-transparency log's versions of the account's two labels (kept forever: append-only). */
    readonly transparency: { readonly accountLabelVersions: number; readonly usernameLabelVersions: number; readonly loggedDeviceListVersion: number | null };
  };
  readonly notHeld: readonly string[];
  readonly findings: readonly string[];
}

/** `YYYY-MM-DD` of a stored day (UTC). A value not on a day boundary is shown exactly, and is a finding. */
export function dayString(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
const exact = (ms: number): string => new Date(ms).toISOString();

/**
 * The username normalised by the server's own rules (@sealed/protocol/username).
 * @throws {DisclosureError} invalid-username, naming the rule it breaks.
 */
export function checkUsername(input: string): string {
  const name = normaliseUsername(input);
  if (!name.ok) throw new DisclosureError('invalid-username', `not a valid username (${name.error})`);
  return name.username;
}

/**
 * @throws {DisclosureError} invalid-username (breaks the username rules), unknown-account.
 */
export async function buildReport(source: DisclosureSource, storage: 'sqlite' | 'postgres', input: string): Promise<DisclosureReport> {
  const username = checkUsername(input);
  const account = await source.findAccount(username);
  if (account === undefined) throw new DisclosureError('unknown-account', `no account "${username}"`);
  const devices: HeldDevice[] = await source.listDevices(account.id, MAX_REPORTED_DEVICES);
  const perDevice: DeviceHoldingsReport[] = [];
  for (const d of devices) {
    const h = await source.deviceHoldings(d.id, MAX_REPORTED_TIMES);
    const byKind: Record<string, number> = {};
    for (const [code, n] of h.queue.byKind) byKind[messageKindFromCode(code) ?? `kind-${code}`] = n;
    perDevice.push({
      id: d.id,
      entriesEverQueued: d.nextSeq - 1,
      queue: {
        count: h.queue.count,
        byKind,
        bytes: h.queue.bytes,
        oldestReceivedAt: h.queue.oldestReceivedAt === undefined ? null : exact(h.queue.oldestReceivedAt),
        newestReceivedAt: h.queue.newestReceivedAt === undefined ? null : exact(h.queue.newestReceivedAt),
      },
      sessions: { count: h.sessions, expiresAt: h.sessionExpiries.map(exact) },
      keyPackages: h.keyPackages,
      lastResortKeyPackage: h.lastResortKeyPackage,
      sendRecords: { count: h.sendRecords, expiresAt: h.sendRecordExpiries.map(exact) },
    });
  }
  const transparency = await source.transparencyHoldings(account.id, username);
  return {
    reportVersion: REPORT_VERSION,
    storage,
    username: account.username,
    account: { createdDay: dayString(account.createdDay), lastConnectionDay: dayString(account.lastSeenDay), identityKey: toHex(account.identityKey) },
    devices: { count: devices.length, list: devices.map((d) => ({ id: d.id, publicKey: toHex(d.signatureKey), addedDay: dayString(d.createdDay) })) },
    queuedEntries: perDevice.reduce((n, d) => n + d.queue.count, 0),
    alsoHeld: {
      accountId: account.id,
      deviceList: { version: account.deviceListVersion, bytes: account.deviceListBytes },
      perDevice,
      transparency: { ...transparency, loggedDeviceListVersion: transparency.loggedDeviceListVersion ?? null },
    },
    notHeld: NOT_HELD,
    findings: findings(account.createdDay, account.lastSeenDay, devices, perDevice),
  };
}

/** Where the rows hold more than the target (days only, counts only): for the server's developers to coarsen. */
function findings(createdDay: number, lastSeenDay: number, devices: readonly HeldDevice[], perDevice: readonly DeviceHoldingsReport[]): string[] {
  const out: string[] = [];
  if (createdDay % DAY_MS !== 0 || lastSeenDay % DAY_MS !== 0 || devices.some((d) => d.createdDay % DAY_MS !== 0)) {
    out.push('a day column (created_day, last_seen_day) holds a time that is not a day boundary');
  }
  if (perDevice.some((d) => d.sessions.count > 0)) {
    out.push('sessions.expires_at holds, per open session, the day of the sign-in (expiry rounded up to the end of the day; beyond the target, which has the last day only)');
  }
  if (perDevice.some((d) => d.sendRecords.count > 0)) {
    out.push('idempotency.expires_at holds the hour of each send of the last day per sending device (needed to make retries idempotent; rounded up to the hour)');
  }
  if (perDevice.some((d) => d.queue.count > 0)) {
    out.push('queue.received_at holds the day each undelivered entry arrived (needed for expiry; day only)');
  }
  if (perDevice.some((d) => d.entriesEverQueued > d.queue.count)) {
    out.push('devices.next_seq reveals how many entries a device has ever been sent, including delivered and deleted ones (kept: clients resume and acknowledge by an ever-growing seq)');
  }
  return out;
}
