// Search proofs (greatest version, binary ladder, latest prefix tree) and checkpoints:
// accepted when honest, every single change rejected, and each Full Tree Head rule enforced.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accountLabel, usernameLabel } from '../../src/labels/labels.ts';
import { verifyFixedVersionSearch, verifySearch } from '../../src/verify/search-verify.ts';
import { ProverError } from '../../src/proof/prover-error.ts';
import { verifyCheckpoint } from '../../src/verify/checkpoint-verify.ts';
import { VerifyError, type VerifyErrorCode } from '../../src/verify/verify-error.ts';
import { EPOCH_MS, START, makeFixture, mutations, seed } from './fixture.ts';

const alice = accountLabel(seed('alice').subarray(0, 16));
const code = (c: VerifyErrorCode) => (e: unknown) => e instanceof VerifyError && e.code === c;

function directory() {
  const f = makeFixture(2);
  // Other accounts so the prefix tree has depth; alice gets versions 0..2 over three epochs.
  f.epoch([{ label: alice, value: Uint8Array.of(1, 0) }, ...Array.from({ length: 30 }, (_, i) => ({ label: accountLabel(seed(`u${i}`).subarray(0, 16)), value: Uint8Array.of(i) }))]);
  f.epoch([{ label: alice, value: Uint8Array.of(1, 1) }, { label: usernameLabel('alice'), value: Uint8Array.of(9) }]);
  f.epoch([]);
  f.epoch([{ label: alice, value: Uint8Array.of(1, 2) }]);
  return f;
}

test('an honest search verifies and shows the greatest version and its value', () => {
  const f = directory();
  const size = f.prover.servedSize(2);
  assert.equal(size, 4);
  const now = START + 4 * EPOCH_MS;
  const r = verifySearch(f.policy(now), undefined, alice, f.prover.search(alice, size));
  assert.equal(r.version, 2);
  assert.deepEqual(r.value, Uint8Array.of(1, 2));
  assert.equal(r.checkpoint.treeSize, 4);
  // A returning client with a retained checkpoint gets a consistency proof.
  const first = verifySearch(f.policy(now), undefined, alice, f.prover.search(alice, 2));
  assert.equal(first.version, 1);
  const again = verifySearch(f.policy(now), first.checkpoint, alice, f.prover.search(alice, 4, 2));
  assert.equal(again.version, 2);
  // `same` when nothing changed since the retained size.
  const same = verifySearch(f.policy(now), again.checkpoint, alice, f.prover.search(alice, 4, 4));
  assert.equal(same.checkpoint.treeSize, 4);
  // The username label resolves too.
  assert.equal(verifySearch(f.policy(now), undefined, usernameLabel('alice'), f.prover.search(usernameLabel('alice'), 4)).version, 0);
});

test('every single-byte flip and every number moved by one in a search response is rejected', () => {
  const f = directory();
  const now = START + 4 * EPOCH_MS;
  const first = verifySearch(f.policy(now), undefined, alice, f.prover.search(alice, 2));
  const response = f.prover.search(alice, 4, 2);
  let count = 0;
  for (const { where, mutated } of mutations(response)) {
    assert.throws(() => verifySearch(f.policy(now), first.checkpoint, alice, mutated), VerifyError, where);
    count++;
  }
  assert.ok(count > 1000, `${count} mutations`);
});

test('Full Tree Head rules: rollback, fork, stale, future, auditors, head type', () => {
  const f = directory();
  const now = START + 4 * EPOCH_MS;
  const latest = verifySearch(f.policy(now), undefined, alice, f.prover.search(alice, 4));
  // Rolled back: a smaller tree than retained.
  assert.throws(() => verifySearch(f.policy(now), latest.checkpoint, alice, f.prover.search(alice, 3)), code('rollback'));
  // `updated` at the same size, `same` without retained state.
  const cp = f.prover.checkpoint(4);
  assert.throws(() => verifyCheckpoint(f.policy(now), latest.checkpoint, cp.fullTreeHead, cp.latest), code('head-type'));
  assert.throws(() => verifyCheckpoint(f.policy(now), undefined, { headType: 'same' }, cp.latest), code('head-type'));
  // A retained checkpoint from another log (a fork) fails consistency.
  const other = directory();
  const theirs = verifySearch(other.policy(now), undefined, alice, other.prover.search(alice, 2));
  assert.throws(() => verifySearch(f.policy(now), theirs.checkpoint, alice, f.prover.search(alice, 4, 2)), code('fork'));
  // Stale (missing heartbeats) and from the future.
  assert.throws(() => verifySearch(f.policy(now + 11 * EPOCH_MS), undefined, alice, f.prover.search(alice, 4)), code('stale'));
  assert.throws(() => verifySearch(f.policy(START - 3 * EPOCH_MS), undefined, alice, f.prover.search(alice, 4)), code('future'));
  // Auditors: fewer than required, removed, or signing another size.
  const r = f.prover.search(alice, 4);
  assert.throws(() => verifySearch(f.policy(now, 3), undefined, alice, r), code('not-enough-auditors'));
  if (r.fullTreeHead.headType !== 'updated') throw new Error('expected updated');
  const one = { ...r, fullTreeHead: { ...r.fullTreeHead, auditorTreeHeads: r.fullTreeHead.auditorTreeHeads.slice(1) } };
  assert.throws(() => verifySearch(f.policy(now), undefined, alice, one), code('not-enough-auditors'));
  assert.equal(verifySearch(f.policy(now, 1), undefined, alice, one).version, 2);
  const dup = { ...r, fullTreeHead: { ...r.fullTreeHead, auditorTreeHeads: [r.fullTreeHead.auditorTreeHeads[0]!, r.fullTreeHead.auditorTreeHeads[0]!] } };
  assert.throws(() => verifySearch(f.policy(now, 1), undefined, alice, dup), code('auditor-mismatch'));
  const older = f.prover.search(alice, 3);
  if (older.fullTreeHead.headType !== 'updated') throw new Error('expected updated');
  const wrongSize = { ...r, fullTreeHead: { ...r.fullTreeHead, auditorTreeHeads: older.fullTreeHead.auditorTreeHeads } };
  assert.throws(() => verifySearch(f.policy(now), undefined, alice, wrongSize), code('auditor-mismatch'));
});

test('a label that is not in the log cannot be shown: a value the log does not hold is rejected', () => {
  const f = directory();
  const now = START + 4 * EPOCH_MS;
  const r = f.prover.search(alice, 4);
  // The server swaps in another value (an identity key not in the log).
  assert.throws(() => verifySearch(f.policy(now), undefined, alice, { ...r, value: Uint8Array.of(6, 6, 6) }), VerifyError);
  // Or claims an older version is the greatest.
  const v1 = f.prover.search(alice, 2);
  assert.throws(() => verifySearch(f.policy(now), undefined, alice, { ...r, version: v1.version, opening: v1.opening, value: v1.value, binaryLadder: v1.binaryLadder }), VerifyError);
  // Or serves alice's proof for bob.
  assert.throws(() => verifySearch(f.policy(now), undefined, accountLabel(seed('bob').subarray(0, 16)), r), VerifyError);
});

test('a fixed-version search proves each earlier version and its value', () => {
  const f = directory();
  const now = START + 4 * EPOCH_MS;
  for (const version of [0, 1, 2]) {
    const r = verifyFixedVersionSearch(f.policy(now), undefined, alice, version, f.prover.searchVersion(alice, version, 4));
    assert.equal(r.version, version);
    assert.deepEqual(r.value, Uint8Array.of(1, version));
    assert.equal(r.checkpoint.treeSize, 4);
  }
  // Against a retained checkpoint, as a client asks after a greatest-version search.
  const latest = verifySearch(f.policy(now), undefined, alice, f.prover.search(alice, 2));
  assert.equal(verifyFixedVersionSearch(f.policy(now), latest.checkpoint, alice, 0, f.prover.searchVersion(alice, 0, 4, 2)).version, 0);
  // A version the served tree does not have yet is not found.
  assert.throws(() => f.prover.searchVersion(alice, 2, 3), (e: unknown) => e instanceof ProverError && e.code === 'unknown-label');
  assert.throws(() => f.prover.searchVersion(alice, -1, 4), (e: unknown) => e instanceof ProverError && e.code === 'unknown-label');
});

test('a fixed-version search for another version, or a greatest-version proof in its place, is rejected', () => {
  const f = directory();
  const now = START + 4 * EPOCH_MS;
  // The answer about version 1 when version 0 was asked (and the other way round).
  assert.throws(() => verifyFixedVersionSearch(f.policy(now), undefined, alice, 0, f.prover.searchVersion(alice, 1, 4)), code('ladder-mismatch'));
  // Relabelled: version 0's value claimed as version 1's.
  const relabelled = { ...f.prover.searchVersion(alice, 0, 4), version: 1 };
  assert.throws(() => verifyFixedVersionSearch(f.policy(now), undefined, alice, 1, relabelled), VerifyError);
  // A greatest-version search carries a ladder with absent lookups: not a fixed-version proof.
  assert.throws(() => verifyFixedVersionSearch(f.policy(now), undefined, alice, 2, f.prover.search(alice, 4)), code('wrong-step-count'));
  // Another label's proof.
  assert.throws(() => verifyFixedVersionSearch(f.policy(now), undefined, usernameLabel('alice'), 0, f.prover.searchVersion(alice, 0, 4)), VerifyError);
});

test('every single-byte flip and every number moved by one in a fixed-version search response is rejected', () => {
  const f = directory();
  const now = START + 4 * EPOCH_MS;
  const first = verifySearch(f.policy(now), undefined, alice, f.prover.search(alice, 2));
  const response = f.prover.searchVersion(alice, 1, 4, 2);
  let count = 0;
  for (const { where, mutated } of mutations(response)) {
    assert.throws(() => verifyFixedVersionSearch(f.policy(now), first.checkpoint, alice, 1, mutated), VerifyError, where);
    count++;
  }
  assert.ok(count > 500, `${count} mutations`);
});
