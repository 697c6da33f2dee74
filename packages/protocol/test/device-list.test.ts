import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, it } from 'node:test';
import { DecodeError, type DecodeErrorCode } from '../src/binary/decode-error.ts';
import {
  decodeSignedDeviceList,
  deviceListSigningInput,
  encodeDeviceListContent,
  encodeSignedDeviceList,
  sortDevices,
  type DeviceList,
} from '../src/device-list.ts';
import { MAX_DEVICES_PER_ACCOUNT } from '../src/limits.ts';

function keyPair() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(12));
  return { raw, privateKey, publicKey };
}

const identity = keyPair();
const list: DeviceList = {
  username: 'alice',
  identityKey: identity.raw,
  version: 3,
  devices: sortDevices([
    { deviceId: new Uint8Array(16).fill(9), signatureKey: new Uint8Array(32).fill(1) },
    { deviceId: new Uint8Array(16).fill(2), signatureKey: new Uint8Array(32).fill(2) },
  ]),
};

function signed(l: DeviceList = list): Uint8Array {
  const content = encodeDeviceListContent(l);
  return encodeSignedDeviceList(content, new Uint8Array(sign(null, deviceListSigningInput(content), identity.privateKey)));
}

function rejects(data: Uint8Array, code: DecodeErrorCode): void {
  assert.throws(() => decodeSignedDeviceList(data), (e: unknown) => e instanceof DecodeError && e.code === code);
}

describe('signed device list', () => {
  it('round-trips; the signature verifies over signingInput', () => {
    const bytes = signed();
    const decoded = decodeSignedDeviceList(bytes);
    assert.deepEqual(decoded.list, list);
    assert.ok(verify(null, decoded.signingInput, identity.publicKey, decoded.signature));
    assert.deepEqual(decoded.encoded, bytes);
    assert.deepEqual(encodeSignedDeviceList(encodeDeviceListContent(decoded.list), decoded.signature), bytes);
  });

  it('rejects truncations, trailing bytes, bad format versions', () => {
    const bytes = signed();
    for (let cut = 0; cut < bytes.length; cut++) assert.throws(() => decodeSignedDeviceList(bytes.subarray(0, cut)), DecodeError);
    rejects(new Uint8Array([...bytes, 0]), 'trailing-bytes');
    rejects(new Uint8Array([0, ...bytes.subarray(1)]), 'version-too-old');
    rejects(new Uint8Array([2, ...bytes.subarray(1)]), 'version-unknown');
  });

  it('rejects non-canonical content: unsorted or duplicate ids, duplicate keys, unnormalised username, version 0, counts', () => {
    const bytes = signed();
    const devicesAt = 1 + 1 + 5 + 32 + 4 + 1;
    const swapped = bytes.slice();
    swapped.set(bytes.subarray(devicesAt + 48, devicesAt + 96), devicesAt);
    swapped.set(bytes.subarray(devicesAt, devicesAt + 48), devicesAt + 48);
    rejects(swapped, 'invalid-value');
    const dupKey = bytes.slice();
    dupKey.set(bytes.subarray(devicesAt + 16, devicesAt + 48), devicesAt + 48 + 16);
    rejects(dupKey, 'invalid-value');
    const upper = bytes.slice();
    upper[2] = 'A'.charCodeAt(0);
    rejects(upper, 'invalid-value');
    const v0 = bytes.slice();
    v0.fill(0, 1 + 1 + 5 + 32, 1 + 1 + 5 + 32 + 4);
    rejects(v0, 'invalid-value');
    const none = bytes.slice();
    none[devicesAt - 1] = 0;
    rejects(none, 'invalid-value');
    const many = bytes.slice();
    many[devicesAt - 1] = MAX_DEVICES_PER_ACCOUNT + 1;
    rejects(many, 'too-large');
    rejects(new Uint8Array(4096), 'too-large');
  });

  it('the encoder refuses unsorted devices and unnormalised usernames', () => {
    assert.throws(() => encodeDeviceListContent({ ...list, devices: [...list.devices].reverse() }), RangeError);
    assert.throws(() => encodeDeviceListContent({ ...list, username: 'Alice' }), RangeError);
    assert.throws(() => encodeDeviceListContent({ ...list, version: 0 }), RangeError);
  });
});
