/**
 * Picks Argon2id parameters on first use: the production floor (64 MiB, 3 passes) raised in
 * passes until one derivation takes about the target time on this device.
 */
import { deriveWrappingKey, type Argon2Params } from './argon2.ts';
import { VaultError } from './errors.ts';
import {
  ARGON2_SALT_LENGTH,
  DEFAULT_CALIBRATION_TARGET_MS,
  MAX_ARGON2_ITERATIONS,
  MAX_CALIBRATION_TARGET_MS,
  MIN_ARGON2_ITERATIONS,
  MIN_ARGON2_MEMORY_KIB,
} from './limits.ts';

export interface CalibrationOptions {
  /** Wanted time per derivation in ms (default DEFAULT_CALIBRATION_TARGET_MS). */
  readonly targetMs?: number;
  /** Memory in KiB; never below MIN_ARGON2_MEMORY_KIB (default: that floor). */
  readonly memoryKiB?: number;
  /** Monotonic clock in ms; injectable so tests control it (default performance.now). */
  readonly now?: () => number;
  /** The derivation to time (default: the real Argon2id); tests pass a stub with the clock. */
  readonly derive?: (params: Argon2Params) => Promise<void>;
}

async function timeOnce(params: Argon2Params): Promise<void> {
  const probe = new Uint8Array(ARGON2_SALT_LENGTH);
  const key = await deriveWrappingKey(new Uint8Array([0x63, 0x61, 0x6c]), probe, params);
  key.fill(0);
}

/**
 * Measures one derivation at the floor and one with two more passes, then chooses the
 * passes (at least MIN_ARGON2_ITERATIONS, at most MAX_ARGON2_ITERATIONS) that reach
 * `targetMs`. Two points separate the fixed cost of filling memory from the cost per pass.
 * The result always meets the production floor, whatever the clock says.
 * @throws VaultError('invalid-argument') for a target outside (0, MAX_CALIBRATION_TARGET_MS]
 *   or memory below the floor.
 */
export async function calibrateArgon2(options: CalibrationOptions = {}): Promise<Argon2Params> {
  const targetMs = options.targetMs ?? DEFAULT_CALIBRATION_TARGET_MS;
  const memoryKiB = options.memoryKiB ?? MIN_ARGON2_MEMORY_KIB;
  if (!(targetMs > 0 && targetMs <= MAX_CALIBRATION_TARGET_MS)) {
    throw new VaultError('invalid-argument', `calibration target must be in (0, ${MAX_CALIBRATION_TARGET_MS}] ms`);
  }
  if (!Number.isSafeInteger(memoryKiB) || memoryKiB < MIN_ARGON2_MEMORY_KIB) {
    throw new VaultError('weak-parameters', `calibration memory must be at least ${MIN_ARGON2_MEMORY_KIB} KiB`);
  }
  const now = options.now ?? (() => performance.now());
  const derive = options.derive ?? timeOnce;
  const base: Argon2Params = { memoryKiB, iterations: MIN_ARGON2_ITERATIONS, parallelism: 1 };
  const more: Argon2Params = { ...base, iterations: MIN_ARGON2_ITERATIONS + 2 };
  const t0 = now();
  await derive(base);
  const t1 = now();
  await derive(more);
  const t2 = now();
  const baseMs = Math.max(0, t1 - t0);
  const perPassMs = Math.max(0.001, (t2 - t1 - baseMs) / 2);
  const extra = Math.ceil((targetMs - baseMs) / perPassMs);
  const iterations = Math.min(MAX_ARGON2_ITERATIONS, Math.max(MIN_ARGON2_ITERATIONS, MIN_ARGON2_ITERATIONS + (Number.isFinite(extra) ? extra : 0)));
  return { memoryKiB, iterations, parallelism: 1 };
}
