/**
 * Noticing that this device was removed from its account (from another of its devices),
 * so the UI can erase it, as an unlinked phone or desktop erases itself.
 *
 * The relay deletes a removed device with its sessions and queue and closes its socket, so
 * the device cannot fetch the signed list that removed it (every lookup needs a session).
 * What it sees is a sign-in refused as `unauthorized`: each attempt asks for a fresh
 * challenge and signs it with this device's key, so a refusal of a correctly signed fresh
 * challenge means the relay no longer knows the device. It is taken as removal after
 * REMOVAL_REFUSALS refusals in a row (a single refusal could be a challenge lost to a race
 * or a restart of the relay). The engine's own `device-removed` (a signed list without this
 * device) is proof on its own.
 *
 * What this trusts: the relay's word. A malicious relay can make a device erase itself this
 * way; it gains nothing to read by it (docs/THREAT-MODEL.md, "removed member").
 */
import type { SealedHost } from './host.ts';

/** Sign-ins refused as `unauthorized` in a row before the device counts as removed. */
export const REMOVAL_REFUSALS = 2;

export type RemovalEvidence = 'device-list' | 'sign-in-refused';

/**
 * Calls `onRemoved` once, when this device is known to be removed. Returns the unsubscribe
 * function.
 */
export function watchForRemoval(host: Pick<SealedHost, 'on'>, onRemoved: (evidence: RemovalEvidence) => void): () => void {
  let refusals = 0;
  let fired = false;
  const fire = (evidence: RemovalEvidence) => {
    if (fired) return;
    fired = true;
    onRemoved(evidence);
  };
  return host.on((event) => {
    switch (event.type) {
      case 'device-removed':
        fire('device-list');
        break;
      case 'sign-in-failed':
        // Unreachable, rate-limited or failing relays are not evidence; only a refusal is.
        if (event.code !== 'unauthorized') break;
        refusals++;
        if (refusals >= REMOVAL_REFUSALS) fire('sign-in-refused');
        break;
      case 'online':
        refusals = 0;
        break;
      default:
        break;
    }
  });
}
