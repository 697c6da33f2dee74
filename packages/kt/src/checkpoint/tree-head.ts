/**
 * Signed checkpoints: the log's TreeHead signature and the auditor's AuditorTreeHead
 * countersignature (draft-ietf-keytrans-protocol, "Tree Head Signature", "Auditor Tree
 * Head Signature"), with Ed25519 (RFC 8032) as KT_128_SHA256_Ed25519 specifies.
 *
 *   TreeHeadTBS:        Configuration | tree_size(u64) | root[32]
 *   AuditorTreeHeadTBS: Configuration | timestamp(u64) | tree_size(u64) | root[32]
 *
 * Only signing and signature checks live here; freshness, lag and size comparisons of
 * "Full Tree Head Verification" need the caller's clock and state and are not built yet.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { CheckpointError } from './checkpoint-error.ts';
import { verifyEd25519Pinned } from './ed25519-pinned.ts';
import { type Configuration, TlsWriter, writeConfiguration } from './configuration.ts';

/** Octets of a log root (Hash.Nh). */
const ROOT_LEN = 32;
/** RFC 8032: an Ed25519 signature is 64 octets. */
export const SIGNATURE_LEN = 64;

function checkHead(treeSize: number, root: Uint8Array): void {
  if (!Number.isSafeInteger(treeSize) || treeSize < 0) throw new CheckpointError('invalid-tree-head', 'tree_size must be a safe uint64');
  if (root.length !== ROOT_LEN) throw new CheckpointError('invalid-tree-head', `root must be ${ROOT_LEN} octets`);
}

/** TreeHeadTBS. @throws {CheckpointError} `invalid-configuration` or `invalid-tree-head`. */
export function encodeTreeHeadTbs(config: Configuration, treeSize: number, root: Uint8Array): Uint8Array {
  checkHead(treeSize, root);
  return writeConfiguration(new TlsWriter(), config).uint(treeSize, 8, 'tree_size').bytes(root).finish();
}

/** AuditorTreeHeadTBS. @throws {CheckpointError} `invalid-configuration` or `invalid-tree-head`. */
export function encodeAuditorTreeHeadTbs(config: Configuration, timestamp: number, treeSize: number, root: Uint8Array): Uint8Array {
  checkHead(treeSize, root);
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new CheckpointError('invalid-tree-head', 'timestamp must be a safe uint64');
  return writeConfiguration(new TlsWriter(), config).uint(timestamp, 8, 'timestamp').uint(treeSize, 8, 'tree_size').bytes(root).finish();
}

function verifyEd25519(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array, what: string): void {
  // The checks of ed25519.verify with zip215: false (RFC 8032's strict decoding), with the
  // pinned key decoded once and kept with a precomputed table (ed25519-pinned.ts).
  const ok = signature.length === SIGNATURE_LEN && verifyEd25519Pinned(signature, message, publicKey);
  if (!ok) throw new CheckpointError('bad-signature', `${what} signature does not verify`);
}

/**
 * The log's signature over TreeHeadTBS, with its Ed25519 secret key (32 octets, owned by
 * the caller).
 * @throws {CheckpointError} `invalid-configuration` or `invalid-tree-head`.
 */
export function signTreeHead(secretKey: Uint8Array, config: Configuration, treeSize: number, root: Uint8Array): Uint8Array {
  return ed25519.sign(encodeTreeHeadTbs(config, treeSize, root), secretKey);
}

/**
 * Checks the log's signature with `config.signaturePublicKey` ("Full Tree Head
 * Verification" step 2.2).
 * @throws {CheckpointError} `bad-signature`, `invalid-configuration` or `invalid-tree-head`.
 */
export function verifyTreeHeadSignature(config: Configuration, treeSize: number, root: Uint8Array, signature: Uint8Array): void {
  verifyEd25519(signature, encodeTreeHeadTbs(config, treeSize, root), config.signaturePublicKey, 'TreeHead');
}

/**
 * The auditor's signature over AuditorTreeHeadTBS.
 * @throws {CheckpointError} `invalid-configuration` or `invalid-tree-head`.
 */
export function signAuditorTreeHead(secretKey: Uint8Array, config: Configuration, timestamp: number, treeSize: number, root: Uint8Array): Uint8Array {
  return ed25519.sign(encodeAuditorTreeHeadTbs(config, timestamp, treeSize, root), secretKey);
}

/**
 * Checks an auditor signature ("Auditor Tree Head Signature" step 4) with the
 * Configuration's `auditor_public_key`; the mode must be thirdPartyAuditing.
 * @throws {CheckpointError} `bad-signature`, `invalid-configuration` or `invalid-tree-head`.
 */
export function verifyAuditorTreeHeadSignature(config: Configuration, timestamp: number, treeSize: number, root: Uint8Array, signature: Uint8Array): void {
  if (config.mode.kind !== 'thirdPartyAuditing') throw new CheckpointError('invalid-configuration', 'no auditor outside thirdPartyAuditing mode');
  verifyEd25519(signature, encodeAuditorTreeHeadTbs(config, timestamp, treeSize, root), config.mode.auditorPublicKey, 'AuditorTreeHead');
}

/**
 * The auditor keys of a thirdPartyAuditing Configuration. Sealed extension (docs/key-
 * transparency.md, "Wire contract"): `auditor_public_key` holds 1..16 Ed25519 keys of 32
 * octets, concatenated in ascending order; every auditor signs over this Configuration.
 * @throws {CheckpointError} `invalid-configuration` for another mode or a malformed field.
 */
export function auditorKeysOf(config: Configuration): Uint8Array[] {
  if (config.mode.kind !== 'thirdPartyAuditing') throw new CheckpointError('invalid-configuration', 'no auditors outside thirdPartyAuditing mode');
  const field = config.mode.auditorPublicKey;
  if (field.length === 0 || field.length % 32 !== 0 || field.length > 16 * 32) throw new CheckpointError('invalid-configuration', 'auditor_public_key must hold 1..16 keys of 32 octets');
  const keys: Uint8Array[] = [];
  for (let off = 0; off < field.length; off += 32) keys.push(field.slice(off, off + 32));
  return keys;
}

/**
 * Checks one auditor's signature over AuditorTreeHeadTBS, by `auditorKey`, which must be one
 * of the Configuration's auditor keys.
 * @throws {CheckpointError} `invalid-configuration` (mode, or a key not configured),
 *   `bad-signature`, `invalid-tree-head`.
 */
export function verifyAuditorSignatureBy(
  config: Configuration,
  auditorKey: Uint8Array,
  timestamp: number,
  treeSize: number,
  root: Uint8Array,
  signature: Uint8Array,
): void {
  const known = auditorKeysOf(config).some((k) => k.length === auditorKey.length && k.every((b, i) => b === auditorKey[i]));
  if (!known) throw new CheckpointError('invalid-configuration', 'auditor key not in the Configuration');
  verifyEd25519(signature, encodeAuditorTreeHeadTbs(config, timestamp, treeSize, root), auditorKey, 'AuditorTreeHead');
}

/** The Ed25519 public key of a log or auditor secret key (32 octets each). */
export function treeHeadPublicKey(secretKey: Uint8Array): Uint8Array {
  return ed25519.getPublicKey(secretKey);
}
