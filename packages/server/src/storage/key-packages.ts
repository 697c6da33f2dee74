/** MLS key packages: uploaded by each device, claimed by whoever wants to add it to a group. */
import type { AccountId, ClaimedKeyPackage, DeviceId, KeyPackageInput } from './types.ts';

export interface KeyPackageStore {
  /**
   * Adds ordinary key packages for a device, in one transaction, all or none.
   * @returns the device's ordinary count afterwards.
   * @throws StorageError('limit-reached') when the count would exceed `maxPerDevice`.
   * @throws StorageError('not-found') when the device does not exist.
   */
  addKeyPackages(deviceId: DeviceId, packages: readonly KeyPackageInput[], maxPerDevice: number): Promise<number>;
  /**
   * Sets (replaces) the device's last-resort key package, served only when no ordinary one
   * is left and never deleted by a claim.
   * @throws StorageError('not-found') when the device does not exist.
   */
  setLastResortKeyPackage(deviceId: DeviceId, pkg: KeyPackageInput): Promise<void>;
  /**
   * Atomically takes one key package for each device of the account (oldest ordinary one,
   * deleted as it is handed out; else the last-resort one). Devices with neither are left
   * out. No ordinary key package is ever returned twice, even under concurrent claims.
   */
  claimKeyPackages(accountId: AccountId): Promise<ClaimedKeyPackage[]>;
  /** Ordinary (not last-resort) key packages the device has left. */
  countKeyPackages(deviceId: DeviceId): Promise<number>;
}
