/**
 * The signed device list of an account: which device keys belong to it. Produced and signed
 * with the account identity key on an existing device; the server checks the signature and
 * that the version increases, stores the latest and serves it verbatim. Key transparency
 * commits to it.
 *
 * Canonical encoding (big-endian):
 *
 *   format u8 (=1)
 *   usernameLength u8 (3..32) | username (normalised, ASCII)
 *   identityKey[32]                    Ed25519 public key of the account
 *   listVersion u32 (>= 1)             strictly increasing per account
 *   deviceCount u8 (1..16)
 *   devices, strictly ascending by deviceId:  deviceId[16] | signatureKey[32]
 *   signature[64]                      Ed25519 by identityKey over
 *                                      DEVICE_LIST_LABEL || every byte above
 *
 * Canonical means one encoding per list: ascending ids (so no duplicates), distinct keys,
 * no trailing bytes. The signature covers the username and identity key, so a list cannot
 * be replayed for another account.
 */
import { DecodeError } from './binary/decode-error.ts';
import { Reader } from './binary/reader.ts';
import { Writer } from './binary/writer.ts';
import { ED25519_PUBLIC_KEY_BYTES, ED25519_SIGNATURE_BYTES, ID_BYTES, MAX_DEVICE_LIST_BYTES, MAX_DEVICES_PER_ACCOUNT } from './limits.ts';
import { normaliseUsername } from './username.ts';
import { MIN_PROTOCOL_VERSION, PROTOCOL_VERSION } from './version.ts';

/** Domain separation for the device-list signature ("sealed device list v1" and a zero byte). */
export const DEVICE_LIST_LABEL = new TextEncoder().encode('sealed device list v1\0');

export interface DeviceListEntry {
  readonly deviceId: Uint8Array;
  readonly signatureKey: Uint8Array;
}

export interface DeviceList {
  readonly username: string;
  readonly identityKey: Uint8Array;
  readonly version: number;
  readonly devices: readonly DeviceListEntry[];
}

export interface SignedDeviceList {
  readonly list: DeviceList;
  readonly signature: Uint8Array;
  /** The exact bytes the signature covers: DEVICE_LIST_LABEL || content. */
  readonly signingInput: Uint8Array;
  /** The full canonical encoding. */
  readonly encoded: Uint8Array;
}

function compare(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length && i < b.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Sorts entries into canonical order (clients call this before encoding). */
export function sortDevices(devices: readonly DeviceListEntry[]): DeviceListEntry[] {
  return [...devices].sort((x, y) => compare(x.deviceId, y.deviceId));
}

/**
 * The content bytes (everything but the signature). Devices must already be in canonical order.
 * @throws RangeError when the list breaks a rule (a programming error on the encoding side).
 */
export function encodeDeviceListContent(list: DeviceList): Uint8Array {
  const name = normaliseUsername(list.username);
  if (!name.ok || name.username !== list.username) throw new RangeError('username is not normalised');
  if (list.identityKey.length !== ED25519_PUBLIC_KEY_BYTES) throw new RangeError('identity key length');
  if (!Number.isInteger(list.version) || list.version < 1 || list.version > 0xffff_ffff) throw new RangeError('list version');
  const count = list.devices.length;
  if (count < 1 || count > MAX_DEVICES_PER_ACCOUNT) throw new RangeError('device count');
  checkCanonical(list.devices, (detail) => new RangeError(detail));
  const w = new Writer(1 + 1 + list.username.length + ED25519_PUBLIC_KEY_BYTES + 4 + 1 + count * (ID_BYTES + ED25519_PUBLIC_KEY_BYTES))
    .u8(PROTOCOL_VERSION)
    .u8(list.username.length)
    .bytes(new TextEncoder().encode(list.username))
    .bytes(list.identityKey)
    .u32(list.version)
    .u8(count);
  for (const device of list.devices) w.bytes(device.deviceId).bytes(device.signatureKey);
  return w.finish();
}

/** DEVICE_LIST_LABEL || content: what the identity key signs. */
export function deviceListSigningInput(content: Uint8Array): Uint8Array {
  const out = new Uint8Array(DEVICE_LIST_LABEL.length + content.length);
  out.set(DEVICE_LIST_LABEL);
  out.set(content, DEVICE_LIST_LABEL.length);
  return out;
}

/** content || signature. */
export function encodeSignedDeviceList(content: Uint8Array, signature: Uint8Array): Uint8Array {
  if (signature.length !== ED25519_SIGNATURE_BYTES) throw new RangeError('signature length');
  return new Writer(content.length + signature.length).bytes(content).bytes(signature).finish();
}

function checkCanonical(devices: readonly DeviceListEntry[], fail: (detail: string) => Error): void {
  const keys = new Set<string>();
  devices.forEach((device, i) => {
    if (device.deviceId.length !== ID_BYTES || device.signatureKey.length !== ED25519_PUBLIC_KEY_BYTES) throw fail('device entry lengths');
    if (i > 0 && compare(devices[i - 1]!.deviceId, device.deviceId) >= 0) throw fail('devices not strictly ascending by id');
    const key = device.signatureKey.join(',');
    if (keys.has(key)) throw fail('a device key appears twice');
    keys.add(key);
  });
}

/**
 * Decodes a signed device list. Does not verify the signature (the caller does, with
 * `signingInput` and the identity key, through its crypto provider).
 * @throws DecodeError for any malformed or non-canonical input.
 */
export function decodeSignedDeviceList(encoded: Uint8Array): SignedDeviceList {
  if (encoded.length > MAX_DEVICE_LIST_BYTES) throw new DecodeError('too-large', `device list of ${encoded.length} bytes`);
  const r = new Reader(encoded);
  const format = r.u8('device list format');
  if (format < MIN_PROTOCOL_VERSION) throw new DecodeError('version-too-old', `device list format ${format}`);
  if (format > PROTOCOL_VERSION) throw new DecodeError('version-unknown', `device list format ${format}`);
  const nameLength = r.u8('username length');
  const nameBytes = r.bytes(nameLength, 'username');
  const username = String.fromCharCode(...nameBytes);
  const name = normaliseUsername(username);
  if (!name.ok || name.username !== username) throw new DecodeError('invalid-value', 'username not normalised');
  const identityKey = r.bytes(ED25519_PUBLIC_KEY_BYTES, 'identity key');
  const version = r.u32('list version');
  if (version === 0) throw new DecodeError('invalid-value', 'list version 0');
  const count = r.u8('device count');
  if (count === 0) throw new DecodeError('invalid-value', 'no devices');
  if (count > MAX_DEVICES_PER_ACCOUNT) throw new DecodeError('too-large', `device count ${count}`);
  const devices: DeviceListEntry[] = [];
  for (let i = 0; i < count; i++) {
    devices.push({ deviceId: r.bytes(ID_BYTES, 'device id'), signatureKey: r.bytes(ED25519_PUBLIC_KEY_BYTES, 'device key') });
  }
  checkCanonical(devices, (detail) => new DecodeError('invalid-value', detail));
  const contentLength = encoded.length - r.remaining;
  const signature = r.bytes(ED25519_SIGNATURE_BYTES, 'signature');
  r.finish('device list');
  return {
    list: { username, identityKey, version, devices },
    signature,
    signingInput: deviceListSigningInput(encoded.subarray(0, contentLength)),
    encoded,
  };
}
