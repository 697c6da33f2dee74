/**
 * The device lists key transparency vouched for, by username: what the engine's Directory
 * consults once `requireTransparency` is installed (engine/directory.ts). A list is vouched
 * for only as the exact bytes verifyContactAccount proved to be the latest in the log.
 */
import { hashEquals } from '@sealed/kt/log/merkle-hash';
import type { DeviceListVoucher } from '../engine/directory.ts';
import type { VerifiedAccount } from './contact-verify.ts';

export class VouchedLists implements DeviceListVoucher {
  private readonly accounts = new Map<string, VerifiedAccount>();

  constructor(readonly ownUsername: string) {}

  /** Records a verified account (replacing an older verification of the same username). */
  record(account: VerifiedAccount): void {
    this.accounts.set(account.username, account);
  }

  get(username: string): VerifiedAccount | undefined {
    return this.accounts.get(username);
  }

  vouches(username: string, signedDeviceList: Uint8Array): boolean {
    const v = this.accounts.get(username);
    return v !== undefined && v.signedDeviceList.length === signedDeviceList.length && hashEquals(v.signedDeviceList, signedDeviceList);
  }
}
