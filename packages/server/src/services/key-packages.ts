/** Key packages: bounded uploads, atomic claims, last resort, low-count signal to the owner. */
import { fromHex } from '@sealed/protocol/encoding';
import type { ClaimResponse, KeyPackageCountResponse, KeyPackageUploadRequest } from '@sealed/protocol/http';
import { KEY_PACKAGES_LOW_MARK, MAX_KEY_PACKAGES_PER_DEVICE } from '@sealed/protocol/limits';
import { normaliseUsername } from '@sealed/protocol/username';
import { ServerError } from '../errors.ts';
import { StorageError } from '../storage/errors.ts';
import type { Caller, ServiceDeps } from './deps.ts';

export class KeyPackageService {
  constructor(private readonly deps: ServiceDeps) {}

  /** @throws ServerError limit-reached when the device would hold more than MAX_KEY_PACKAGES_PER_DEVICE. */
  async upload(caller: Caller, req: KeyPackageUploadRequest): Promise<KeyPackageCountResponse> {
    const store = this.deps.storage.keyPackages;
    try {
      if (req.lastResort !== undefined) await store.setLastResortKeyPackage(caller.deviceId, { data: req.lastResort });
      const count =
        req.keyPackages.length > 0
          ? await store.addKeyPackages(caller.deviceId, req.keyPackages.map((data) => ({ data })), MAX_KEY_PACKAGES_PER_DEVICE)
          : await store.countKeyPackages(caller.deviceId);
      return { count, low: count <= KEY_PACKAGES_LOW_MARK };
    } catch (error) {
      if (error instanceof StorageError && error.code === 'limit-reached') throw new ServerError('limit-reached', `at most ${MAX_KEY_PACKAGES_PER_DEVICE} per device`);
      if (error instanceof StorageError && error.code === 'not-found') throw new ServerError('unauthorized', 'device gone');
      throw error;
    }
  }

  async count(caller: Caller): Promise<KeyPackageCountResponse> {
    const count = await this.deps.storage.keyPackages.countKeyPackages(caller.deviceId);
    return { count, low: count <= KEY_PACKAGES_LOW_MARK };
  }

  /**
   * One key package per device of `username`, atomically. Owners whose count fell to the
   * low mark get a `key-packages-low` notice on their sockets.
   * @throws ServerError invalid-username, not-found.
   */
  async claim(username: string): Promise<ClaimResponse> {
    const name = normaliseUsername(username);
    if (!name.ok) throw new ServerError('invalid-username', name.error);
    const account = await this.deps.storage.accounts.getAccountByUsername(name.username);
    if (account === undefined) throw new ServerError('not-found', 'account');
    const claimed = await this.deps.storage.keyPackages.claimKeyPackages(account.id);
    for (const c of claimed) {
      if (c.remaining <= KEY_PACKAGES_LOW_MARK) await this.deps.bus.publish({ type: 'key-packages-low', deviceId: c.deviceId, remaining: c.remaining });
    }
    return { keyPackages: claimed.map((c) => ({ deviceId: fromHex(c.deviceId)!, keyPackage: c.data, lastResort: c.lastResort })) };
  }
}

