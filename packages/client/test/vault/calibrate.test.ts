import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Argon2Params } from '../../src/vault/argon2.ts';
import { calibrateArgon2 } from '../../src/vault/calibrate.ts';
import { MAX_ARGON2_ITERATIONS, MIN_ARGON2_ITERATIONS, MIN_ARGON2_MEMORY_KIB } from '../../src/vault/limits.ts';
import { rejectCode } from './helpers.ts';

/** A fake derivation that advances a fake clock by base + perPass * passes. */
function fakeDevice(baseMs: number, perPassMs: number) {
  let clock = 0;
  const seen: Argon2Params[] = [];
  return {
    seen,
    now: () => clock,
    derive: async (params: Argon2Params) => {
      seen.push(params);
      clock += baseMs + perPassMs * params.iterations;
    },
  };
}

test('calibrate: a fast device gets more passes, up to the bound; memory stays at the floor', async () => {
  const device = fakeDevice(10, 10);
  const params = await calibrateArgon2({ targetMs: 1000, now: device.now, derive: device.derive });
  // base (t=3) 40 ms, 10 ms per pass: 99 passes would reach 1000 ms; the bound caps it.
  assert.equal(params.iterations, MAX_ARGON2_ITERATIONS);
  assert.equal(params.memoryKiB, MIN_ARGON2_MEMORY_KIB);
  assert.ok(device.seen.every((p) => p.memoryKiB >= MIN_ARGON2_MEMORY_KIB));
});

test('calibrate: a slow device still gets the floor (64 MiB, 3 passes)', async () => {
  const device = fakeDevice(5000, 1000);
  const params = await calibrateArgon2({ targetMs: 100, now: device.now, derive: device.derive });
  assert.deepEqual(params, { memoryKiB: MIN_ARGON2_MEMORY_KIB, iterations: MIN_ARGON2_ITERATIONS, parallelism: 1 });
});

test('calibrate: a clock that stands still or runs backwards cannot lower the floor', async () => {
  for (const now of [() => 0, (() => { let t = 1e9; return () => (t -= 1000); })()]) {
    const params = await calibrateArgon2({ targetMs: 500, now, derive: async () => undefined });
    assert.ok(params.memoryKiB >= MIN_ARGON2_MEMORY_KIB);
    assert.ok(params.iterations >= MIN_ARGON2_ITERATIONS && params.iterations <= MAX_ARGON2_ITERATIONS);
  }
});

test('calibrate: a moderate device lands near the target', async () => {
  const device = fakeDevice(200, 100);
  const params = await calibrateArgon2({ targetMs: 1000, now: device.now, derive: device.derive });
  // base (t=3) costs 500 ms, each further pass 100 ms: 5 more passes reach 1000 ms.
  assert.equal(params.iterations, 8);
});

test('calibrate: refuses memory below the floor and absurd targets', async () => {
  assert.equal(await rejectCode(calibrateArgon2({ memoryKiB: 1024 })), 'weak-parameters');
  assert.equal(await rejectCode(calibrateArgon2({ targetMs: 0 })), 'invalid-argument');
  assert.equal(await rejectCode(calibrateArgon2({ targetMs: 60_000 })), 'invalid-argument');
});
