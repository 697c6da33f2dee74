// KtProver.restoreEpoch (each stored epoch's inserts placed in one walk) rebuilds exactly
// the prover that the earlier replay (one PrefixTree.insert per stored version) and the
// live epochs built: same state, roots, and search and monitor proofs at every size; a
// tampered store is refused with the same typed error by both replays, changing nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { accountLabel, usernameLabel } from '../../src/labels/labels.ts';
import { PrefixTree } from '../../src/prefix/prefix-tree.ts';
import { PrefixError } from '../../src/prefix/prefix-error.ts';
import { KtProver, type EpochRecord, type LabelVersion } from '../../src/proof/prover.ts';
import { ProverError } from '../../src/proof/prover-error.ts';
import { makeFixture, random, START, EPOCH_MS } from '../verify/fixture.ts';

const keysOf = (p: KtProver) => Reflect.get(p, 'keys') as ConstructorParameters<typeof KtProver>[0];

/** The replay before insertAll: one insert (one root-to-leaf path) per stored version. */
function withOneByOneInserts<T>(fn: () => T): T {
  const batch = Object.getOwnPropertyDescriptor(PrefixTree.prototype, 'insertAll')!;
  PrefixTree.prototype.insertAll = function (this: PrefixTree, entries, position = 0) {
    return entries.reduce((t: PrefixTree, { key, commitment }) => t.insert(key, commitment, position), this);
  };
  try {
    return fn();
  } finally {
    Object.defineProperty(PrefixTree.prototype, 'insertAll', batch);
  }
}

function restore(like: KtProver, records: readonly EpochRecord[]): KtProver {
  const p = new KtProver(keysOf(like));
  for (const r of records) p.restoreEpoch(r);
  return p;
}

/** Real epochs (VRF, commitments) of labels with several versions, heartbeats, and 2,000 random keys in bulk epochs. */
function directory(): { live: KtProver; records: EpochRecord[]; labels: Uint8Array[] } {
  const f = makeFixture(0);
  const records: EpochRecord[] = [];
  const labels = Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? accountLabel(Uint8Array.from({ length: 16 }, () => i)) : usernameLabel(`user${i}`)));
  const value = (n: number) => random(8 + (n % 40));
  const apply = (e: ReturnType<KtProver['prepareEpoch']>) => {
    f.prover.applyEpoch(e);
    records.push(e.record);
  };
  const ts = () => START + f.prover.size * EPOCH_MS;
  for (let e = 0; e < 24; e++) {
    if (e % 5 === 3) {
      // A bulk epoch of random keys (an import: transparency turned on for many accounts).
      const versions: LabelVersion[] = Array.from({ length: 400 }, (_, i) => ({
        label: usernameLabel(`bulk${e}-${i}`),
        version: 0,
        vrfProof: random(80),
        vrfOutput: random(32),
        opening: random(16),
        value: value(i),
        commitment: random(32),
        position: f.prover.size,
      }));
      apply(f.prover.prepareFromVersions(ts(), versions));
      continue;
    }
    // Some labels, one of them twice in the epoch (consecutive versions); every 4th a heartbeat.
    const updates = e % 4 === 2 ? [] : labels.filter((_, i) => (i + e) % 3 === 0).map((label, i) => ({ label, value: value(i + e) }));
    if (updates.length > 0) updates.push({ label: updates[0]!.label, value: value(e) });
    apply(f.prover.prepareEpoch(ts(), updates, random));
  }
  return { live: f.prover, records, labels };
}

const { live, records, labels } = directory();
/** The first bulk epoch, and a small epoch with several inserts after it. */
const bulk = records.findIndex((r) => r.versions.length === 400);
const small = records.findIndex((r, i) => i > bulk && r.versions.length > 1 && r.versions.length < 400);

test('restoring: the same prover state as the earlier one-insert-per-version replay and as the live epochs', () => {
  const batched = restore(live, records);
  const single = withOneByOneInserts(() => restore(live, records));
  assert.deepStrictEqual(batched, single);
  assert.deepStrictEqual(batched, live);
  assert.equal(batched.keyCount, records.reduce((n, r) => n + r.versions.length, 0));
});

test('restoring: the same roots at every size, the same search and monitor proofs at past and current sizes', () => {
  const batched = restore(live, records);
  const single = withOneByOneInserts(() => restore(live, records));
  for (let size = 1; size <= records.length; size++) assert.deepStrictEqual(batched.root(size), single.root(size));
  // (The states are equal, so every proof is; these are spot checks of the served output.)
  for (const size of [2, bulk + 1, bulk + 2, records.length]) {
    for (const label of labels) {
      if (batched.greatestVersion(label, size) === undefined) continue;
      assert.deepStrictEqual(batched.search(label, size), single.search(label, size));
      assert.deepStrictEqual(batched.monitor(label, size), single.monitor(label, size));
    }
  }
});

type Tamper = (rs: EpochRecord[]) => EpochRecord[];
const at = (rs: EpochRecord[], i: number, r: EpochRecord) => rs.map((x, j) => (j === i ? r : x));
const flip = (b: Uint8Array, i = 0) => b.map((x, j) => (j === i ? x ^ 1 : x));
const withVersions = (r: EpochRecord, versions: readonly LabelVersion[]): EpochRecord => ({ ...r, versions });

const tampers: [string, Tamper, 'root-mismatch' | 'stale-epoch' | 'duplicate-key'][] = [
  ['a stored prefix root with one bit flipped', (rs) => at(rs, 7, { ...rs[7]!, prefixRoot: flip(rs[7]!.prefixRoot, 31) }), 'root-mismatch'],
  ['an insert with another commitment', (rs) => at(rs, bulk, withVersions(rs[bulk]!, rs[bulk]!.versions.map((v, i) => (i === 123 ? { ...v, commitment: flip(v.commitment, 5) } : v)))), 'root-mismatch'],
  ['an insert with another search key', (rs) => at(rs, small, withVersions(rs[small]!, rs[small]!.versions.map((v, i) => (i === 0 ? { ...v, vrfOutput: flip(v.vrfOutput, 20) } : v)))), 'root-mismatch'],
  ['an insert dropped', (rs) => at(rs, bulk, withVersions(rs[bulk]!, rs[bulk]!.versions.slice(1))), 'root-mismatch'],
  ['an insert added', (rs) => at(rs, small, withVersions(rs[small]!, [...rs[small]!.versions, { ...rs[small]!.versions[0]!, vrfOutput: random(32), version: 99 }])), 'root-mismatch'],
  [
    'an insert moved to the next epoch',
    (rs) => {
      const [moved, ...kept] = rs[bulk]!.versions;
      const out = at(rs, bulk, withVersions(rs[bulk]!, kept));
      return at(out, bulk + 1, withVersions(rs[bulk + 1]!, [...rs[bulk + 1]!.versions, { ...moved!, position: bulk + 1 }]));
    },
    'root-mismatch',
  ],
  ['two epochs\' inserts swapped', (rs) => at(at(rs, bulk, withVersions(rs[bulk]!, rs[small]!.versions)), small, withVersions(rs[small]!, rs[bulk]!.versions)), 'root-mismatch'],
  ['two epochs swapped', (rs) => at(at(rs, 4, rs[5]!), 5, rs[4]!), 'stale-epoch'],
  ['an insert stored twice', (rs) => at(rs, bulk, withVersions(rs[bulk]!, [...rs[bulk]!.versions, rs[bulk]!.versions[9]!])), 'duplicate-key'],
];

for (const [name, tamper, expected] of tampers) {
  test(`a tampered store is refused with the same typed error as before, nothing changed: ${name}`, () => {
    const bad = tamper(records);
    const outcome = (p: KtProver) => {
      for (const r of bad) {
        const before = { size: p.size, keys: p.keyCount, root: p.size > 0 ? p.root() : undefined };
        try {
          p.restoreEpoch(r);
        } catch (e) {
          // The failed epoch changed nothing.
          assert.deepStrictEqual({ size: p.size, keys: p.keyCount, root: p.size > 0 ? p.root() : undefined }, before);
          assert.ok(e instanceof ProverError || e instanceof PrefixError, String(e));
          return { name: e.name, code: e.code, position: r.position, size: p.size };
        }
      }
      return undefined;
    };
    const batched = outcome(new KtProver(keysOf(live)));
    const single = withOneByOneInserts(() => outcome(new KtProver(keysOf(live))));
    assert.equal(batched?.code, expected);
    assert.deepStrictEqual(batched, single);
  });
}

test('inserts reordered inside one epoch: the prefix root is over the set of keys, so both replays accept it alike', () => {
  const bad = at(records, bulk, withVersions(records[bulk]!, [...records[bulk]!.versions].reverse()));
  const batched = restore(live, bad);
  const single = withOneByOneInserts(() => restore(live, bad));
  assert.deepStrictEqual(batched, single);
  assert.deepStrictEqual(batched.root(), live.root());
});

test('random directories: batched and one-by-one replays agree on every epoch root and the final state', () => {
  for (let run = 0; run < 5; run++) {
    const f = makeFixture(0);
    const rs: EpochRecord[] = [];
    for (let e = 0; e < 30; e++) {
      const n = [0, 1, 3, 50, 700][randomBytes(1)[0]! % 5]!;
      const versions: LabelVersion[] = Array.from({ length: n }, (_, i) => ({
        label: usernameLabel(`r${run}-${e}-${i}`),
        version: 0,
        vrfProof: random(80),
        vrfOutput: random(32),
        opening: random(16),
        value: random(10),
        commitment: random(32),
        position: e,
      }));
      const p = f.prover.prepareFromVersions(START + e, versions);
      f.prover.applyEpoch(p);
      rs.push(p.record);
    }
    const single = withOneByOneInserts(() => restore(f.prover, rs));
    assert.deepStrictEqual(restore(f.prover, rs), single);
    assert.deepStrictEqual(single, f.prover);
  }
});
