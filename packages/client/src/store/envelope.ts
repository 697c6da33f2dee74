/**
 * The encrypted form of one record, and the bytes it authenticates.
 *
 * Envelope, version 1:
 * ```
 *   0   1  envelope version = 1
 *   1  12  AES-256-GCM nonce (random)
 *  13   n  AES-256-GCM(record key, nonce, payload, AAD) = ciphertext || 16-byte tag
 * ```
 * Payload (inside the encryption):
 * ```
 *   0   2  record version (u16, caller's schema version, >= 1)
 *   2   2  id length L (u16)
 *   4   L  id
 * 4+L   *  data
 * ```
 * AAD = "SLVR" || envelope version || kind || u16 len(collection tag) || collection tag || key tag.
 * Binding kind and both tags means a record moved to another id, collection or store
 * fails authentication: records cannot be swapped.
 */
import type { CryptoProvider } from '@sealed/crypto/provider';
import { CryptoError } from '@sealed/crypto/errors';
import { VaultError } from '../vault/errors.ts';
import type { RecordKind } from './backend.ts';
import { MAX_RECORD_DATA_BYTES, MAX_RECORD_ID_BYTES, MAX_RECORD_VERSION, RECORD_NONCE_LENGTH } from './limits.ts';

export const ENVELOPE_VERSION = 1;
const AAD_MAGIC = [0x53, 0x4c, 0x56, 0x52]; // "SLVR"
const TAG_LENGTH = 16;

/** A record as the typed stores see it: an opaque payload and its schema version. */
export interface StoredRecord {
  /** The caller's schema version of `data`, 1..65535. */
  readonly version: number;
  readonly data: Uint8Array;
}

function aadFor(kind: RecordKind, collectionTag: Uint8Array, keyTag: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 1 + 1 + 2 + collectionTag.length + keyTag.length);
  out.set(AAD_MAGIC, 0);
  out[4] = ENVELOPE_VERSION;
  out[5] = kind;
  new DataView(out.buffer).setUint16(6, collectionTag.length);
  out.set(collectionTag, 8);
  out.set(keyTag, 8 + collectionTag.length);
  return out;
}

/**
 * Checks a record before it is encrypted.
 * @throws VaultError('invalid-argument') for a version outside 1..65535, an id over
 *   MAX_RECORD_ID_BYTES or data over MAX_RECORD_DATA_BYTES.
 */
export function checkRecord(id: Uint8Array, record: StoredRecord): void {
  if (!(id instanceof Uint8Array) || id.length > MAX_RECORD_ID_BYTES) {
    throw new VaultError('invalid-argument', `record id must be at most ${MAX_RECORD_ID_BYTES} bytes`);
  }
  if (!Number.isSafeInteger(record.version) || record.version < 1 || record.version > MAX_RECORD_VERSION) {
    throw new VaultError('invalid-argument', `record version must be in [1, ${MAX_RECORD_VERSION}]`);
  }
  if (!(record.data instanceof Uint8Array) || record.data.length > MAX_RECORD_DATA_BYTES) {
    throw new VaultError('invalid-argument', `record data must be at most ${MAX_RECORD_DATA_BYTES} bytes`);
  }
}

/**
 * Encrypts `record` (with its `id`) for the row (kind, collectionTag, keyTag).
 * @throws VaultError('invalid-argument') as checkRecord.
 */
export function sealRecord(
  provider: CryptoProvider,
  recordKey: Uint8Array,
  kind: RecordKind,
  collectionTag: Uint8Array,
  keyTag: Uint8Array,
  id: Uint8Array,
  record: StoredRecord,
): Uint8Array {
  checkRecord(id, record);
  const payload = new Uint8Array(4 + id.length + record.data.length);
  const view = new DataView(payload.buffer);
  view.setUint16(0, record.version);
  view.setUint16(2, id.length);
  payload.set(id, 4);
  payload.set(record.data, 4 + id.length);
  const nonce = provider.randomBytes(RECORD_NONCE_LENGTH);
  const sealed = provider.aeadSeal('AES-256-GCM', recordKey, nonce, payload, aadFor(kind, collectionTag, keyTag));
  payload.fill(0);
  const out = new Uint8Array(1 + RECORD_NONCE_LENGTH + sealed.length);
  out[0] = ENVELOPE_VERSION;
  out.set(nonce, 1);
  out.set(sealed, 1 + RECORD_NONCE_LENGTH);
  return out;
}

/**
 * Decrypts an envelope read from row (kind, collectionTag, keyTag).
 * @throws VaultError('record-malformed') for a short envelope or bad payload lengths,
 *   VaultError('record-version-unknown') for another envelope version,
 *   VaultError('record-auth') when authentication fails (tampered, swapped or foreign).
 */
export function openRecord(
  provider: CryptoProvider,
  recordKey: Uint8Array,
  kind: RecordKind,
  collectionTag: Uint8Array,
  keyTag: Uint8Array,
  envelope: Uint8Array,
): { readonly id: Uint8Array; readonly record: StoredRecord } {
  if (envelope.length < 1) throw new VaultError('record-malformed', 'empty record envelope');
  if (envelope[0] !== ENVELOPE_VERSION) {
    throw new VaultError('record-version-unknown', `record envelope version ${envelope[0]} is not ${ENVELOPE_VERSION}`);
  }
  if (envelope.length < 1 + RECORD_NONCE_LENGTH + TAG_LENGTH + 4) {
    throw new VaultError('record-malformed', 'record envelope too short');
  }
  let payload: Uint8Array;
  try {
    payload = provider.aeadOpen(
      'AES-256-GCM',
      recordKey,
      envelope.subarray(1, 1 + RECORD_NONCE_LENGTH),
      envelope.subarray(1 + RECORD_NONCE_LENGTH),
      aadFor(kind, collectionTag, keyTag),
    );
  } catch (error) {
    if (error instanceof CryptoError && error.code === 'aead-auth') {
      throw new VaultError('record-auth', 'record failed authentication');
    }
    throw error;
  }
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const version = view.getUint16(0);
  const idLength = view.getUint16(2);
  // Authenticated, so only our own writer could produce these; checked anyway (strict decoder).
  if (version < 1 || idLength > MAX_RECORD_ID_BYTES || 4 + idLength > payload.length) {
    throw new VaultError('record-malformed', 'record payload lengths out of range');
  }
  return {
    id: payload.slice(4, 4 + idLength),
    record: { version, data: payload.slice(4 + idLength) },
  };
}
