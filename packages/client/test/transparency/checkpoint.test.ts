import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeProvider } from '@sealed/crypto/node/provider';
import { verifyCheckpoint, type VerifiedCheckpoint } from '../../src/transparency/checkpoint.ts';
import { trustPolicy } from '../../src/transparency/trust-policy.ts';
import { TransparencyError, type TransparencyErrorCode } from '../../src/transparency/transparency-error.ts';
import { TestLog } from './support/test-log.ts';

const code = (c: TransparencyErrorCode) => (e: unknown) => e instanceof TransparencyError && e.code === c;

function setup(required = 2) {
  const log = new TestLog().append(7);
  const policy = trustPolicy(log.config, required, 10 * 60_000);
  return { log, policy, now: log.time + 1000 };
}

test('a checkpoint with the log signature and the required auditor countersignatures verifies', () => {
  const { log, policy, now } = setup(3);
  const { fullTreeHead, latest } = log.checkpoint();
  const v = verifyCheckpoint(nodeProvider, policy, fullTreeHead, latest, undefined, now);
  assert.equal(v.treeSize, 7);
  assert.deepEqual(v.root, log.root());
  assert.equal(v.auditorTreeHeads.length, 3);
});

test('fewer auditors than the policy requires: rejected; the required number is configurable', () => {
  const { log, now } = setup();
  const { fullTreeHead, latest } = log.checkpoint({ auditors: [1] });
  assert.throws(() => verifyCheckpoint(nodeProvider, trustPolicy(log.config, 2, 600_000), fullTreeHead, latest, undefined, now), code('too-few-auditors'));
  verifyCheckpoint(nodeProvider, trustPolicy(log.config, 1, 600_000), fullTreeHead, latest, undefined, now);
  assert.throws(() => trustPolicy(log.config, 4), code('malformed'));
});

test('a countersignature for another size, or listed twice, is refused', () => {
  const { log, policy, now } = setup();
  const { fullTreeHead, latest } = log.checkpoint();
  if (fullTreeHead.headType !== 'updated') throw new Error('unreachable');
  const other = log.checkpoint({ size: 6 }).fullTreeHead;
  if (other.headType !== 'updated') throw new Error('unreachable');
  const mixed = { ...fullTreeHead, auditorTreeHeads: [other.auditorTreeHeads[0]!, ...fullTreeHead.auditorTreeHeads.slice(1)] };
  assert.throws(() => verifyCheckpoint(nodeProvider, policy, mixed, latest, undefined, now), code('bad-auditor-signature'));
  const twice = { ...fullTreeHead, auditorTreeHeads: [fullTreeHead.auditorTreeHeads[0]!, fullTreeHead.auditorTreeHeads[0]!] };
  assert.throws(() => verifyCheckpoint(nodeProvider, policy, twice, latest, undefined, now), code('bad-auditor-signature'));
});

test('every byte of the checkpoint and its latest-entry proof flipped is rejected', () => {
  const { log, policy, now } = setup(3);
  const last = 3;
  const previous = verifyCheckpoint(nodeProvider, policy, log.checkpoint({ size: last }).fullTreeHead, log.checkpoint({ size: last }).latest, undefined, log.entries[last - 1]!.timestamp);
  const { fullTreeHead, latest } = log.checkpoint({ last });
  if (fullTreeHead.headType !== 'updated') throw new Error('unreachable');
  verifyCheckpoint(nodeProvider, policy, fullTreeHead, latest, previous, now);
  let rejected = 0;
  const expectRejected = (f: typeof fullTreeHead, l: typeof latest) => {
    assert.throws(() => verifyCheckpoint(nodeProvider, policy, f, l, previous, now), TransparencyError);
    rejected++;
  };
  const flip = (b: Uint8Array, i: number) => {
    const c = b.slice();
    c[i]! ^= 0x01;
    return c;
  };
  for (let i = 0; i < 64; i++) expectRejected({ ...fullTreeHead, treeHead: { ...fullTreeHead.treeHead, signature: flip(fullTreeHead.treeHead.signature, i) } }, latest);
  for (const [k, a] of fullTreeHead.auditorTreeHeads.entries()) {
    for (let i = 0; i < 64; i++) {
      const heads = fullTreeHead.auditorTreeHeads.map((h, j) => (j === k ? { ...a, signature: flip(a.signature, i) } : h));
      expectRejected({ ...fullTreeHead, auditorTreeHeads: heads }, latest);
    }
  }
  for (let i = 0; i < 32; i++) expectRejected(fullTreeHead, { ...latest, prefixRoot: flip(latest.prefixRoot, i) });
  for (const list of ['inclusion', 'consistency'] as const) {
    for (const [k, h] of latest[list].entries()) {
      for (let i = 0; i < 32; i++) expectRejected(fullTreeHead, { ...latest, [list]: latest[list].map((x, j) => (j === k ? flip(h, i) : x)) });
    }
    expectRejected(fullTreeHead, { ...latest, [list]: latest[list].slice(1) });
    expectRejected(fullTreeHead, { ...latest, [list]: [...latest[list], new Uint8Array(32)] });
  }
  expectRejected(fullTreeHead, { ...latest, timestamp: latest.timestamp + 1 });
  expectRejected({ ...fullTreeHead, treeHead: { ...fullTreeHead.treeHead, treeSize: 8 } }, latest);
  assert.ok(rejected > 64 * 4 + 32);
});

test('missing heartbeats: a checkpoint whose latest entry is older than the maximum age is stale', () => {
  const { log, policy } = setup();
  const { fullTreeHead, latest } = log.checkpoint();
  assert.throws(() => verifyCheckpoint(nodeProvider, policy, fullTreeHead, latest, undefined, log.time + policy.maxAgeMs + 1), code('stale-checkpoint'));
  verifyCheckpoint(nodeProvider, policy, fullTreeHead, latest, undefined, log.time + policy.maxAgeMs);
  assert.throws(() => verifyCheckpoint(nodeProvider, policy, fullTreeHead, latest, undefined, log.time - log.config.maxAhead - 1), code('checkpoint-from-future'));
});

test('rollback: a smaller (or older) checkpoint than one verified before is rejected', () => {
  const { log, policy, now } = setup();
  const big = log.checkpoint();
  const previous = verifyCheckpoint(nodeProvider, policy, big.fullTreeHead, big.latest, undefined, now);
  const small = log.checkpoint({ size: 5 });
  assert.throws(() => verifyCheckpoint(nodeProvider, policy, small.fullTreeHead, small.latest, previous, now), code('rolled-back'));
});

test('growth needs a valid consistency proof; a fork (two roots for a size, or no proof) is inconsistent with evidence', () => {
  const { log, policy, now } = setup();
  const at4 = log.checkpoint({ size: 4 });
  const previous: VerifiedCheckpoint = verifyCheckpoint(nodeProvider, policy, at4.fullTreeHead, at4.latest, undefined, now);
  const grown = log.checkpoint({ last: 4 });
  assert.equal(verifyCheckpoint(nodeProvider, policy, grown.fullTreeHead, grown.latest, previous, now).treeSize, 7);
  // A forked log: same first three entries, a different fourth one.
  const fork = new TestLog();
  fork.entries.push(...log.entries.slice(0, 3));
  fork.time = log.entries[2]!.timestamp;
  fork.append(4);
  const forked = fork.checkpoint({ last: 4 });
  assert.throws(
    () => verifyCheckpoint(nodeProvider, policy, forked.fullTreeHead, forked.latest, previous, now),
    (e) => code('inconsistent')(e) && (e as TransparencyError).evidence?.first.treeSize === 4 && (e as TransparencyError).evidence?.second.treeSize === 7,
  );
  const sameSize = fork.checkpoint({ size: 4 });
  assert.throws(() => verifyCheckpoint(nodeProvider, policy, sameSize.fullTreeHead, sameSize.latest, previous, now), code('inconsistent'));
});

test("head_type 'same' reuses our checkpoint's signature and must recompute to its root", () => {
  const { log, policy, now } = setup();
  const c = log.checkpoint();
  const previous = verifyCheckpoint(nodeProvider, policy, c.fullTreeHead, c.latest, undefined, now);
  verifyCheckpoint(nodeProvider, policy, { headType: 'same' }, c.latest, previous, now);
  assert.throws(() => verifyCheckpoint(nodeProvider, policy, { headType: 'same' }, c.latest, undefined, now), code('malformed'));
  const other = log.checkpoint({ size: 6 });
  assert.throws(() => verifyCheckpoint(nodeProvider, policy, { headType: 'same' }, other.latest, previous, now), TransparencyError);
});
