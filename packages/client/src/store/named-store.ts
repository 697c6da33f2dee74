/**
 * A store of records addressed by a short name (UTF-8 string): the shape shared by key
 * material and settings, which are different stores (different kinds in every AAD).
 */
import { VaultError } from '../vault/errors.ts';
import type { RecordKind } from './backend.ts';
import type { StoredRecord } from './envelope.ts';
import type { SealedRecords } from './sealed-records.ts';

export interface NamedRecordStore {
  /** @throws VaultError('locked' | 'invalid-argument' | 'record-*'). */
  get(name: string): Promise<StoredRecord | undefined>;
  /** Inserts or replaces. @throws VaultError('locked' | 'invalid-argument'). */
  put(name: string, record: StoredRecord): Promise<void>;
  /** True when a record was removed. @throws VaultError('locked' | 'invalid-argument'). */
  delete(name: string): Promise<boolean>;
}

function nameBytes(name: string): Uint8Array {
  if (typeof name !== 'string' || name.length === 0) throw new VaultError('invalid-argument', 'record name must be a non-empty string');
  return new TextEncoder().encode(name);
}

/** Implements NamedRecordStore over the encrypted layer for one record kind. */
export function namedRecordStore(
  records: SealedRecords,
  kind: typeof RecordKind.keyMaterial | typeof RecordKind.setting,
): NamedRecordStore {
  return {
    get: async (name) => records.get(kind, undefined, nameBytes(name)),
    put: async (name, record) => records.put(kind, undefined, nameBytes(name), record),
    delete: async (name) => records.delete(kind, undefined, nameBytes(name)),
  };
}
