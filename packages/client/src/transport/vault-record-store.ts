/**
 * The engine's `save`/`delete` actions into the vault's encrypted stores (packages/client
 * src/store, owned by the vault work): the account record goes to key material under the
 * name "account", each group state to the group-state store under its group id. Loading
 * gives what `Engine.restore` takes.
 */
import { GROUP_STATE_FORMAT_VERSION } from '@sealed/mls/group/serialize';
import { fromHex } from '@sealed/protocol/encoding';
import { ACCOUNT_RECORD_VERSION } from '../engine/snapshot.ts';
import type { VaultStores } from '../store/vault-stores.ts';
import type { RecordStore } from './node-transport.ts';

const ACCOUNT_NAME = 'account';

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

  async save(record: 'account' | 'group', key: string, bytes: Uint8Array): Promise<void> {
    if (record === 'account') await this.stores.keyMaterial.put(ACCOUNT_NAME, { version: ACCOUNT_RECORD_VERSION, data: bytes });
    else await this.stores.groupStates.put(groupId(key), { version: GROUP_STATE_FORMAT_VERSION, data: bytes });
  }

  async delete(_record: 'group', key: string): Promise<void> {
    await this.stores.groupStates.delete(groupId(key));
  }

  /**
   * The records `Engine.restore` needs, or undefined when no account was saved.
   * @throws VaultError from the stores (locked, tampered records)
   */
  async load(): Promise<{ account: Uint8Array; groups: Uint8Array[] } | undefined> {
    const account = await this.stores.keyMaterial.get(ACCOUNT_NAME);
    if (account === undefined) return undefined;
    const groups: Uint8Array[] = [];
    let after: number | undefined;
    do {
      const page = await this.stores.groupStates.list(after === undefined ? {} : { after });
      for (const item of page.items) groups.push(item.state.data);
      after = page.next;
    } while (after !== undefined && groups.length < MAX_LOADED_GROUPS);
    return { account: account.data, groups };
  }
}
