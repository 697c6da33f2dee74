/**
 * One error type for the device vault. `code` is a closed union so callers can branch on
 * it; messages never contain a passcode, a key or record contents (STYLE habit 9).
 */
export type VaultErrorCode =
  | 'header-truncated' // fewer bytes than the header's version and state require
  | 'header-trailing-bytes' // more bytes than the header's state allows
  | 'header-not-a-vault' // the magic bytes are not "SLVH"
  | 'header-version-unknown' // a version newer than this code understands
  | 'header-version-too-old' // a version this code no longer reads (0 is reserved)
  | 'header-corrupt' // checksum mismatch: bytes flipped on disk
  | 'header-malformed' // a field outside its allowed range (state, Argon2 parameters, limits)
  | 'not-initialized' // no vault exists in this storage yet
  | 'already-exists' // create() over an existing, not wiped vault
  | 'wrong-passcode' // authenticated unwrap failed; the failure was counted
  | 'wiped' // the attempt limit was reached: keys and records are destroyed
  | 'locked' // an operation that needs the vault key while the vault is locked
  | 'busy' // another process holds the vault's attempt lock for longer than the wait bound
  | 'weak-parameters' // Argon2id parameters below the production floor without the test opt-in
  | 'invalid-argument' // a caller-supplied value outside its documented range
  | 'record-malformed' // a stored record envelope that cannot be parsed
  | 'record-auth' // a stored record that fails authentication (tampered, swapped or foreign)
  | 'record-version-unknown'; // a record envelope version newer than this code

/** Thrown by every vault and encrypted-store operation on bad input or state. */
export class VaultError extends Error {
  override readonly name = 'VaultError';
  constructor(
    readonly code: VaultErrorCode,
    detail: string,
    /** For 'wrong-passcode': how many attempts are left before the wipe. */
    readonly attemptsRemaining?: number,
  ) {
    super(`${code}: ${detail}`);
  }
}
