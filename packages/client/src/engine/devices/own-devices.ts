/**
 * Our account's devices as its signed device list names them, and new versions of that
 * list signed with the account identity key (protocol device-list.ts). Pure.
 */
import type { CryptoProvider, KeyPair } from '@sealed/crypto/provider';
import { deviceListSigningInput, encodeDeviceListContent, encodeSignedDeviceList, sortDevices, type DeviceList, type DeviceListEntry } from '@sealed/protocol/device-list';
import { toHex } from '@sealed/protocol/encoding';

export interface OwnDevice {
  /** Hex of the 16-byte device id. */
  readonly deviceId: string;
  /** True for the device this engine runs on. */
  readonly current: boolean;
}

export function ownDevicesOf(list: DeviceList, currentDeviceIdHex: string): OwnDevice[] {
  return list.devices.map((d) => ({ deviceId: toHex(d.deviceId), current: toHex(d.deviceId) === currentDeviceIdHex }));
}

/** The canonical signed encoding of `entries` as version `version` of `username`'s list. */
export function signEntries(provider: CryptoProvider, username: string, identity: KeyPair, version: number, entries: readonly DeviceListEntry[]): Uint8Array {
  const content = encodeDeviceListContent({ username, identityKey: identity.publicKey, version, devices: sortDevices(entries) });
  return encodeSignedDeviceList(content, provider.sign('Ed25519', identity.privateKey, deviceListSigningInput(content)));
}
