import { test } from 'node:test';
import assert from 'node:assert/strict';
import { treeRoot } from '@sealed/kt/log/merkle-tree';
import { PrefixTree } from '@sealed/kt/prefix/prefix-tree';
import { AuditError, type AuditErrorCode } from '../src/audit-error.ts';
import { type AuditState, checkEpoch, INITIAL_AUDIT_STATE } from '../src/check-epoch.ts';
import { MAX_LEAVES_PER_EPOCH, type EpochUpdate } from '../src/epoch-update.ts';
import { HonestLog, randomLeaves, resign } from './support/honest-log.ts';

const code = (c: AuditErrorCode) => (e: unknown) => e instanceof AuditError && e.code === c;
const FAR_FUTURE = Number.MAX_SAFE_INTEGER;

function run(log: HonestLog, updates: EpochUpdate[]): AuditState {
  let state = INITIAL_AUDIT_STATE;
  for (const u of updates) state = checkEpoch(log.config, state, u, FAR_FUTURE).state;
  return state;
}

test('an honest log of inserts and heartbeats passes; the head is the log root', () => {
  const log = new HonestLog();
  const updates = [log.next(randomLeaves(5)), log.next([]), log.next(randomLeaves(40)), log.next([])];
  let state = INITIAL_AUDIT_STATE;
  for (const [i, u] of updates.entries()) {
    const r = checkEpoch(log.config, state, u, FAR_FUTURE);
    assert.deepEqual(r.head, { treeSize: u.treeSize, timestamp: u.timestamp, root: treeRoot(log.leafHashes, i + 1) });
    state = r.state;
  }
  assert.equal(state.frontier.size, 4);
});

test('a refused update leaves the state it was given unchanged', () => {
  const log = new HonestLog();
  const state = run(log, [log.next(randomLeaves(3))]);
  const bad = log.next(randomLeaves(2));
  assert.throws(() => checkEpoch(log.config, state, resign(log.config, log.leafHashes.slice(0, 1), { ...bad, prefixRoot: new Uint8Array(32) }), FAR_FUTURE), AuditError);
  assert.equal(state.frontier.size, 1);
  assert.equal(state.prefix.size, 3);
});

test('time never goes back, and cannot run ahead of the auditor clock past max_ahead', () => {
  const log = new HonestLog();
  const u1 = log.next(randomLeaves(1));
  const state = run(log, [u1]);
  const u2 = log.next([], -1);
  assert.throws(() => checkEpoch(log.config, state, u2, FAR_FUTURE), code('time-went-back'));
  const equal = new HonestLog();
  const e1 = equal.next([]);
  const e2 = equal.next([], 0);
  run(equal, [e1, e2]); // equal timestamps are allowed (draft step 1: greater than or equal)
  const ahead = new HonestLog();
  const a1 = ahead.next([]);
  assert.throws(() => checkEpoch(ahead.config, INITIAL_AUDIT_STATE, a1, a1.timestamp - ahead.config.maxAhead - 1), code('time-ahead'));
  checkEpoch(ahead.config, INITIAL_AUDIT_STATE, a1, a1.timestamp - ahead.config.maxAhead);
});

test('entries must come one position at a time (skips and repeats are non-contiguous)', () => {
  const log = new HonestLog();
  const u1 = log.next([]);
  log.next([]);
  const u3 = log.next([]);
  const state = run(log, [u1]);
  assert.throws(() => checkEpoch(log.config, state, u3, FAR_FUTURE), code('non-contiguous'));
  assert.throws(() => checkEpoch(log.config, state, u1, FAR_FUTURE), code('non-contiguous'));
});

test('insert only: removals, unsorted or repeated keys and re-inserted keys are refused', () => {
  const log = new HonestLog();
  const first = randomLeaves(4);
  const u1 = log.next(first);
  const state = run(log, [u1]);
  const base = new HonestLog();
  base.next(first);
  const u2 = base.next(randomLeaves(3));
  assert.throws(() => checkEpoch(log.config, state, { ...u2, removed: [first[0]!] }, FAR_FUTURE), code('not-insert-only'));
  assert.throws(() => checkEpoch(log.config, state, { ...u2, added: [u2.added[0]!, u2.added[0]!] }, FAR_FUTURE), code('not-insert-only'));
  assert.throws(() => checkEpoch(log.config, state, { ...u2, added: [first[1]!] }, FAR_FUTURE), code('not-insert-only'));
  // Insertion order is the feed's order (the wire contract): any order of new keys is fine.
  checkEpoch(log.config, state, { ...u2, added: [...u2.added].reverse() }, FAR_FUTURE);
});

test('an entry inserted then removed: the served prefix root no longer recomputes', () => {
  // The malicious log inserts leaf X in entry 1, then builds entry 2's prefix tree without
  // it (and signs the log root that results). The auditor's own tree still has X.
  const log = new HonestLog();
  const leaves = randomLeaves(3);
  const u1 = log.next(leaves);
  const state = run(log, [u1]);
  let without = PrefixTree.empty();
  for (const l of leaves.slice(1)) without = without.insert(l.vrfOutput, l.commitment);
  const timestamp = u1.timestamp + 60_000;
  const prefixRoot = without.rootValue();
  const forged = resign(log.config, log.leafHashes, { treeSize: 2, timestamp, added: [], removed: [], prefixRoot, logSignature: new Uint8Array(64) });
  assert.throws(() => checkEpoch(log.config, state, forged, FAR_FUTURE), code('prefix-root-mismatch'));
  // Declaring the removal openly is refused too.
  assert.throws(() => checkEpoch(log.config, state, { ...forged, removed: [leaves[0]!] }, FAR_FUTURE), code('not-insert-only'));
});

test('a log signature over another root (another history) is refused', () => {
  const log = new HonestLog();
  const u1 = log.next([]);
  const other = new HonestLog();
  other.next(randomLeaves(1));
  const u2 = log.next([]);
  // Signed by the log, but over a log whose first entry differs from the one we hold.
  const forged = resign(log.config, other.leafHashes, u2);
  const state = run(log, [u1]);
  assert.throws(() => checkEpoch(log.config, state, forged, FAR_FUTURE), code('bad-log-signature'));
});

test('the log signature is checked: every byte of it flipped is refused', () => {
  const log = new HonestLog();
  const u1 = log.next(randomLeaves(1));
  for (let i = 0; i < 64; i++) {
    const sig = u1.logSignature.slice();
    sig[i]! ^= 0x01;
    assert.throws(() => checkEpoch(log.config, INITIAL_AUDIT_STATE, { ...u1, logSignature: sig }, FAR_FUTURE), code('bad-log-signature'));
  }
});

test('every byte of every field flipped is refused', () => {
  const log = new HonestLog();
  const u1 = log.next(randomLeaves(2));
  const fields: (keyof EpochUpdate)[] = ['prefixRoot', 'logSignature'];
  let refused = 0;
  for (const f of fields) {
    const bytes = u1[f] as Uint8Array;
    for (let i = 0; i < bytes.length; i++) {
      const copy = bytes.slice();
      copy[i]! ^= 0x80;
      assert.throws(() => checkEpoch(log.config, INITIAL_AUDIT_STATE, { ...u1, [f]: copy }, FAR_FUTURE), AuditError);
      refused++;
    }
  }
  for (const [j, leaf] of u1.added.entries()) {
    for (const part of ['vrfOutput', 'commitment'] as const) {
      for (let i = 0; i < 32; i++) {
        const copy = leaf[part].slice();
        copy[i]! ^= 0x80;
        const added = u1.added.map((l, k) => (k === j ? { ...l, [part]: copy } : l));
        assert.throws(() => checkEpoch(log.config, INITIAL_AUDIT_STATE, { ...u1, added }, FAR_FUTURE), AuditError);
        refused++;
      }
    }
  }
  assert.equal(refused, 32 + 64 + 2 * 64);
});

test('malformed updates get malformed-update or too-many-leaves before any work', () => {
  const log = new HonestLog();
  const u1 = log.next([]);
  for (const bad of [{ ...u1, treeSize: 0 }, { ...u1, treeSize: 1.5 }, { ...u1, timestamp: -1 }, { ...u1, prefixRoot: new Uint8Array(31) }, { ...u1, added: [{ vrfOutput: new Uint8Array(31), commitment: new Uint8Array(32) }] }]) {
    assert.throws(() => checkEpoch(log.config, INITIAL_AUDIT_STATE, bad, FAR_FUTURE), code('malformed-update'));
  }
  const many = Array.from({ length: MAX_LEAVES_PER_EPOCH + 1 }, () => ({ vrfOutput: new Uint8Array(32), commitment: new Uint8Array(32) }));
  assert.throws(() => checkEpoch(log.config, INITIAL_AUDIT_STATE, { ...u1, added: many }, FAR_FUTURE), code('too-many-leaves'));
});
