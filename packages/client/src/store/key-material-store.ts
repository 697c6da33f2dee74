/** Long-term key material of this device (identity and signature keys, key-package secrets). */
import { RecordKind } from './backend.ts';
import { namedRecordStore, type NamedRecordStore } from './named-store.ts';
import type { SealedRecords } from './sealed-records.ts';

/** Key material by name, e.g. "identity", "device-signature", "key-package/<ref>". */
export type KeyMaterialStore = NamedRecordStore;

export function keyMaterialStore(records: SealedRecords): KeyMaterialStore {
  return namedRecordStore(records, RecordKind.keyMaterial);
}
