/**
 * The device lists key transparency vouched for, by username: what the engine's Directory
 * consults once `requireTransparency` is installed (engine/directory.ts). A list is vouched
 * for only as the exact bytes verifyContactAccount proved to be the latest in the log, or
 * (`vouchesFormer`) as an earlier version a fixed-version search proved (former-lists.ts).
 */
import { hashEquals } from '@sealed/kt/log/merkle-hash';
import type { DeviceListVoucher } from '../engine/directory.ts';
import type { VerifiedAccount } from './contact-verify.ts';
import { decodeAccountValue, labelKind } from '@sealed/kt/labels/labels';
import { decodeSignedDeviceList } from '@sealed/protocol/device-list';
import { toHex } from '@sealed/protocol/encoding';

/** Earlier lists kept per contact (one fixed-version search round proves at most MAX_FORMER_LIST_SEARCHES). */
export const MAX_FORMER_LISTS_KEPT = 16;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && hashEquals(a, b);
}

export class VouchedLists implements DeviceListVoucher {
  private readonly accounts = new Map<string, VerifiedAccount>();
  /** Earlier logged lists proven by fixed-version search, by username (bounded: MAX_FORMER_LISTS_KEPT). */
  private readonly former = new Map<string, Uint8Array[]>();
  /** Device ids of our own account's latest logged list (owner monitoring). */
  private ownLogged: Set<string> | undefined;

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
    return v !== undefined && sameBytes(v.signedDeviceList, signedDeviceList);
  }

  /** Records an earlier logged list of `username` (the exact bytes a fixed-version search proved). */
  recordFormer(username: string, signedDeviceList: Uint8Array): void {
    const lists = (this.former.get(username) ?? []).filter((l) => !sameBytes(l, signedDeviceList));
    lists.push(signedDeviceList.slice());
    this.former.set(username, lists.slice(-MAX_FORMER_LISTS_KEPT));
  }

  vouchesFormer(username: string, signedDeviceList: Uint8Array): boolean {
    return (this.former.get(username) ?? []).some((l) => sameBytes(l, signedDeviceList));
  }

  /** Records the latest logged value of an own label (account label: its device ids). */
  recordOwnLogged(label: Uint8Array, value: Uint8Array): void {
    if (labelKind(label) !== 'account') return;
    try {
      this.ownLogged = new Set(decodeSignedDeviceList(decodeAccountValue(value)).list.devices.map((d) => toHex(d.deviceId)));
    } catch {
      // Not a device list (monitoring alerts on it): nothing of ours counts as logged from it.
    }
  }

  ownDeviceLogged(deviceIdHex: string): boolean {
    return this.ownLogged?.has(deviceIdHex) ?? false;
  }
}
