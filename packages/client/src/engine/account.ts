/**
 * This device's account: identity key, device key, and the pool of key packages whose
 * private keys wait here for a Welcome (RFC 9420 §10, §12.4.3.1). Pure: randomness and
 * the clock come from the provider and the caller.
 */
import type { CryptoProvider, KeyPair } from '@sealed/crypto/provider';
import type { CipherSuite } from '@sealed/mls/crypto/cipher-suite';
import { createKeyPackage, keyPackageRef, type KeyPackageBundle } from '@sealed/mls/group/key-package';
import { mlsMessageBytes } from '@sealed/mls/structs/mls-message';
import { authSigningInput, registrationSigningInput } from '@sealed/protocol/auth';
import { toHex } from '@sealed/protocol/encoding';
import { ID_BYTES } from '@sealed/protocol/limits';
import type { RegisterRequest, SessionRequest } from '@sealed/protocol/http';
import { credentialFor, type DeviceKeys, signDeviceList } from './identity.ts';
import { KEY_PACKAGE_LIFETIME_SECONDS, MAX_LOCAL_KEY_PACKAGES } from './limits.ts';

export interface Account {
  readonly username: string;
  readonly identity: KeyPair;
  readonly device: DeviceKeys;
  readonly deviceIdHex: string;
  deviceListVersion: number;
  /** Our account's signed device list as last accepted by the relay (names this device). */
  ownList: Uint8Array;
  /** Unused key packages by KeyPackageRef (hex); each is deleted once a Welcome used it. */
  readonly keyPackages: Map<string, KeyPackageBundle>;
  /** Reused by every adder when the others ran out; never deleted. */
  lastResort: KeyPackageBundle | undefined;
}

/** A new account with fresh identity and device keys (nothing is sent yet). `username` must be normalised. */
export function newAccount(provider: CryptoProvider, username: string): Account {
  const device: DeviceKeys = { id: provider.randomBytes(ID_BYTES), key: provider.signatureGenerate('Ed25519') };
  const identity = provider.signatureGenerate('Ed25519');
  const ownList = signDeviceList(provider, username, identity, 1, [device]);
  return { username, identity, device, deviceIdHex: toHex(device.id), deviceListVersion: 1, ownList, keyPackages: new Map(), lastResort: undefined };
}

/** A key package of this device (its device key signs the leaf), valid from `nowSeconds`. */
export function ownKeyPackage(suite: CipherSuite, account: Account, nowSeconds: bigint): KeyPackageBundle {
  return createKeyPackage(suite, {
    credential: credentialFor(account.username, account.device.id),
    signatureKeyPair: account.device.key,
    lifetime: { notBefore: nowSeconds - 3600n, notAfter: nowSeconds + KEY_PACKAGE_LIFETIME_SECONDS },
  });
}

/**
 * `count` new key packages added to the pool (bounded by MAX_LOCAL_KEY_PACKAGES); returns
 * their MLSMessage encodings to upload.
 */
export function addKeyPackages(suite: CipherSuite, account: Account, count: number, nowSeconds: bigint): Uint8Array[] {
  const room = Math.max(0, Math.min(count, MAX_LOCAL_KEY_PACKAGES - account.keyPackages.size));
  const encoded: Uint8Array[] = [];
  for (let i = 0; i < room; i++) {
    const bundle = ownKeyPackage(suite, account, nowSeconds);
    account.keyPackages.set(toHex(keyPackageRef(suite, bundle.keyPackage)), bundle);
    encoded.push(mlsMessageBytes({ wireFormat: 'mls_key_package', keyPackage: bundle.keyPackage }));
  }
  return encoded;
}

/** The bundle whose KeyPackageRef is `refHex` (the last resort included), if we hold it. */
export function findKeyPackage(suite: CipherSuite, account: Account, refHex: string): KeyPackageBundle | undefined {
  const found = account.keyPackages.get(refHex);
  if (found !== undefined) return found;
  const last = account.lastResort;
  if (last !== undefined && toHex(keyPackageRef(suite, last.keyPackage)) === refHex) return last;
  return undefined;
}

/** POST /v1/accounts body for `account` answering `challenge` (protocol auth.ts). */
export function registerRequest(provider: CryptoProvider, account: Account, challenge: Uint8Array): RegisterRequest {
  return {
    username: account.username,
    identityKey: account.identity.publicKey,
    deviceList: account.ownList,
    challenge,
    identitySignature: provider.sign('Ed25519', account.identity.privateKey, registrationSigningInput(challenge, account.username)),
    deviceSignature: provider.sign('Ed25519', account.device.key.privateKey, authSigningInput(challenge, account.device.id)),
  };
}

/** POST /v1/sessions body: the device key over the challenge. */
export function sessionRequest(provider: CryptoProvider, account: Account, challenge: Uint8Array): SessionRequest {
  return { deviceId: account.device.id, challenge, signature: provider.sign('Ed25519', account.device.key.privateKey, authSigningInput(challenge, account.device.id)) };
}
