/**
 * The engine's `save`/`delete` actions into the vault's encrypted stores (packages/client
 * src/store, owned by the vault work): the account record goes to key material under the
 * name "account", each group state to the group-state store under its group id. Loading
 * gives what `Engine.restore` takes.
 */
import { GROUP_STATE_FORMAT_VERSION } from '@sealed/mls/group/serialize';
import { fromHex, toHex } from '@sealed/protocol/encoding';
import { ACCOUNT_RECORD_VERSION } from '../engine/snapshot.ts';
import { DEVICE_META_KEY, META_RECORD_VERSION } from '../engine/feature-state.ts';
import type { VaultStores } from '../store/vault-stores.ts';
import type { RecordStore } from './node-transport.ts';

const ACCOUNT_NAME = 'account';
/** Feature records (engine/feature-state.ts) live in the settings store under this prefix and their key. */
const META_PREFIX = 'engine-meta:';

/**
 * Bound on group records loaded at start (a loop driven by stored data must be bounded):
 * 100 000 conversations on one device is far beyond use.
 */
export const MAX_LOADED_GROUPS = 100_000;

function groupId(key: string): Uint8Array {
  const id = fromHex(key);
  if (id === undefined) throw new RangeError('group key is not hex');
  return id;
}

export class VaultRecordStore implements RecordStore {
  constructor(private readonly stores: VaultStores) {}

  async save(record: 'account' | 'group' | 'meta', key: string, bytes: Uint8Array): Promise<void> {
    if (record === 'account') await this.stores.keyMaterial.put(ACCOUNT_NAME, { version: ACCOUNT_RECORD_VERSION, data: bytes });
    else if (record === 'meta') await this.stores.settings.put(META_PREFIX + key, { version: META_RECORD_VERSION, data: bytes });
    else await this.stores.groupStates.put(groupId(key), { version: GROUP_STATE_FORMAT_VERSION, data: bytes });
  }

  async delete(record: 'group' | 'meta', key: string): Promise<void> {
    if (record === 'meta') await this.stores.settings.delete(META_PREFIX + key);
    else await this.stores.groupStates.delete(groupId(key));
  }

  /**
   * The records `Engine.restore` needs, or undefined when no account was saved.
   * @throws VaultError from the stores (locked, tampered records)
   */
  async load(): Promise<{ account: Uint8Array; groups: Uint8Array[]; meta: Map<string, Uint8Array> } | undefined> {
    const account = await this.stores.keyMaterial.get(ACCOUNT_NAME);
    if (account === undefined) return undefined;
    const groups: Uint8Array[] = [];
    const meta = new Map<string, Uint8Array>();
    const loadMeta = async (key: string) => {
      const record = await this.stores.settings.get(META_PREFIX + key);
      if (record !== undefined) meta.set(key, record.data);
    };
    await loadMeta(DEVICE_META_KEY);
    let after: number | undefined;
    do {
      const page = await this.stores.groupStates.list(after === undefined ? {} : { after });
      for (const item of page.items) {
        groups.push(item.state.data);
        await loadMeta(toHex(item.groupId));
      }
      after = page.next;
    } while (after !== undefined && groups.length < MAX_LOADED_GROUPS);
    return { account: account.data, groups, meta };
  }
}
