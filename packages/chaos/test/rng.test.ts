// The chaos runner's decisions replay from the seed: same seed, same stream; forks independent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../src/rng.ts';

test('the same seed gives the same decisions; another seed does not', () => {
  const draw = (seed: string) => {
    const rng = new Rng(seed);
    return Array.from({ length: 50 }, () => rng.int(0, 1_000_000));
  };
  assert.deepEqual(draw('abc'), draw('abc'));
  assert.notDeepEqual(draw('abc'), draw('abd'));
});

test('forks are independent of draws made on the parent', () => {
  const a = new Rng('s');
  const b = new Rng('s');
  for (let i = 0; i < 10; i++) b.next32();
  assert.deepEqual(Array.from({ length: 5 }, () => a.fork('x').next32()), Array.from({ length: 5 }, () => b.fork('x').next32()));
});

test('int, chance and weighted stay within their ranges and follow their weights', () => {
  const rng = new Rng('ranges');
  const counts = { a: 0, b: 0 };
  for (let i = 0; i < 10_000; i++) {
    const n = rng.int(3, 7);
    assert.ok(n >= 3 && n <= 7 && Number.isInteger(n));
    counts[rng.weighted({ a: 9, b: 1 })]++;
    assert.equal(rng.chance(0), false);
    assert.equal(rng.chance(1), true);
  }
  assert.ok(counts.a > 8_500 && counts.b > 500, JSON.stringify(counts));
  assert.throws(() => rng.pick([]));
});
