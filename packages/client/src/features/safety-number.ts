/**
 * Safety numbers: what two people compare (read aloud or by scanning a QR code) to know that
 * each holds the other's real identity key, so that neither the relay nor anyone else sits
 * in the middle (DESIGN.md G4). In the spirit of Signal's numeric fingerprints, with our
 * own labels:
 *
 *   fingerprint(key, username) = first 30 bytes of H_ITERATIONS, where
 *     H_0     = SHA-512(version u16 || identityKey || utf8(username))
 *     H_{i+1} = SHA-512(H_i || identityKey)         (ITERATIONS = 5200 rounds)
 *   display(fingerprint) = six chunks of 5 bytes, each read as a 40-bit big-endian
 *     integer mod 100000 and printed as 5 digits: 30 digits per account
 *   safety number = the two 30-digit halves in ascending order: 60 digits
 *
 * Both sides sort the same two halves, so both compute the same number (symmetric). The
 * iterations make a key whose fingerprint collides with a chosen one cost 5200 hashes per
 * try on top of the ~2^100 tries a 30-digit half needs.
 *
 *   QR payload (text, QR alphanumeric mode) =
 *     "SEALED:SN:" || version digit || ":" || HEX(first 32 bytes of the lower half's H) ||
 *     HEX(first 32 bytes of the higher half's H)
 *
 * The payload carries 2 x 256 bits (more than the 60 digits); it is symmetric too, so a
 * scanner compares it with its own payload in constant time.
 */
import type { CryptoProvider } from '@sealed/crypto/provider';

export const SAFETY_NUMBER_VERSION = 1;
/** Hash rounds per fingerprint (the cost of each guess of an attacker searching for a collision). */
export const SAFETY_NUMBER_ITERATIONS = 5200;
export const SAFETY_NUMBER_DIGITS = 60;
const CHUNKS_PER_HALF = 6;
const CHUNK_BYTES = 5;
const QR_HASH_BYTES = 32;
const QR_PREFIX = `SEALED:SN:${SAFETY_NUMBER_VERSION}:`;
/** Longest scanned text we look at: our payload is 139 characters; anything much longer is not ours. */
export const MAX_SCANNED_PAYLOAD_CHARS = 512;

export interface SafetyParty {
  readonly username: string;
  readonly identityKey: Uint8Array;
}

export interface SafetyNumber {
  /** 60 digits, no separators. */
  readonly digits: string;
  /** The same digits in 12 groups of 5, for display. */
  readonly groups: readonly string[];
  /** Text to encode in a QR code (qr.ts). */
  readonly qrPayload: string;
}

export type ScanResult = 'match' | 'mismatch' | 'not-a-safety-number' | 'unknown-version';

const utf8 = new TextEncoder();

function iteratedHash(provider: CryptoProvider, party: SafetyParty): Uint8Array {
  const name = utf8.encode(party.username);
  const first = new Uint8Array(2 + party.identityKey.length + name.length);
  first[0] = SAFETY_NUMBER_VERSION >>> 8;
  first[1] = SAFETY_NUMBER_VERSION & 0xff;
  first.set(party.identityKey, 2);
  first.set(name, 2 + party.identityKey.length);
  let h = provider.hash('SHA-512', first);
  const round = new Uint8Array(h.length + party.identityKey.length);
  round.set(party.identityKey, h.length);
  for (let i = 0; i < SAFETY_NUMBER_ITERATIONS; i++) {
    round.set(h, 0);
    h = provider.hash('SHA-512', round);
  }
  return h;
}

function digitsOf(hash: Uint8Array): string {
  let out = '';
  for (let c = 0; c < CHUNKS_PER_HALF; c++) {
    let value = 0;
    // 40 bits stay exact in a double (below 2^53).
    for (let b = 0; b < CHUNK_BYTES; b++) value = value * 256 + hash[c * CHUNK_BYTES + b]!;
    out += String(value % 100000).padStart(5, '0');
  }
  return out;
}

function hex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out.toUpperCase();
}

/**
 * The safety number of two accounts (order of the arguments does not matter).
 * @throws RangeError for an empty identity key or username
 */
export function safetyNumber(provider: CryptoProvider, a: SafetyParty, b: SafetyParty): SafetyNumber {
  for (const p of [a, b]) if (p.identityKey.length === 0 || p.username.length === 0) throw new RangeError('safety number party');
  const halves = [a, b].map((p) => {
    const h = iteratedHash(provider, p);
    return { digits: digitsOf(h), hash: h.subarray(0, QR_HASH_BYTES) };
  });
  // Ties (the same account twice) sort either way to the same result.
  halves.sort((x, y) => (x.digits < y.digits ? -1 : x.digits > y.digits ? 1 : 0));
  const digits = halves[0]!.digits + halves[1]!.digits;
  const groups = Array.from({ length: SAFETY_NUMBER_DIGITS / 5 }, (_, i) => digits.slice(i * 5, i * 5 + 5));
  return { digits, groups, qrPayload: QR_PREFIX + hex(halves[0]!.hash) + hex(halves[1]!.hash) };
}

/**
 * Compares a scanned QR payload with ours, in constant time over the payload.
 * `unknown-version`: a Sealed safety number of another version (the other app must update).
 */
export function compareScanned(provider: CryptoProvider, ours: SafetyNumber, scanned: string): ScanResult {
  if (scanned.length > MAX_SCANNED_PAYLOAD_CHARS || !scanned.startsWith('SEALED:SN:')) return 'not-a-safety-number';
  if (!scanned.startsWith(QR_PREFIX)) return 'unknown-version';
  if (scanned.length !== ours.qrPayload.length || !/^[0-9A-F]+$/.test(scanned.slice(QR_PREFIX.length))) return 'not-a-safety-number';
  return provider.constantTimeEqual(utf8.encode(scanned), utf8.encode(ours.qrPayload)) ? 'match' : 'mismatch';
}
