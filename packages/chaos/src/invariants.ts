/**
 * The promises a chaos run checks, after a bounded settling time with the faults off:
 *
 * - nothing lost: every message the relay acknowledged is shown by every device that was a
 *   member of its group in the epoch it was encrypted in;
 * - nothing shown twice: after the SDK's de-duplication each is shown exactly once;
 * - nothing undecryptable: zero decrypt failures (and no other SDK failure but the ones a race
 *   legitimately causes, listed in TOLERATED_INTENT_FAILURES);
 * - no leak to non-members: no device shows a message of an epoch it was not a member of
 *   (a removed device reads nothing sent after its removal);
 * - nothing stuck: every message sent by a device that is online at the end was acknowledged
 *   (or reported to its author as not sent because they were removed first);
 * - convergence: all members of each group are in the same epoch with the same epoch
 *   authenticator;
 * - the relay's queues are empty at the end (everything delivered was acknowledged);
 * - memory stayed bounded (each server process under MAX_SERVER_RSS_MIB).
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SQLITE_FILE_NAME } from '@sealed/server/storage/sqlite/open';
import type { Cluster } from './cluster.ts';
import type { Ledger } from './ledger.ts';
import type { MemorySampler, MemorySummary } from './memory.ts';
import type { SimUser } from './sim-user.ts';

/** A server process above this resident size fails the run. */
export const MAX_SERVER_RSS_MIB = 768;
/**
 * Intent failures a race makes legitimate: two members remove the same person, or add one
 * who was just added by someone else (the loser's intent fails with these codes); a text
 * written just before its author was removed, which the SDK reports as not sent.
 */
export const TOLERATED_INTENT_FAILURES: ReadonlySet<string> = new Set(['not-a-participant', 'already-a-participant', 'removed-before-sent']);
/** The invariants, by the names the report prints (each is listed with its verdict). */
export const INVARIANTS = {
  DELIVERED: 'every acknowledged message delivered to every member',
  ONCE: 'each message shown exactly once',
  NO_FAILURES: 'zero SDK failures (decrypt failures above all)',
  MEMBERS_ONLY: 'no device reads an epoch it is not a member of (removed devices read nothing sent after their removal)',
  NOTHING_STUCK: 'every message sent by an online member is acknowledged',
  CONVERGED: 'every group converges (one epoch and epoch authenticator)',
  QUEUES_EMPTY: 'server queues empty at the end',
  MEMORY: `server memory under ${MAX_SERVER_RSS_MIB} MiB`,
} as const;

/** Examples of each violation kept for the report. */
const EXAMPLES = 5;
const POLL_MS = 250;
/** Longest wait, after settling, for the acknowledgements in flight to empty the relay's queues. */
const QUEUE_DRAIN_MS = 10_000;

export interface Violation {
  readonly invariant: string;
  readonly count: number;
  readonly examples: readonly string[];
}

export interface InvariantReport {
  readonly ok: boolean;
  readonly messagesSent: number;
  readonly messagesAcknowledged: number;
  readonly deliveriesExpected: number;
  readonly deliveriesShown: number;
  readonly groups: number;
  readonly failuresTolerated: number;
  /** Deliveries to devices their account removed before they read them (the relay revoked the device and its queue). */
  readonly deliveriesToRevokedDevices: number;
  /** Devices linked and removed during the run. */
  readonly devicesRevoked: number;
  /** Every SDK failure by kind ("decrypt-failure wrong-epoch": 3), the first place to look. */
  readonly failuresByKind: Readonly<Record<string, number>>;
  readonly queuedAtEnd: number;
  readonly memory: MemorySummary;
  readonly settledInMs: number;
  readonly violations: readonly Violation[];
  /**
   * When the run did not settle: each device's view of the groups that did not converge and
   * what its incoming processing waits on (counts only), the first thing to read for a
   * device behind its group.
   */
  readonly stalls: readonly string[];
}

interface CheckContext {
  readonly ledger: Ledger;
  readonly users: readonly SimUser[];
  readonly cluster: Cluster;
  readonly memory: MemorySampler;
  readonly settleMs: number;
  readonly log: (line: string) => void;
}

export async function checkInvariants(context: CheckContext): Promise<InvariantReport> {
  const { ledger, cluster, memory } = context;
  // A device removed from its account was revoked by the relay: it cannot sign in, read or
  // send any more, so it is neither waited for nor judged on convergence (its reads are).
  const users = context.users.filter((u) => !u.revoked);
  const settleStarted = Date.now();
  // Settle: let every device catch up, retry and converge (bounded), ticking their clocks.
  let last = evaluate(ledger, users);
  while (Date.now() - settleStarted < context.settleMs) {
    for (const user of users) await user.tick();
    await Promise.all(users.map((u) => u.transport.idle()));
    last = evaluate(ledger, users);
    if (last.settled) break;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  const settledInMs = Date.now() - settleStarted;
  context.log(`chaos: settled=${last.settled} after ${settledInMs} ms`);
  memory.sample();
  const summary = memory.summary();
  const violations = [...last.violations];
  // Devices acknowledge what they were just shown a moment later (and the relay writes acks in
  // batches): the queues are read until empty, for a bounded time, not once at the instant
  // the last message was shown.
  let queued = await queuedEntries(cluster);
  const drainDeadline = Date.now() + QUEUE_DRAIN_MS;
  while (queued.length > 0 && Date.now() < drainDeadline) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    queued = await queuedEntries(cluster);
  }
  const queuedAtEnd = queued.reduce((sum, q) => sum + q.n, 0);
  if (queuedAtEnd > 0) {
    // Whose queue, and what that device is (revoked by its account, offline, or neither): the first clue.
    const what = (device: string): string => {
      const user = context.users.find((u) => u.deviceId === device);
      return user === undefined ? 'unknown device' : user.revoked ? `${user.username}, revoked` : `${user.username}${user.offline ? ', offline' : ''}`;
    };
    violations.push({ invariant: INVARIANTS.QUEUES_EMPTY, count: queuedAtEnd, examples: queued.slice(0, EXAMPLES).map((q) => `${q.n} for ${q.device.slice(0, 8)} (${what(q.device)})`) });
  }
  if (summary.serverPeakMiB > MAX_SERVER_RSS_MIB) {
    violations.push({ invariant: INVARIANTS.MEMORY, count: 1, examples: [`peak ${summary.serverPeakMiB} MiB`] });
  }
  return {
    ok: violations.length === 0,
    messagesSent: ledger.sent.size,
    messagesAcknowledged: ledger.acknowledged().length,
    deliveriesExpected: last.expected,
    deliveriesShown: last.shown,
    groups: ledger.membersAt.size,
    failuresTolerated: last.tolerated,
    deliveriesToRevokedDevices: last.excusedRevoked,
    devicesRevoked: ledger.revoked.size,
    failuresByKind: byKind(ledger),
    queuedAtEnd,
    memory: summary,
    settledInMs,
    violations,
    stalls: last.settled ? [] : stalls(users),
  };
}

/** Lines for devices of groups whose members disagree (epoch, waiting state), at most a few per run. */
function stalls(users: readonly SimUser[]): string[] {
  const epochs = new Map<string, Set<string>>();
  for (const user of users) {
    for (const id of user.engine.conversationIds()) {
      const set = epochs.get(id) ?? new Set<string>();
      set.add(`${user.engine.epochOf(id)}`);
      epochs.set(id, set);
    }
  }
  const lines: string[] = [];
  for (const user of users) {
    const views = user.engine
      .conversationIds()
      .filter((id) => (epochs.get(id)?.size ?? 0) > 1)
      .map((id) => `${id.slice(0, 8)}@${user.engine.epochOf(id)}`);
    const awaited = user.engine.awaitedConversations().map((id) => id.slice(0, 8));
    if (views.length === 0 && awaited.length === 0) continue;
    lines.push(`${user.username}/${user.deviceId.slice(0, 8)}${user.offline ? ' (offline)' : ''}: ${views.join(' ')}${awaited.length > 0 ? ` awaiting ${awaited.join(' ')}` : ''}; ${user.engine.describeWaiting()}`);
  }
  return lines.slice(0, 3 * EXAMPLES);
}

interface Evaluation {
  readonly settled: boolean;
  readonly expected: number;
  readonly shown: number;
  readonly tolerated: number;
  /** Deliveries not expected because the recipient device was revoked by its account before reading the message. */
  readonly excusedRevoked: number;
  readonly violations: Violation[];
}

function evaluate(ledger: Ledger, users: readonly SimUser[]): Evaluation {
  const found = new Map<string, string[]>();
  const counts = new Map<string, number>();
  const report = (invariant: string, example: string) => {
    counts.set(invariant, (counts.get(invariant) ?? 0) + 1);
    const list = found.get(invariant) ?? [];
    if (list.length < EXAMPLES) list.push(example);
    found.set(invariant, list);
  };
  let expected = 0;
  let shownCount = 0;
  let excusedRevoked = 0;
  for (const record of ledger.acknowledged()) {
    const members = ledger.membersAt.get(record.conversationId)?.get(record.ackedEpoch!);
    if (members === undefined) {
      report('membership known for every acknowledged epoch', `${record.messageId.slice(0, 12)} epoch ${record.ackedEpoch}`);
      continue;
    }
    for (const device of members) {
      if (device === record.senderDevice) continue;
      if (ledger.revoked.has(device) && (ledger.shown.get(device)?.get(record.messageId) ?? 0) === 0) {
        excusedRevoked++;
        continue;
      }
      expected++;
      const times = ledger.shown.get(device)?.get(record.messageId) ?? 0;
      if (times === 0) report(INVARIANTS.DELIVERED, `${record.messageId.slice(0, 12)} -> ${device.slice(0, 8)} (epoch ${record.ackedEpoch})`);
      else shownCount++;
      if (times > 1) report(INVARIANTS.ONCE, `${record.messageId.slice(0, 12)} x${times} on ${device.slice(0, 8)}`);
    }
  }
  for (const read of ledger.readsOutsideMembership()) {
    report(INVARIANTS.MEMBERS_ONLY, `${read.messageId.slice(0, 12)} on ${read.device.slice(0, 8)} (epoch ${read.epoch ?? '?'})`);
  }
  let tolerated = 0;
  for (const failure of ledger.failures) {
    if ((failure.type === 'intent-failed' && TOLERATED_INTENT_FAILURES.has(failure.detail)) || failure.type === 'after-revocation') {
      tolerated++;
      continue;
    }
    report(INVARIANTS.NO_FAILURES, `${failure.type} ${failure.detail} on ${failure.device.slice(0, 8)}`);
  }
  if (ledger.failureCount > ledger.failures.length) report(INVARIANTS.NO_FAILURES, `${ledger.failureCount - ledger.failures.length} more not kept`);
  const online = new Set(users.filter((u) => !u.offline).map((u) => u.deviceId));
  for (const record of ledger.sent.values()) {
    if (record.ackedEpoch === undefined && !record.reportedNotSent && online.has(record.senderDevice) && stillMember(users, record)) {
      report(INVARIANTS.NOTHING_STUCK, `${record.messageId.slice(0, 12)} from ${record.senderDevice.slice(0, 8)}`);
    }
  }
  convergence(users, report);
  const violations = [...counts].map(([invariant, count]) => ({ invariant, count, examples: found.get(invariant) ?? [] }));
  return { settled: violations.length === 0, expected, shown: shownCount, tolerated, excusedRevoked, violations };
}

/** A message sent into a group its sender has since left cannot go out; it is not stuck. */
function stillMember(users: readonly SimUser[], record: { conversationId: string; senderDevice: string }): boolean {
  const sender = users.find((u) => u.deviceId === record.senderDevice);
  return sender !== undefined && sender.engine.conversationIds().includes(record.conversationId);
}

function convergence(users: readonly SimUser[], report: (invariant: string, example: string) => void): void {
  const views = new Map<string, Map<string, string>>();
  for (const user of users) {
    for (const id of user.engine.conversationIds()) {
      const view = `${user.engine.epochOf(id)}:${user.engine.epochAuthenticatorOf(id)}`;
      const byView = views.get(id) ?? new Map<string, string>();
      byView.set(view, user.username);
      views.set(id, byView);
    }
  }
  for (const [id, byView] of views) {
    if (byView.size > 1) report(INVARIANTS.CONVERGED, `${id.slice(0, 12)}: ${[...byView.keys()].map((v) => v.slice(0, 14)).join(' / ')}`);
  }
}

/** Entries left in the relay's queues, by device. */
async function queuedEntries(cluster: Cluster): Promise<{ device: string; n: number }[]> {
  const sql = 'SELECT device_id AS device, count(*) AS n FROM queue GROUP BY device_id';
  if (cluster.mode === 'pg-nats') {
    const rows = await cluster.query<{ device: string; n: string }>(sql);
    return rows.map((r) => ({ device: r.device, n: Number(r.n) }));
  }
  const db = new Database(join(cluster.sqliteDataDir!, SQLITE_FILE_NAME), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all() as { device: string; n: number }[];
  } finally {
    db.close();
  }
}

function byKind(ledger: Ledger): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const f of ledger.failures) {
    const kind = `${f.type} ${f.detail.replace(/ [0-9a-f]{8,}.*$/, '')}`;
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}
