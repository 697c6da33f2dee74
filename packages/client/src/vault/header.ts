/**
 * The vault header: Argon2id parameters, the wrapped vault key and the failure counter,
 * in one small strict binary format. Decoding checks the version first, exact lengths, the
 * checksum and every range before any work; encode(decode(x)) equals x.
 *
 * Version 1, state "active" (127 bytes, integers big-endian):
 * ```
 *  off len
 *    0   4  magic "SLVH"
 *    4   1  version = 1
 *    5   1  state = 1 (active)
 *    6   4  Argon2id memory, KiB
 *   10   4  Argon2id passes
 *   14   1  Argon2id lanes
 *   15   2  attempt limit (wrong passcodes in a row before the wipe)
 *   17  16  Argon2id salt
 *   33  12  AES-256-GCM nonce of the wrap
 *   45  48  wrapped vault key = AES-256-GCM(wrapping key, nonce, vault key, AAD = bytes 0..44)
 *   93   2  failures in a row so far (outside the AAD: it changes without the key)
 *   95  32  SHA-256(bytes 0..94)
 * ```
 * State "wiped" (38 bytes): magic, version, state = 2, SHA-256(bytes 0..5).
 *
 * The AAD binds the parameters, the limit, the salt and the nonce to the wrapped key: a
 * header edited to weaker parameters no longer unwraps. The checksum is not a MAC (anyone
 * can recompute it); it tells on-disk corruption from a wrong passcode, so a flipped bit
 * gets a typed error and is never counted as an attempt.
 */
import type { CryptoProvider } from '@sealed/crypto/provider';
import { checkArgon2Params, type Argon2Floor, type Argon2Params } from './argon2.ts';
import { VaultError } from './errors.ts';
import { ARGON2_SALT_LENGTH, MAX_ATTEMPTS_LIMIT, VAULT_KEY_LENGTH } from './limits.ts';

export const HEADER_MAGIC = new Uint8Array([0x53, 0x4c, 0x56, 0x48]); // "SLVH"
export const HEADER_VERSION = 1;
const STATE_ACTIVE = 1;
const STATE_WIPED = 2;
const CHECKSUM_LENGTH = 32;
const NONCE_LENGTH = 12;
const WRAPPED_KEY_LENGTH = VAULT_KEY_LENGTH + 16;
/** Offset where the wrapped key starts: everything before it is the wrap's AAD. */
const WRAPPED_KEY_OFFSET = 45;
const FAILURES_OFFSET = WRAPPED_KEY_OFFSET + WRAPPED_KEY_LENGTH;
const ACTIVE_BODY_LENGTH = FAILURES_OFFSET + 2;
export const ACTIVE_HEADER_LENGTH = ACTIVE_BODY_LENGTH + CHECKSUM_LENGTH;
export const WIPED_HEADER_LENGTH = 6 + CHECKSUM_LENGTH;

export interface ActiveHeader {
  readonly state: 'active';
  readonly params: Argon2Params;
  readonly maxAttempts: number;
  readonly salt: Uint8Array;
  readonly nonce: Uint8Array;
  readonly wrappedKey: Uint8Array;
  readonly failures: number;
}
export interface WipedHeader {
  readonly state: 'wiped';
}
export type VaultHeader = ActiveHeader | WipedHeader;

/** The bytes the wrap authenticates (bytes 0..44 of an active header). */
export function wrapAad(header: Omit<ActiveHeader, 'wrappedKey' | 'failures'>): Uint8Array {
  const out = new Uint8Array(WRAPPED_KEY_OFFSET);
  const view = new DataView(out.buffer);
  out.set(HEADER_MAGIC, 0);
  out[4] = HEADER_VERSION;
  out[5] = STATE_ACTIVE;
  view.setUint32(6, header.params.memoryKiB);
  view.setUint32(10, header.params.iterations);
  out[14] = header.params.parallelism;
  view.setUint16(15, header.maxAttempts);
  out.set(header.salt, 17);
  out.set(header.nonce, 33);
  return out;
}

/**
 * Encodes a header.
 * @throws VaultError('invalid-argument') for fields of the wrong length or out of range.
 */
export function encodeHeader(provider: CryptoProvider, header: VaultHeader): Uint8Array {
  if (header.state === 'wiped') {
    const body = new Uint8Array([...HEADER_MAGIC, HEADER_VERSION, STATE_WIPED]);
    return withChecksum(provider, body);
  }
  checkActiveFields(header, 'weak-for-tests', 'invalid-argument');
  const body = new Uint8Array(ACTIVE_BODY_LENGTH);
  body.set(wrapAad(header), 0);
  body.set(header.wrappedKey, WRAPPED_KEY_OFFSET);
  new DataView(body.buffer).setUint16(FAILURES_OFFSET, header.failures);
  return withChecksum(provider, body);
}

/**
 * Decodes and checks a header. `floor` decides whether parameters below the production
 * floor are accepted (only when the caller opted in for tests).
 * @throws VaultError with a 'header-*' code; never partially succeeds.
 */
export function decodeHeader(provider: CryptoProvider, bytes: Uint8Array, floor: Argon2Floor): VaultHeader {
  if (bytes.length < 6) throw new VaultError('header-truncated', `header has ${bytes.length} bytes, needs at least 6`);
  for (let i = 0; i < HEADER_MAGIC.length; i++) {
    if (bytes[i] !== HEADER_MAGIC[i]) throw new VaultError('header-not-a-vault', 'magic is not SLVH');
  }
  const version = bytes[4] as number;
  if (version < HEADER_VERSION) throw new VaultError('header-version-too-old', `header version ${version} is not readable`);
  if (version > HEADER_VERSION) throw new VaultError('header-version-unknown', `header version ${version} is newer than this code (${HEADER_VERSION})`);
  const state = bytes[5] as number;
  const expected = state === STATE_ACTIVE ? ACTIVE_HEADER_LENGTH : state === STATE_WIPED ? WIPED_HEADER_LENGTH : undefined;
  if (expected === undefined) throw new VaultError('header-malformed', `unknown header state ${state}`);
  if (bytes.length < expected) throw new VaultError('header-truncated', `header has ${bytes.length} bytes, needs ${expected}`);
  if (bytes.length > expected) throw new VaultError('header-trailing-bytes', `header has ${bytes.length} bytes, allows ${expected}`);
  const body = bytes.subarray(0, expected - CHECKSUM_LENGTH);
  const checksum = provider.hash('SHA-256', body);
  if (!provider.constantTimeEqual(checksum, bytes.subarray(expected - CHECKSUM_LENGTH))) {
    throw new VaultError('header-corrupt', 'header checksum does not match');
  }
  if (state === STATE_WIPED) return { state: 'wiped' };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header: ActiveHeader = {
    state: 'active',
    params: { memoryKiB: view.getUint32(6), iterations: view.getUint32(10), parallelism: bytes[14] as number },
    maxAttempts: view.getUint16(15),
    salt: bytes.slice(17, 17 + ARGON2_SALT_LENGTH),
    nonce: bytes.slice(33, 33 + NONCE_LENGTH),
    wrappedKey: bytes.slice(WRAPPED_KEY_OFFSET, WRAPPED_KEY_OFFSET + WRAPPED_KEY_LENGTH),
    failures: view.getUint16(FAILURES_OFFSET),
  };
  checkActiveFields(header, floor, 'header-malformed');
  return header;
}

function checkActiveFields(header: ActiveHeader, floor: Argon2Floor, code: 'invalid-argument' | 'header-malformed'): void {
  checkArgon2Params(header.params, floor, code);
  if (!Number.isSafeInteger(header.maxAttempts) || header.maxAttempts < 1 || header.maxAttempts > MAX_ATTEMPTS_LIMIT) {
    throw new VaultError(code, `attempt limit must be in [1, ${MAX_ATTEMPTS_LIMIT}]`);
  }
  // failures == maxAttempts is a legal state: the last attempt was counted, then the process died.
  if (!Number.isSafeInteger(header.failures) || header.failures < 0 || header.failures > header.maxAttempts) {
    throw new VaultError(code, 'failure count outside [0, attempt limit]');
  }
  if (header.salt.length !== ARGON2_SALT_LENGTH || header.nonce.length !== NONCE_LENGTH || header.wrappedKey.length !== WRAPPED_KEY_LENGTH) {
    throw new VaultError(code, 'salt, nonce or wrapped key of the wrong length');
  }
}

function withChecksum(provider: CryptoProvider, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + CHECKSUM_LENGTH);
  out.set(body, 0);
  out.set(provider.hash('SHA-256', body), body.length);
  return out;
}
