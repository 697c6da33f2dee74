/**
 * Measures Argon2id as the vault runs it (hash-wasm, 64 MiB, 3 passes, 1 lane) and what
 * calibration picks on this machine. Not a test (performance is never asserted in tests).
 * Run: node --import tsx packages/client/test/vault/measure-argon2.ts
 * Compare with the native reference implementation: see docs/vault.md.
 */
import { argon2id } from 'hash-wasm';
import { calibrateArgon2 } from '../../src/vault/calibrate.ts';
import { MIN_ARGON2_ITERATIONS, MIN_ARGON2_MEMORY_KIB } from '../../src/vault/limits.ts';

const RUNS = 5;
const times: number[] = [];
let hash = '';
for (let i = 0; i < RUNS; i++) {
  const start = performance.now();
  hash = await argon2id({
    password: '123456',
    salt: new Uint8Array(16),
    iterations: MIN_ARGON2_ITERATIONS,
    parallelism: 1,
    memorySize: MIN_ARGON2_MEMORY_KIB,
    hashLength: 32,
    outputType: 'hex',
  });
  times.push(performance.now() - start);
}
times.sort((a, b) => a - b);
const ms = (x: number | undefined) => `${(x ?? NaN).toFixed(0)} ms`;
console.log(`hash-wasm Argon2id m=${MIN_ARGON2_MEMORY_KIB} KiB t=${MIN_ARGON2_ITERATIONS} p=1, ${RUNS} runs: median ${ms(times[2])}, min ${ms(times[0])}, max ${ms(times[RUNS - 1])}`);
console.log(`output for password "123456", 16 zero bytes of salt: ${hash}`);
const start = performance.now();
const params = await calibrateArgon2();
console.log(`calibration (target 1000 ms) chose ${JSON.stringify(params)} in ${ms(performance.now() - start)}`);
