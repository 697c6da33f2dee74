/** Serialized MLS group states, one per group id. */
import { RecordKind } from './backend.ts';
import type { StoredRecord } from './envelope.ts';
import type { ListOptions, Page, SealedRecords } from './sealed-records.ts';

export interface GroupStateStore {
  /** @throws VaultError('locked' | 'invalid-argument' | 'record-*'). */
  get(groupId: Uint8Array): Promise<StoredRecord | undefined>;
  /** Inserts or replaces (commit new state only after authentication: STYLE habit 5). */
  put(groupId: Uint8Array, state: StoredRecord): Promise<void>;
  delete(groupId: Uint8Array): Promise<boolean>;
  /** Every group, in the order first stored, a page at a time. */
  list(options?: ListOptions): Promise<Page<{ readonly groupId: Uint8Array; readonly state: StoredRecord }>>;
}

export function groupStateStore(records: SealedRecords): GroupStateStore {
  const kind = RecordKind.groupState;
  return {
    get: (groupId) => records.get(kind, undefined, groupId),
    put: (groupId, state) => records.put(kind, undefined, groupId, state),
    delete: (groupId) => records.delete(kind, undefined, groupId),
    list: async (options) => {
      const page = await records.list(kind, undefined, options);
      return { items: page.items.map((item) => ({ groupId: item.id, state: item.record })), next: page.next };
    },
  };
}
