/**
 * Welcome and what it carries (RFC 9420 §12.4.3.1).
 *
 *   struct { opaque path_secret<V>; } PathSecret;
 *   struct { opaque joiner_secret<V>; optional<PathSecret> path_secret;
 *            PreSharedKeyID psks<V>; } GroupSecrets;
 *   struct { KeyPackageRef new_member; HPKECiphertext encrypted_group_secrets; } EncryptedGroupSecrets;
 *   struct { CipherSuite cipher_suite; EncryptedGroupSecrets secrets<V>;
 *            opaque encrypted_group_info<V>; } Welcome;
 */
import { decode, type Reader } from '../codec/reader.ts';
import { encode, type Writer } from '../codec/writer.ts';
import { MAX_PSKS, MAX_WELCOME_SECRETS } from './limits.ts';
import { decodeHashSized, type KeyPackageRef } from './primitives.ts';
import { decodePreSharedKeyID, encodePreSharedKeyID, type PreSharedKeyID } from './psk.ts';
import { decodeHPKECiphertext, encodeHPKECiphertext, type HPKECiphertext } from './ratchet-tree.ts';

/** PathSecret (RFC 9420 §12.4.3.1). */
export interface PathSecret {
  readonly pathSecret: Uint8Array;
}

/**
 * Writes PathSecret (RFC 9420 §12.4.3.1).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function encodePathSecret(writer: Writer, value: PathSecret): void {
  writer.opaque(value.pathSecret);
}

/** @throws DecodeError('truncated' | 'too-large') */
export function decodePathSecret(reader: Reader): PathSecret {
  return { pathSecret: decodeHashSized(reader, 'PathSecret.path_secret') };
}

/** GroupSecrets (RFC 9420 §12.4.3.1). */
export interface GroupSecrets {
  readonly joinerSecret: Uint8Array;
  readonly pathSecret?: PathSecret | undefined;
  readonly psks: readonly PreSharedKeyID[];
}

/**
 * Writes GroupSecrets (RFC 9420 §12.4.3.1).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function encodeGroupSecrets(writer: Writer, value: GroupSecrets): void {
  writer.opaque(value.joinerSecret).optional(value.pathSecret, encodePathSecret);
  writer.vector(value.psks, encodePreSharedKeyID);
}

/** @throws DecodeError('truncated' | 'too-large' | 'invalid-value' | 'trailing-bytes') */
export function decodeGroupSecrets(reader: Reader): GroupSecrets {
  const joinerSecret = decodeHashSized(reader, 'GroupSecrets.joiner_secret');
  const pathSecret = reader.optional(decodePathSecret, 'GroupSecrets.path_secret');
  const psks = reader.vector(decodePreSharedKeyID, 'GroupSecrets.psks', MAX_PSKS);
  return pathSecret === undefined ? { joinerSecret, psks } : { joinerSecret, pathSecret, psks };
}

/** The serialized GroupSecrets (HPKE plaintext of EncryptedGroupSecrets). */
export function groupSecretsBytes(value: GroupSecrets): Uint8Array {
  return encode(encodeGroupSecrets, value);
}

/** @throws DecodeError when `bytes` is not exactly one GroupSecrets */
export function parseGroupSecrets(bytes: Uint8Array): GroupSecrets {
  return decode(decodeGroupSecrets, bytes, 'GroupSecrets');
}

/** EncryptedGroupSecrets (RFC 9420 §12.4.3.1). */
export interface EncryptedGroupSecrets {
  readonly newMember: KeyPackageRef;
  readonly encryptedGroupSecrets: HPKECiphertext;
}

/**
 * Writes EncryptedGroupSecrets (RFC 9420 §12.4.3.1).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function encodeEncryptedGroupSecrets(writer: Writer, value: EncryptedGroupSecrets): void {
  writer.opaque(value.newMember);
  encodeHPKECiphertext(writer, value.encryptedGroupSecrets);
}

/** @throws DecodeError('truncated' | 'too-large') */
export function decodeEncryptedGroupSecrets(reader: Reader): EncryptedGroupSecrets {
  const newMember = decodeHashSized(reader, 'EncryptedGroupSecrets.new_member');
  const encryptedGroupSecrets = decodeHPKECiphertext(reader);
  return { newMember, encryptedGroupSecrets };
}

/** Welcome (RFC 9420 §12.4.3.1). */
export interface Welcome {
  readonly cipherSuite: number;
  readonly secrets: readonly EncryptedGroupSecrets[];
  readonly encryptedGroupInfo: Uint8Array;
}

/**
 * Writes Welcome (RFC 9420 §12.4.3.1).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function encodeWelcome(writer: Writer, value: Welcome): void {
  writer.uint16(value.cipherSuite).vector(value.secrets, encodeEncryptedGroupSecrets).opaque(value.encryptedGroupInfo);
}

/** @throws DecodeError('truncated' | 'too-large' | 'trailing-bytes') */
export function decodeWelcome(reader: Reader): Welcome {
  const cipherSuite = reader.uint16('Welcome.cipher_suite');
  const secrets = reader.vector(decodeEncryptedGroupSecrets, 'Welcome.secrets', MAX_WELCOME_SECRETS);
  const encryptedGroupInfo = reader.opaque('Welcome.encrypted_group_info');
  return { cipherSuite, secrets, encryptedGroupInfo };
}

/** @throws DecodeError when `bytes` is not exactly one Welcome */
export function parseWelcome(bytes: Uint8Array): Welcome {
  return decode(decodeWelcome, bytes, 'Welcome');
}
