/**
 * Messages of each conversation, in the order they were first stored. Editing a message
 * (put with the same id) keeps its place. The back end sees only tags: it can count a
 * conversation's rows but not tell which conversation they belong to.
 */
import { RecordKind } from './backend.ts';
import type { StoredRecord } from './envelope.ts';
import type { ListOptions, Page, SealedRecords } from './sealed-records.ts';

export interface MessageStore {
  /** @throws VaultError('locked' | 'invalid-argument' | 'record-*'). */
  get(conversationId: Uint8Array, messageId: Uint8Array): Promise<StoredRecord | undefined>;
  put(conversationId: Uint8Array, messageId: Uint8Array, message: StoredRecord): Promise<void>;
  delete(conversationId: Uint8Array, messageId: Uint8Array): Promise<boolean>;
  /** Removes every message of a conversation; returns how many. */
  deleteConversation(conversationId: Uint8Array): Promise<number>;
  /** A conversation's messages in insertion order, a page at a time. */
  list(
    conversationId: Uint8Array,
    options?: ListOptions,
  ): Promise<Page<{ readonly messageId: Uint8Array; readonly message: StoredRecord }>>;
}

export function messageStore(records: SealedRecords): MessageStore {
  const kind = RecordKind.message;
  return {
    get: (conversationId, messageId) => records.get(kind, conversationId, messageId),
    put: (conversationId, messageId, message) => records.put(kind, conversationId, messageId, message),
    delete: (conversationId, messageId) => records.delete(kind, conversationId, messageId),
    deleteConversation: (conversationId) => records.deleteCollection(kind, conversationId),
    list: async (conversationId, options) => {
      const page = await records.list(kind, conversationId, options);
      return { items: page.items.map((item) => ({ messageId: item.id, message: item.record })), next: page.next };
    },
  };
}
