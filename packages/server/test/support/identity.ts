/** Test keys and signed structures: Ed25519 through node:crypto, as a client would make them. */
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import {
  deviceListSigningInput,
  encodeDeviceListContent,
  encodeSignedDeviceList,
  sortDevices,
  type DeviceListEntry,
} from '@sealed/protocol/device-list';

export interface Ed25519Key {
  readonly publicKey: Uint8Array;
  readonly privateKey: KeyObject;
}

export function ed25519(): Ed25519Key {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return { publicKey: new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(12)), privateKey };
}

export function signWith(key: Ed25519Key, message: Uint8Array): Uint8Array {
  return new Uint8Array(sign(null, message, key.privateKey));
}

export interface TestDevice {
  readonly id: Uint8Array;
  readonly key: Ed25519Key;
}

export function newTestDevice(): TestDevice {
  return { id: new Uint8Array(randomBytes(16)), key: ed25519() };
}

/** A device list signed by `identity`. */
export function signedDeviceList(username: string, identity: Ed25519Key, version: number, devices: readonly TestDevice[]): Uint8Array {
  const entries: DeviceListEntry[] = devices.map((d) => ({ deviceId: d.id, signatureKey: d.key.publicKey }));
  const content = encodeDeviceListContent({ username, identityKey: identity.publicKey, version, devices: sortDevices(entries) });
  return encodeSignedDeviceList(content, signWith(identity, deviceListSigningInput(content)));
}
