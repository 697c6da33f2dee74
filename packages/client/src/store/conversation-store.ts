/** Conversation metadata (name, members, timers, verification state), one per conversation id. */
import { RecordKind } from './backend.ts';
import type { StoredRecord } from './envelope.ts';
import type { ListOptions, Page, SealedRecords } from './sealed-records.ts';

export interface ConversationStore {
  /** @throws VaultError('locked' | 'invalid-argument' | 'record-*'). */
  get(conversationId: Uint8Array): Promise<StoredRecord | undefined>;
  put(conversationId: Uint8Array, record: StoredRecord): Promise<void>;
  delete(conversationId: Uint8Array): Promise<boolean>;
  /** Every conversation, in the order first stored, a page at a time. */
  list(options?: ListOptions): Promise<Page<{ readonly conversationId: Uint8Array; readonly record: StoredRecord }>>;
}

export function conversationStore(records: SealedRecords): ConversationStore {
  const kind = RecordKind.conversation;
  return {
    get: (id) => records.get(kind, undefined, id),
    put: (id, record) => records.put(kind, undefined, id, record),
    delete: (id) => records.delete(kind, undefined, id),
    list: async (options) => {
      const page = await records.list(kind, undefined, options);
      return { items: page.items.map((item) => ({ conversationId: item.id, record: item.record })), next: page.next };
    },
  };
}
