/**
 * What a device or an identity key signs to prove possession. Each has its own label
 * (domain separation), so a signature made for one purpose is useless for another.
 *
 *   device authentication:  "sealed auth v1\0" || challenge[32] || deviceId[16]
 *       signed by the device key (POST /v1/sessions, and at registration for the first device)
 *   registration:           "sealed register v1\0" || challenge[32] || usernameLength u8 || username
 *       signed by the account identity key
 */
import { concatBytes } from '@sealed/crypto/bytes';
import { CHALLENGE_BYTES, ID_BYTES } from './limits.ts';

export const AUTH_LABEL = new TextEncoder().encode('sealed auth v1\0');
export const REGISTER_LABEL = new TextEncoder().encode('sealed register v1\0');

/** @throws RangeError for wrong lengths. */
export function authSigningInput(challenge: Uint8Array, deviceId: Uint8Array): Uint8Array {
  if (challenge.length !== CHALLENGE_BYTES || deviceId.length !== ID_BYTES) throw new RangeError('challenge or device id length');
  return concatBytes(AUTH_LABEL, challenge, deviceId);
}

/** `username` must already be normalised (ASCII). @throws RangeError for wrong lengths. */
export function registrationSigningInput(challenge: Uint8Array, username: string): Uint8Array {
  if (challenge.length !== CHALLENGE_BYTES || username.length > 255) throw new RangeError('challenge or username length');
  const name = new TextEncoder().encode(username);
  return concatBytes(REGISTER_LABEL, challenge, new Uint8Array([name.length]), name);
}
