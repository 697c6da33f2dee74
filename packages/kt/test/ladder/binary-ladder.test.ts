import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LadderError, MAX_VERSION, baseBinaryLadder, greatestVersionFromLadder, monitoringBinaryLadder, searchBinaryLadder, type LadderLookup } from '../../src/ladder/binary-ladder.ts';

const isLadderError = (e: unknown) => e instanceof LadderError;
const lookupsFor = (n: number): LadderLookup[] => baseBinaryLadder(n).map((version) => ({ version, included: version <= n }));

test('draft "Binary Ladder": greatest version 6 is 0, 1, 3 included, 7 absent, then 5, 6 included', () => {
  assert.deepEqual(lookupsFor(6), [
    { version: 0, included: true },
    { version: 1, included: true },
    { version: 3, included: true },
    { version: 7, included: false },
    { version: 5, included: true },
    { version: 6, included: true },
  ]);
  assert.equal(greatestVersionFromLadder(lookupsFor(6)), 6);
  assert.deepEqual(baseBinaryLadder(0), [0, 1]);
  assert.deepEqual(monitoringBinaryLadder(6), [0, 1, 3, 5, 6]);
});

test('the top of the version space: lookups above 2^32 - 1 are skipped', () => {
  const top = baseBinaryLadder(MAX_VERSION);
  assert.ok(top.every((v) => v <= MAX_VERSION));
  assert.equal(top[top.length - 1], MAX_VERSION);
  assert.equal(greatestVersionFromLadder(lookupsFor(MAX_VERSION)), MAX_VERSION);
  assert.equal(greatestVersionFromLadder(lookupsFor(MAX_VERSION - 1)), MAX_VERSION - 1);
  assert.throws(() => baseBinaryLadder(MAX_VERSION + 1), isLadderError);
  assert.throws(() => baseBinaryLadder(-1), isLadderError);
});

test('search ladder stops at the first deciding lookup and skips versions already proved', () => {
  // Target 2 when the greatest version is 6: 0, 1 included (<= t), 3 included (> t) ends it.
  assert.deepEqual(searchBinaryLadder(2, 6), [0, 1, 3]);
  // Target 9 when the greatest is 6: 7 is absent and 7 <= 9 ends it.
  assert.deepEqual(searchBinaryLadder(9, 6), [0, 1, 3, 7]);
  assert.deepEqual(searchBinaryLadder(2, 6, [0, 1], []), [3]);
  assert.deepEqual(searchBinaryLadder(6, 6), baseBinaryLadder(6));
});

test('every ladder of n in 0..2000 replays to n; any flipped outcome, dropped, extra or swapped lookup is rejected or changes n', () => {
  let damaged = 0;
  for (let n = 0; n <= 2000; n++) {
    const good = lookupsFor(n);
    assert.equal(greatestVersionFromLadder(good), n);
    for (let i = 0; i < good.length; i++) {
      const flipped = good.map((l, j) => (j === i ? { ...l, included: !l.included } : l));
      // A flipped outcome either breaks the ladder or is the ladder of another n (flipping
      // the last lookup of a binary search); it never still claims n.
      let claimed: number | undefined;
      try {
        claimed = greatestVersionFromLadder(flipped);
      } catch (e) {
        assert.ok(e instanceof LadderError);
      }
      assert.notEqual(claimed, n, `n=${n} flip ${i}`);
      if (claimed !== undefined) assert.deepEqual(flipped, lookupsFor(claimed));
      const dropped = good.filter((_, j) => j !== i);
      assert.throws(() => greatestVersionFromLadder(dropped), isLadderError);
      damaged += 2;
    }
    assert.throws(() => greatestVersionFromLadder([...good, { version: n + 1, included: false }]), isLadderError);
    if (good.length > 2) {
      const swapped = [good[1], good[0], ...good.slice(2)] as LadderLookup[];
      assert.throws(() => greatestVersionFromLadder(swapped), isLadderError);
    }
  }
  assert.throws(() => greatestVersionFromLadder([{ version: 0, included: false }]), (e) => e instanceof LadderError && e.code === 'no-lower-bound');
  assert.throws(() => greatestVersionFromLadder([]), (e) => e instanceof LadderError && e.code === 'ladder-incomplete');
  console.log(`binary ladder: ${damaged} damaged ladders, none still claims its n`);
});

test('property: random n up to 2^32 - 1 replays to n; search ladders are prefixes of the base ladder', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: MAX_VERSION }), fc.integer({ min: 0, max: MAX_VERSION }), (n, t) => {
      assert.equal(greatestVersionFromLadder(lookupsFor(n)), n);
      const base = baseBinaryLadder(n);
      const search = searchBinaryLadder(t, n);
      assert.deepEqual(search, base.slice(0, search.length));
      assert.ok(monitoringBinaryLadder(t).every((v) => v <= t));
    }),
    { numRuns: 300 },
  );
});
