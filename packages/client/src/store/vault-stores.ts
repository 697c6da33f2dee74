/** The typed stores of one unlocked vault, all over the same encrypted layer. */
import type { CryptoProvider } from '@sealed/crypto/provider';
import type { RecordBackend } from './backend.ts';
import { conversationStore, type ConversationStore } from './conversation-store.ts';
import { groupStateStore, type GroupStateStore } from './group-state-store.ts';
import { keyMaterialStore, type KeyMaterialStore } from './key-material-store.ts';
import { messageStore, type MessageStore } from './message-store.ts';
import type { RecordKeys } from './record-keys.ts';
import { SealedRecords } from './sealed-records.ts';
import { settingsStore, type SettingsStore } from './settings-store.ts';
import { WriteBuffer } from './write-buffer.ts';

/** Write batches of the vault (store/write-buffer.ts): one transaction per batch of writes. */
export interface WriteBatches {
  /** Opens (or joins) a batch: writes are staged until the matching `release`. */
  hold(): void;
  /** Closes it; the last one applies the staged writes. `durable`: on stable storage when it resolves. */
  release(durable: boolean): Promise<void>;
  /** Applies the staged writes now (durably or not), the batch staying open. */
  flush(durable: boolean): Promise<void>;
  /** Makes the writes applied so far durable; staged ones stay staged (WriteBuffer.sync). */
  sync(): Promise<void>;
}

export interface VaultStores {
  readonly keyMaterial: KeyMaterialStore;
  readonly groupStates: GroupStateStore;
  readonly conversations: ConversationStore;
  readonly messages: MessageStore;
  readonly settings: SettingsStore;
  readonly batches: WriteBatches;
}

/**
 * Builds the stores; they throw VaultError('locked') once `keys` are destroyed. Batches
 * need `backend` to be a WriteBuffer (the vault's is); over another back end they do nothing.
 */
export function createVaultStores(provider: CryptoProvider, backend: RecordBackend, keys: RecordKeys): VaultStores {
  const records = new SealedRecords(provider, backend, keys);
  const buffer = backend instanceof WriteBuffer ? backend : undefined;
  return {
    keyMaterial: keyMaterialStore(records),
    groupStates: groupStateStore(records),
    conversations: conversationStore(records),
    messages: messageStore(records),
    settings: settingsStore(records),
    batches: {
      hold: () => buffer?.hold(),
      release: async (durable) => buffer?.release(durable),
      flush: async (durable) => buffer?.flush(durable),
      sync: async () => buffer?.sync(),
    },
  };
}
