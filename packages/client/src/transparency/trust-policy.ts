/**
 * What a client requires of a checkpoint before it trusts anything proven against it
 * (issue 6: "the client requires the server signature plus a configurable number of
 * auditor signatures and a fresh checkpoint").
 */
import type { Configuration } from '@sealed/kt/checkpoint/configuration';
import { TransparencyError } from './transparency-error.ts';

/** Ed25519 public key length: the Configuration's auditor field is a concatenation of these. */
const AUDITOR_KEY_LEN = 32;

export interface TrustPolicy {
  /** The log's Configuration, pinned by the client (public keys, max_ahead, max_behind). */
  readonly config: Configuration;
  /** How many distinct configured auditors must countersign the checkpoint (0 = none). */
  readonly requiredAuditors: number;
  /**
   * The oldest the checkpoint's latest log entry may be, in ms. The server writes a
   * heartbeat entry every epoch (60 s by default), so an old latest entry means the
   * server stopped the log or is serving a stale view.
   */
  readonly maxAgeMs: number;
}

/**
 * The auditor keys of a thirdPartyAuditing Configuration: Sealed's wire contract puts
 * 1..16 Ed25519 keys, concatenated, in `auditor_public_key`.
 * @throws {TransparencyError} `malformed` for a field that is not whole keys.
 */
export function configuredAuditorKeys(config: Configuration): Uint8Array[] {
  if (config.mode.kind !== 'thirdPartyAuditing') return [];
  const field = config.mode.auditorPublicKey;
  if (field.length === 0 || field.length % AUDITOR_KEY_LEN !== 0) throw new TransparencyError('malformed', `auditor_public_key of ${field.length} octets`);
  const keys: Uint8Array[] = [];
  for (let off = 0; off < field.length; off += AUDITOR_KEY_LEN) keys.push(field.slice(off, off + AUDITOR_KEY_LEN));
  return keys;
}

/**
 * A policy, checked for sense: the auditors required must exist in the Configuration.
 * @throws {TransparencyError} `malformed` otherwise.
 */
export function trustPolicy(config: Configuration, requiredAuditors: number, maxAgeMs: number = config.maxBehind): TrustPolicy {
  const available = configuredAuditorKeys(config).length;
  if (!Number.isInteger(requiredAuditors) || requiredAuditors < 0 || requiredAuditors > available) {
    throw new TransparencyError('malformed', `${requiredAuditors} auditors required, ${available} configured`);
  }
  if (!Number.isSafeInteger(maxAgeMs) || maxAgeMs <= 0) throw new TransparencyError('malformed', 'maxAgeMs must be a positive integer');
  return { config, requiredAuditors, maxAgeMs };
}
