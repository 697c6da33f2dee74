/** Conformance: key packages (bounded upload, atomic claim, last resort). */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { StorageError } from '../../src/storage/errors.ts';
import type { DeviceId } from '../../src/storage/types.ts';
import { bytesOf, createAccount, hexId, newDevice, withStorage, type OpenStorage } from './fixtures.ts';

export function keyPackageConformance(open: OpenStorage): void {
  it('key packages: upload bounded per device, all or none', withStorage(open, async (s) => {
    const { deviceId } = await createAccount(s);
    assert.equal(await s.keyPackages.addKeyPackages(deviceId, [{ data: bytesOf(1) }, { data: bytesOf(2) }], 3), 2);
    await assert.rejects(
      s.keyPackages.addKeyPackages(deviceId, [{ data: bytesOf(3) }, { data: bytesOf(4) }], 3),
      (e: unknown) => e instanceof StorageError && e.code === 'limit-reached',
    );
    assert.equal(await s.keyPackages.countKeyPackages(deviceId), 2);
    await assert.rejects(
      s.keyPackages.addKeyPackages(hexId<DeviceId>(), [{ data: bytesOf(1) }], 3),
      (e: unknown) => e instanceof StorageError && e.code === 'not-found',
    );
    await assert.rejects(
      s.keyPackages.setLastResortKeyPackage(hexId<DeviceId>(), { data: bytesOf(1) }),
      (e: unknown) => e instanceof StorageError && e.code === 'not-found',
    );
  }));

  it('claim: one per device, oldest first, then the last resort (kept), devices with none left out', withStorage(open, async (s) => {
    const { input, deviceId: first } = await createAccount(s);
    const accountId = input.account.id;
    const second = newDevice(accountId);
    const third = newDevice(accountId);
    await s.accounts.applyDeviceListChange({ accountId, deviceList: { version: 2, encoded: bytesOf(2) }, added: [second, third], removed: [] });
    await s.keyPackages.addKeyPackages(first, [{ data: bytesOf(1) }, { data: bytesOf(2) }], 10);
    await s.keyPackages.setLastResortKeyPackage(first, { data: bytesOf(0xa0) });
    await s.keyPackages.setLastResortKeyPackage(first, { data: bytesOf(0xaa) });
    await s.keyPackages.setLastResortKeyPackage(second.id, { data: bytesOf(0xbb) });

    assert.deepEqual(await s.keyPackages.claimKeyPackages(accountId), [
      { deviceId: first, data: bytesOf(1), lastResort: false, remaining: 1 },
      { deviceId: second.id, data: bytesOf(0xbb), lastResort: true, remaining: 0 },
    ]);
    assert.deepEqual((await s.keyPackages.claimKeyPackages(accountId))[0], { deviceId: first, data: bytesOf(2), lastResort: false, remaining: 0 });
    const third1 = await s.keyPackages.claimKeyPackages(accountId);
    const third2 = await s.keyPackages.claimKeyPackages(accountId);
    assert.deepEqual(third1, third2, 'the last resort is served again, never deleted');
    assert.deepEqual(third1[0], { deviceId: first, data: bytesOf(0xaa), lastResort: true, remaining: 0 });
    assert.equal(await s.keyPackages.countKeyPackages(first), 0);
  }));

  it('concurrent claims never hand out the same key package twice', withStorage(open, async (s) => {
    const { input, deviceId } = await createAccount(s);
    const count = 40;
    const packages = Array.from({ length: count }, (_, i) => ({ data: bytesOf(i >> 8, i & 0xff) }));
    await s.keyPackages.addKeyPackages(deviceId, packages, count);
    const claims = await Promise.all(Array.from({ length: count + 10 }, () => s.keyPackages.claimKeyPackages(input.account.id)));
    const handed = claims.flat().map((c) => Array.from(c.data).join(','));
    assert.equal(handed.length, count, 'every package once, then nothing (no last resort set)');
    assert.equal(new Set(handed).size, count, 'no duplicates');
  }));
}
