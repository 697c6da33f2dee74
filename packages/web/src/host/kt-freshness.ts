/**
 * The web client's own bound on a key-transparency checkpoint's age, chosen at sign-up and
 * kept in the vault (an encrypted setting), as `sealed init --kt-max-age` pins it for the
 * CLI. The log signs its own bound (the Configuration's max_behind, at least 10 minutes
 * on our server) and a client cannot tighten that; this one can: a checkpoint whose latest
 * entry is older is refused as `stale-checkpoint` (the SDK's maxCheckpointAgeMs), so a
 * server whose auditor stopped countersigning, or that stopped its log, is noticed sooner.
 *
 * It only ever tightens the log's bound, so an unreadable setting falls back to the log's
 * bound rather than refusing everything.
 */

/** Vault setting name. */
export const FRESHNESS_SETTING = 'kt-max-age';
export const FRESHNESS_RECORD_VERSION = 1;
/** Largest bound accepted (a week, as the CLI's --kt-max-age). */
export const MAX_FRESHNESS_SECONDS = 7 * 24 * 3600;

export class FreshnessError extends Error {
  override readonly name = 'FreshnessError';
}

/**
 * The bound typed by the user: empty means the log's own bound (undefined).
 * @throws {FreshnessError} for anything but a whole number of seconds in 1..MAX_FRESHNESS_SECONDS
 */
export function parseFreshnessSeconds(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (!/^[1-9][0-9]{0,6}$/.test(trimmed) || Number(trimmed) > MAX_FRESHNESS_SECONDS) {
    throw new FreshnessError(`the checkpoint age must be a whole number of seconds from 1 to ${MAX_FRESHNESS_SECONDS}`);
  }
  return Number(trimmed);
}

/** Four octets, big-endian seconds. */
export function encodeFreshness(seconds: number): Uint8Array {
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_FRESHNESS_SECONDS) throw new FreshnessError(`${seconds} s is out of range`);
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, seconds);
  return out;
}

/** @throws {FreshnessError} for a record that is not four octets holding 1..MAX_FRESHNESS_SECONDS */
export function decodeFreshness(data: Uint8Array): number {
  if (data.length !== 4) throw new FreshnessError(`a record of ${data.length} octets`);
  const seconds = new DataView(data.buffer, data.byteOffset, 4).getUint32(0);
  if (seconds < 1 || seconds > MAX_FRESHNESS_SECONDS) throw new FreshnessError(`${seconds} s is out of range`);
  return seconds;
}
