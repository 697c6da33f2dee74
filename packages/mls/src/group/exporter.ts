/**
 * What the application may read of an epoch (RFC 9420 §8.5, §8.7): exported secrets and
 * the epoch authenticator members compare to detect a split view of the group.
 */
import { mlsExporter } from '../key-schedule/exporter.ts';
import type { GroupState } from './state.ts';

/**
 * MLS-Exporter(label, context, length) of the current epoch (§8.5).
 * @throws MlsCryptoError('invalid-length') for a length above 255 * Nh or a uint16
 */
export function exportSecret(state: GroupState, label: string, context: Uint8Array, length: number): Uint8Array {
  return mlsExporter(state.suite, state.keys.exporterSecret, label, context, length);
}

/** The epoch authenticator of the current epoch (§8.7): a copy, safe to show to users as a fingerprint. */
export function epochAuthenticator(state: GroupState): Uint8Array {
  return state.keys.epochAuthenticator.slice();
}
