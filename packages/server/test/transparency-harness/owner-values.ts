/** The label values a harness user's own device published (what its client records as its own changes). */
import { encodeAccountValue, encodeUsernameValue } from '@sealed/kt/labels/labels';
import { toBase64Url } from '@sealed/protocol/encoding';
import { http, tokenOf, type TestUser } from '../support/harness.ts';
import { newTestDevice, signedDeviceList } from '../support/identity.ts';

export function registrationValues(user: TestUser): Uint8Array[] {
  return [
    encodeUsernameValue({ accountId: Uint8Array.from(Buffer.from(user.accountId, 'hex')), identityKey: user.identity.publicKey }),
    encodeAccountValue(signedDeviceList(user.username, user.identity, 1, user.devices)),
  ];
}

/** The owner links a new device: the new list, recorded as an own change before it is sent. */
export async function addOwnDevice(base: string, user: TestUser, record: (value: Uint8Array) => void): Promise<void> {
  user.devices.push(newTestDevice());
  user.listVersion++;
  const list = signedDeviceList(user.username, user.identity, user.listVersion, user.devices);
  record(encodeAccountValue(list));
  const res = await http(base, 'PUT', '/v1/devices', { deviceList: toBase64Url(list) }, tokenOf(user));
  if (res.status !== 200) throw new Error(`PUT /v1/devices: ${res.status}`);
}
