/** Passcode normalisation: one byte string per passcode, however it was typed. */
import { VaultError } from './errors.ts';
import { MAX_PASSCODE_BYTES } from './limits.ts';

/**
 * The bytes Argon2id hashes for `passcode`: UTF-8 of its NFC normalisation, so the same
 * passcode typed on two keyboards (composed or decomposed accents) unlocks the same vault.
 * The returned array is the caller's; zero it after use.
 * @throws VaultError('invalid-argument') when empty or longer than MAX_PASSCODE_BYTES.
 */
export function passcodeBytes(passcode: string): Uint8Array {
  if (typeof passcode !== 'string' || passcode.length === 0) {
    throw new VaultError('invalid-argument', 'passcode must be a non-empty string');
  }
  // Bound before normalising: NFC of n UTF-16 units is at most 3n units.
  if (passcode.length > MAX_PASSCODE_BYTES) {
    throw new VaultError('invalid-argument', `passcode longer than ${MAX_PASSCODE_BYTES} bytes`);
  }
  const bytes = new TextEncoder().encode(passcode.normalize('NFC'));
  if (bytes.length > MAX_PASSCODE_BYTES) {
    bytes.fill(0);
    throw new VaultError('invalid-argument', `passcode longer than ${MAX_PASSCODE_BYTES} bytes`);
  }
  return bytes;
}
