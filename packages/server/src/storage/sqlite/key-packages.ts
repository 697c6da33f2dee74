/** SQLite implementation of KeyPackageStore. Every operation is one synchronous transaction, hence atomic. */
import { StorageError } from '../errors.ts';
import type { KeyPackageStore } from '../key-packages.ts';
import type { AccountId, ClaimedKeyPackage, DeviceId, KeyPackageInput } from '../types.ts';
import { bytes, type Db } from './db.ts';

export class SqliteKeyPackageStore implements KeyPackageStore {
  private readonly deviceExists;
  private readonly count;
  private readonly insert;
  private readonly upsertLastResort;
  private readonly devicesOf;
  private readonly oldest;
  private readonly remove;
  private readonly lastResort;

  constructor(private readonly db: Db) {
    this.deviceExists = db.prepare<[string], { one: number }>('SELECT 1 AS one FROM devices WHERE id = ?');
    this.count = db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM key_packages WHERE device_id = ?');
    this.insert = db.prepare('INSERT INTO key_packages (device_id, data) VALUES (?, ?)');
    this.upsertLastResort = db.prepare(
      'INSERT INTO last_resort_key_packages (device_id, data) VALUES (?, ?) ON CONFLICT (device_id) DO UPDATE SET data = excluded.data',
    );
    this.devicesOf = db.prepare<[string], { id: string }>('SELECT id FROM devices WHERE account_id = ? ORDER BY rowid');
    this.oldest = db.prepare<[string], { id: number; data: Uint8Array }>(
      'SELECT id, data FROM key_packages WHERE device_id = ? ORDER BY id LIMIT 1',
    );
    this.remove = db.prepare('DELETE FROM key_packages WHERE id = ?');
    this.lastResort = db.prepare<[string], { data: Uint8Array }>('SELECT data FROM last_resort_key_packages WHERE device_id = ?');
  }

  async addKeyPackages(deviceId: DeviceId, packages: readonly KeyPackageInput[], maxPerDevice: number): Promise<number> {
    const count = this.db.transaction(() => {
      if (this.deviceExists.get(deviceId) === undefined) throw new StorageError('not-found', 'device');
      const before = this.count.get(deviceId)!.n;
      if (before + packages.length > maxPerDevice) {
        throw new StorageError('limit-reached', `${before} stored, ${packages.length} uploaded, bound ${maxPerDevice}`);
      }
      for (const pkg of packages) this.insert.run(deviceId, pkg.data);
      return before + packages.length;
    })();
    return count;
  }

  async setLastResortKeyPackage(deviceId: DeviceId, pkg: KeyPackageInput): Promise<void> {
    this.db.transaction(() => {
      if (this.deviceExists.get(deviceId) === undefined) throw new StorageError('not-found', 'device');
      this.upsertLastResort.run(deviceId, pkg.data);
    })();
  }

  async claimKeyPackages(accountId: AccountId): Promise<ClaimedKeyPackage[]> {
    const claimed = this.db.transaction(() => {
      const out: ClaimedKeyPackage[] = [];
      for (const { id } of this.devicesOf.all(accountId)) {
        const deviceId = id as DeviceId;
        const row = this.oldest.get(id);
        if (row !== undefined) {
          this.remove.run(row.id);
          out.push({ deviceId, data: bytes(row.data), lastResort: false, remaining: this.count.get(id)!.n });
          continue;
        }
        const last = this.lastResort.get(id);
        if (last !== undefined) out.push({ deviceId, data: bytes(last.data), lastResort: true, remaining: 0 });
      }
      return out;
    })();
    return claimed;
  }

  async countKeyPackages(deviceId: DeviceId): Promise<number> {
    return this.count.get(deviceId)!.n;
  }
}
