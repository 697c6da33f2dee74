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

export interface VaultStores {
  readonly keyMaterial: KeyMaterialStore;
  readonly groupStates: GroupStateStore;
  readonly conversations: ConversationStore;
  readonly messages: MessageStore;
  readonly settings: SettingsStore;
}

/** Builds the stores; they throw VaultError('locked') once `keys` are destroyed. */
export function createVaultStores(provider: CryptoProvider, backend: RecordBackend, keys: RecordKeys): VaultStores {
  const records = new SealedRecords(provider, backend, keys);
  return {
    keyMaterial: keyMaterialStore(records),
    groupStates: groupStateStore(records),
    conversations: conversationStore(records),
    messages: messageStore(records),
    settings: settingsStore(records),
  };
}
