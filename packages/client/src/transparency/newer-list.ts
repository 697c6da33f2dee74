/**
 * A device list served ahead of the log: the account's owner linked a device after the
 * last epoch. Such a list is recognised only when it is a correctly signed list of the
 * same account, with the identity key the log vouches for, at a greater version than the
 * logged one; its devices the logged list lacks are then pending (not trusted, not added,
 * not an error). Anything else served instead of the logged list is refused.
 */
import type { CryptoProvider } from '@sealed/crypto/provider';
import { hashEquals } from '@sealed/kt/log/merkle-hash';
import { decodeSignedDeviceList } from '@sealed/protocol/device-list';
import { toHex } from '@sealed/protocol/encoding';
import type { VerifiedAccount } from './contact-verify.ts';

/** Hex ids of the devices `served` adds to the logged list, or undefined when `served` is not such a newer list. */
export function newerDevices(provider: CryptoProvider, logged: VerifiedAccount, served: Uint8Array): string[] | undefined {
  let signed;
  try {
    signed = decodeSignedDeviceList(served);
  } catch {
    return undefined;
  }
  const { list } = signed;
  if (list.username !== logged.username || !hashEquals(list.identityKey, logged.identityKey)) return undefined;
  if (list.version <= logged.deviceList.version) return undefined;
  if (!provider.verify('Ed25519', list.identityKey, signed.signingInput, signed.signature)) return undefined;
  const had = new Set(logged.deviceList.devices.map((d) => toHex(d.deviceId)));
  return list.devices.map((d) => toHex(d.deviceId)).filter((d) => !had.has(d));
}
