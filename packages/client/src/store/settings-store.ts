/** Device settings (receipts on/off, self-update schedule...). Encrypted like everything else. */
import { RecordKind } from './backend.ts';
import { namedRecordStore, type NamedRecordStore } from './named-store.ts';
import type { SealedRecords } from './sealed-records.ts';

export type SettingsStore = NamedRecordStore;

export function settingsStore(records: SealedRecords): SettingsStore {
  return namedRecordStore(records, RecordKind.setting);
}
