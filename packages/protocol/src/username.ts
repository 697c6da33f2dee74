/**
 * Username rules. A username is the only identifier of an account (no phone, no e-mail).
 *
 * Normalisation, in order:
 *   1. reject input longer than MAX_USERNAME_INPUT_LENGTH UTF-16 units (before any work);
 *   2. Unicode NFKC (full-width and compatibility forms fold to ASCII: "Ａｌｉｃｅ" -> "Alice");
 *   3. lowercase (ASCII and Unicode);
 *   4. the result must be 3..32 characters of [a-z0-9._-], starting and ending with a letter
 *      or digit.
 * Anything else is rejected rather than transliterated: no homoglyph can pass step 4.
 */
import { USERNAME_MAX_LENGTH, USERNAME_MIN_LENGTH } from './limits.ts';

/** Raw input bound: NFKC may expand text, so bound it before normalising. */
export const MAX_USERNAME_INPUT_LENGTH = 128;

const PATTERN = /^[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?$/;

export type UsernameError = 'not-a-string' | 'too-long-input' | 'too-short' | 'too-long' | 'invalid-characters';

/** The normalised username, or the rule it breaks. */
export function normaliseUsername(input: unknown): { ok: true; username: string } | { ok: false; error: UsernameError } {
  if (typeof input !== 'string') return { ok: false, error: 'not-a-string' };
  if (input.length > MAX_USERNAME_INPUT_LENGTH) return { ok: false, error: 'too-long-input' };
  const username = input.normalize('NFKC').toLowerCase();
  if (username.length < USERNAME_MIN_LENGTH) return { ok: false, error: 'too-short' };
  if (username.length > USERNAME_MAX_LENGTH) return { ok: false, error: 'too-long' };
  if (!PATTERN.test(username)) return { ok: false, error: 'invalid-characters' };
  return { ok: true, username };
}
