/**
 * The account record: what this device must keep to come back after a restart (identity
 * and device keys, unused key packages, the last resort). Encoded with the deterministic
 * CBOR subset of content/, versioned, and handed to the host as an opaque `save` action:
 * the vault's stores encrypt it (STYLE.md habit 3). Group states are separate records
 * (mls serializeGroupState).
 *
 *   account = [
 *     version: 2,
 *     username: tstr,
 *     identity: [privateKey bstr, publicKey bstr],
 *     device: [id bstr .size 16, privateKey bstr, publicKey bstr],
 *     deviceListVersion: uint,
 *     keyPackages: [* bundle],            ; at most MAX_LOCAL_KEY_PACKAGES
 *     lastResort: bundle / null,
 *     ownList: bstr,                      ; version 2: our signed device list (multi-device)
 *   ]
 *   Version 1 records (no ownList: single-device accounts) still load; their list is
 *   signed again from the identity key, the device and deviceListVersion.
 *   bundle = [keyPackage bstr (RFC 9420 KeyPackage), initPrivateKey bstr, encryptionPrivateKey bstr]
 *   (a bundle's signature private key is the device key: not repeated)
 *
 * Not kept yet (documented in README.md): per-conversation bookkeeping (seen message ids,
 * self-update counters) and the relay seq cursor; after a restart MLS's own replay
 * protection drops redelivered entries.
 */
import type { CipherSuite } from '@sealed/mls/crypto/cipher-suite';
import { keyPackageRef, type KeyPackageBundle } from '@sealed/mls/group/key-package';
import { keyPackageBytes, parseKeyPackage } from '@sealed/mls/structs/key-package';
import { toHex } from '@sealed/protocol/encoding';
import { ID_BYTES } from '@sealed/protocol/limits';
import { decodeCbor } from '../content/cbor-decode.ts';
import { encodeCbor } from '../content/cbor-encode.ts';
import { ContentError } from '../content/cbor-errors.ts';
import type { CborValue } from '../content/cbor-value.ts';
import type { Action } from './actions.ts';
import type { Account } from './account.ts';
import { signDeviceList } from './identity.ts';
import { MAX_LOCAL_KEY_PACKAGES } from './limits.ts';

export const ACCOUNT_RECORD_VERSION = 2;
/** Records written before multi-device (no ownList) are still read. */
const ACCOUNT_RECORD_V1 = 1;

/**
 * Largest account record we load: MAX_LOCAL_KEY_PACKAGES post-quantum bundles of about
 * 5 KiB each (key package plus two X-Wing private keys), rounded up generously.
 */
export const MAX_ACCOUNT_RECORD_BYTES = 4 * 1024 * 1024;

export type SnapshotErrorCode = 'unknown-version' | 'malformed-record';

export class SnapshotError extends Error {
  override readonly name = 'SnapshotError';
  constructor(
    readonly code: SnapshotErrorCode,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}

function bundleValue(bundle: KeyPackageBundle): CborValue {
  return [keyPackageBytes(bundle.keyPackage), bundle.initPrivateKey, bundle.encryptionPrivateKey];
}

/** The account record's bytes (secret: the host must only store them encrypted). */
export function encodeAccount(account: Account): Uint8Array {
  return encodeCbor([
    ACCOUNT_RECORD_VERSION,
    account.username,
    [account.identity.privateKey, account.identity.publicKey],
    [account.device.id, account.device.key.privateKey, account.device.key.publicKey],
    account.deviceListVersion,
    [...account.keyPackages.values()].map(bundleValue),
    account.lastResort === undefined ? null : bundleValue(account.lastResort),
    account.ownList,
  ]);
}

function malformed(detail: string): SnapshotError {
  return new SnapshotError('malformed-record', detail);
}

function bytes(value: CborValue | undefined, what: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw malformed(`${what} is not bytes`);
  return value;
}

function list(value: CborValue | undefined, length: number, what: string): readonly CborValue[] {
  if (!Array.isArray(value) || (length >= 0 && value.length !== length)) throw malformed(`${what} is not an array of ${length}`);
  return value as readonly CborValue[];
}

function decodeBundle(value: CborValue | undefined, devicePrivateKey: Uint8Array): KeyPackageBundle {
  const [kp, init, enc] = list(value, 3, 'bundle');
  let keyPackage;
  try {
    keyPackage = parseKeyPackage(bytes(kp, 'keyPackage'));
  } catch (error) {
    if (error instanceof SnapshotError) throw error;
    throw malformed('keyPackage does not decode');
  }
  return { keyPackage, initPrivateKey: bytes(init, 'initPrivateKey'), encryptionPrivateKey: bytes(enc, 'encryptionPrivateKey'), signaturePrivateKey: devicePrivateKey };
}

/**
 * Loads an account record (version checked first).
 * @throws SnapshotError('unknown-version' | 'malformed-record')
 */
export function decodeAccount(suite: CipherSuite, encoded: Uint8Array): Account {
  let value: CborValue;
  try {
    value = decodeCbor(encoded, MAX_ACCOUNT_RECORD_BYTES);
  } catch (error) {
    if (error instanceof ContentError) throw malformed(`cbor ${error.code}`);
    throw error;
  }
  if (!Array.isArray(value) || value.length === 0) throw malformed('not an array');
  const items = value as readonly CborValue[];
  const version = items[0];
  if (version !== ACCOUNT_RECORD_VERSION && version !== ACCOUNT_RECORD_V1) throw new SnapshotError('unknown-version', `version ${String(version)}`);
  if (items.length !== (version === ACCOUNT_RECORD_V1 ? 7 : 8)) throw malformed('wrong field count');
  const username = items[1];
  if (typeof username !== 'string') throw malformed('username');
  const [identityPrivate, identityPublic] = list(items[2], 2, 'identity');
  const [deviceId, devicePrivate, devicePublic] = list(items[3], 3, 'device');
  const id = bytes(deviceId, 'device id');
  if (id.length !== ID_BYTES) throw malformed('device id length');
  const deviceListVersion = items[4];
  if (typeof deviceListVersion !== 'number' || deviceListVersion < 1) throw malformed('deviceListVersion');
  const devicePrivateKey = bytes(devicePrivate, 'device private key');
  const bundles = list(items[5], -1, 'keyPackages');
  if (bundles.length > MAX_LOCAL_KEY_PACKAGES) throw malformed(`${bundles.length} key packages`);
  const keyPackages = new Map<string, KeyPackageBundle>();
  for (const b of bundles) {
    const bundle = decodeBundle(b, devicePrivateKey);
    keyPackages.set(toHex(keyPackageRef(suite, bundle.keyPackage)), bundle);
  }
  const identity = { privateKey: bytes(identityPrivate, 'identity private key'), publicKey: bytes(identityPublic, 'identity public key') };
  const device = { id, key: { privateKey: devicePrivateKey, publicKey: bytes(devicePublic, 'device public key') } };
  // A version 1 record is a single-device account: its list is the one it signed.
  const ownList = version === ACCOUNT_RECORD_V1 ? signDeviceList(suite.provider, username, identity, deviceListVersion, [device]) : bytes(items[7], 'ownList');
  return {
    username,
    identity,
    device,
    deviceIdHex: toHex(id),
    deviceListVersion,
    ownList,
    keyPackages,
    lastResort: items[6] === null ? undefined : decodeBundle(items[6], devicePrivateKey),
  };
}

/** The `save` action of the account record. */
export function saveAccount(account: Account): Action {
  return { type: 'save', record: 'account', key: account.deviceIdHex, bytes: encodeAccount(account) };
}
