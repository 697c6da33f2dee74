/**
 * Identities as the engine sees them: an account's identity key signs its device list
 * (protocol device-list.ts); each device's Ed25519 key is both its relay login key and its
 * MLS leaf signature key, so a leaf can be checked against the signed list. A device's MLS
 * credential is basic, identity = UTF-8 "username/deviceIdHex" (DESIGN.md: credentials
 * name `account/device`).
 */
import type { CryptoProvider, KeyPair } from '@sealed/crypto/provider';
import type { Credential } from '@sealed/mls/structs/credential';
import { deviceListSigningInput, encodeDeviceListContent, encodeSignedDeviceList, sortDevices, type DeviceListEntry } from '@sealed/protocol/device-list';
import { toHex } from '@sealed/protocol/encoding';

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });
const CREDENTIAL_PATTERN = /^([a-z0-9._-]{3,32})\/([0-9a-f]{32})$/;

export interface DeviceKeys {
  /** 16 random bytes, chosen by the device (protocol ID_BYTES). */
  readonly id: Uint8Array;
  readonly key: KeyPair;
}

export function credentialFor(username: string, deviceId: Uint8Array): Credential {
  return { type: 'basic', identity: utf8.encode(`${username}/${toHex(deviceId)}`) };
}

/** `{username, deviceId}` named by a Sealed credential, or undefined for any other credential. */
export function parseCredential(credential: Credential): { readonly username: string; readonly deviceId: string } | undefined {
  if (credential.type !== 'basic') return undefined;
  let text: string;
  try {
    text = utf8Strict.decode(credential.identity);
  } catch {
    return undefined;
  }
  const match = CREDENTIAL_PATTERN.exec(text);
  if (match === null) return undefined;
  return { username: match[1]!, deviceId: match[2]! };
}

/** The signed device list (canonical encoding) of `devices`, signed with the identity key. */
export function signDeviceList(provider: CryptoProvider, username: string, identity: KeyPair, version: number, devices: readonly DeviceKeys[]): Uint8Array {
  const entries: DeviceListEntry[] = devices.map((d) => ({ deviceId: d.id, signatureKey: d.key.publicKey }));
  const content = encodeDeviceListContent({ username, identityKey: identity.publicKey, version, devices: sortDevices(entries) });
  return encodeSignedDeviceList(content, provider.sign('Ed25519', identity.privateKey, deviceListSigningInput(content)));
}
