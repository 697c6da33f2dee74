/**
 * PostgreSQL implementation of KeyPackageStore. The SQLite back end is atomic because it
 * has one writer; here several nodes claim at once, so:
 * - uploads lock the device row (`FOR UPDATE`), making the count-then-insert bound exact;
 * - a claim takes each device's oldest key package with one
 *   `DELETE ... WHERE id = (SELECT ... FOR UPDATE SKIP LOCKED) RETURNING`: a package another
 *   claim is taking is skipped rather than waited for, and a deleted row can be returned
 *   by one transaction only, so no key package is ever handed out twice.
 */
import type pg from 'pg';
import { StorageError } from '../errors.ts';
import type { KeyPackageStore } from '../key-packages.ts';
import type { AccountId, ClaimedKeyPackage, DeviceId, KeyPackageInput } from '../types.ts';
import { inTransaction } from './pool.ts';
import { bytes } from './rows.ts';

const TAKE_OLDEST = `
  DELETE FROM key_packages WHERE id = (
    SELECT id FROM key_packages WHERE device_id = $1 ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED
  ) RETURNING data`;

export class PgKeyPackageStore implements KeyPackageStore {
  constructor(private readonly pool: pg.Pool) {}

  async addKeyPackages(deviceId: DeviceId, packages: readonly KeyPackageInput[], maxPerDevice: number): Promise<number> {
    return inTransaction(this.pool, async (client) => {
      const device = await client.query('SELECT 1 FROM devices WHERE id = $1 FOR UPDATE', [deviceId]);
      if (device.rowCount === 0) throw new StorageError('not-found', 'device');
      const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM key_packages WHERE device_id = $1', [deviceId]);
      const before = rows[0]?.n ?? 0;
      if (before + packages.length > maxPerDevice) {
        throw new StorageError('limit-reached', `${before} stored, ${packages.length} uploaded, bound ${maxPerDevice}`);
      }
      if (packages.length > 0) {
        // One statement for the whole upload; ORDINALITY keeps the upload order in `id`.
        await client.query(
          'INSERT INTO key_packages (device_id, data) SELECT $1, d FROM unnest($2::bytea[]) WITH ORDINALITY AS t(d, i) ORDER BY i',
          [deviceId, packages.map((p) => p.data)],
        );
      }
      return before + packages.length;
    });
  }

  async setLastResortKeyPackage(deviceId: DeviceId, pkg: KeyPackageInput): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      const device = await client.query('SELECT 1 FROM devices WHERE id = $1 FOR SHARE', [deviceId]);
      if (device.rowCount === 0) throw new StorageError('not-found', 'device');
      await client.query(
        'INSERT INTO last_resort_key_packages (device_id, data) VALUES ($1, $2) ON CONFLICT (device_id) DO UPDATE SET data = excluded.data',
        [deviceId, pkg.data],
      );
    });
  }

  async claimKeyPackages(accountId: AccountId): Promise<ClaimedKeyPackage[]> {
    return inTransaction(this.pool, async (client) => {
      const devices = await client.query<{ id: string }>('SELECT id FROM devices WHERE account_id = $1 ORDER BY position', [accountId]);
      const out: ClaimedKeyPackage[] = [];
      for (const { id } of devices.rows) {
        const deviceId = id as DeviceId;
        const taken = await client.query<{ data: Uint8Array }>(TAKE_OLDEST, [id]);
        const row = taken.rows[0];
        if (row !== undefined) {
          const left = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM key_packages WHERE device_id = $1', [id]);
          out.push({ deviceId, data: bytes(row.data), lastResort: false, remaining: left.rows[0]?.n ?? 0 });
          continue;
        }
        const last = await client.query<{ data: Uint8Array }>('SELECT data FROM last_resort_key_packages WHERE device_id = $1', [id]);
        const lastRow = last.rows[0];
        if (lastRow !== undefined) out.push({ deviceId, data: bytes(lastRow.data), lastResort: true, remaining: 0 });
      }
      return out;
    });
  }

  async countKeyPackages(deviceId: DeviceId): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM key_packages WHERE device_id = $1', [deviceId]);
    return rows[0]?.n ?? 0;
  }
}
