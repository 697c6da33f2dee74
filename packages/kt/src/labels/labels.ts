/**
 * Sealed's two kinds of label in the transparency log, and their update values
 * (draft-ietf-keytrans-protocol, "Update Format": the log commits to label-version-value).
 *
 *   account label:   0x01 | account_id[16]
 *   account value:   0x01 (format) | signed device list (the canonical encoding of
 *                    @sealed/protocol/device-list: username, identity key, version, devices,
 *                    Ed25519 signature by the identity key)
 *   username label:  0x02 | normalised username (ASCII, 3..32 octets)
 *   username value:  0x01 (format) | account_id[16] | identity_key[32]
 *
 * The account label binds an account (as MLS credentials name it) to its identity key and
 * device list; the username label binds the name people type to the account and its key,
 * so neither can be swapped without a new, monitored version. Each account-label version
 * is one device-list change; the username label gets version 0 at registration.
 */
import { LabelError } from './label-error.ts';

export const ACCOUNT_LABEL_TAG = 0x01;
export const USERNAME_LABEL_TAG = 0x02;
/** Version octet of both value formats. */
export const LABEL_VALUE_FORMAT = 0x01;
export const ACCOUNT_ID_LEN = 16;
export const IDENTITY_KEY_LEN = 32;
/** Usernames are 3..32 ASCII characters once normalised (@sealed/protocol/limits). */
export const USERNAME_MIN_LEN = 3;
export const USERNAME_MAX_LEN = 32;
/** The largest signed device list (@sealed/protocol MAX_DEVICE_LIST_BYTES bound, rounded up). */
export const MAX_ACCOUNT_VALUE_LIST_LEN = 4096;

export type LabelKind = 'account' | 'username';

/** The account label of `accountId`. @throws {LabelError} `invalid-account-id`. */
export function accountLabel(accountId: Uint8Array): Uint8Array {
  if (accountId.length !== ACCOUNT_ID_LEN) throw new LabelError('invalid-account-id', `account id must be ${ACCOUNT_ID_LEN} octets`);
  const out = new Uint8Array(1 + ACCOUNT_ID_LEN);
  out[0] = ACCOUNT_LABEL_TAG;
  out.set(accountId, 1);
  return out;
}

/**
 * The username label of an already normalised username (lowercase ASCII; the caller
 * normalises with @sealed/protocol/username).
 * @throws {LabelError} `invalid-username` for a length outside 3..32 or a non-ASCII octet.
 */
export function usernameLabel(normalised: string): Uint8Array {
  const bytes = new TextEncoder().encode(normalised);
  if (bytes.length < USERNAME_MIN_LEN || bytes.length > USERNAME_MAX_LEN || bytes.length !== normalised.length || bytes.some((b) => b < 0x21 || b > 0x7e)) {
    throw new LabelError('invalid-username', `username must be ${USERNAME_MIN_LEN}..${USERNAME_MAX_LEN} printable ASCII characters`);
  }
  const out = new Uint8Array(1 + bytes.length);
  out[0] = USERNAME_LABEL_TAG;
  out.set(bytes, 1);
  return out;
}

/** Which kind of label `label` is. @throws {LabelError} `invalid-label`. */
export function labelKind(label: Uint8Array): LabelKind {
  if (label[0] === ACCOUNT_LABEL_TAG && label.length === 1 + ACCOUNT_ID_LEN) return 'account';
  if (label[0] === USERNAME_LABEL_TAG && label.length >= 1 + USERNAME_MIN_LEN && label.length <= 1 + USERNAME_MAX_LEN) return 'username';
  throw new LabelError('invalid-label', `not a Sealed label (${label.length} octets)`);
}

/** The account value wrapping an encoded signed device list. @throws {LabelError} `invalid-value`. */
export function encodeAccountValue(signedDeviceList: Uint8Array): Uint8Array {
  if (signedDeviceList.length === 0 || signedDeviceList.length > MAX_ACCOUNT_VALUE_LIST_LEN) throw new LabelError('invalid-value', 'device list length out of range');
  const out = new Uint8Array(1 + signedDeviceList.length);
  out[0] = LABEL_VALUE_FORMAT;
  out.set(signedDeviceList, 1);
  return out;
}

/**
 * The signed device list inside an account value (a copy); the caller decodes and checks it
 * with @sealed/protocol/device-list.
 * @throws {LabelError} `invalid-value` for another format octet or length.
 */
export function decodeAccountValue(value: Uint8Array): Uint8Array {
  if (value[0] !== LABEL_VALUE_FORMAT || value.length < 2 || value.length > 1 + MAX_ACCOUNT_VALUE_LIST_LEN) throw new LabelError('invalid-value', 'not an account value (format 1)');
  return value.slice(1);
}

export interface UsernameBinding {
  readonly accountId: Uint8Array;
  readonly identityKey: Uint8Array;
}

/** @throws {LabelError} `invalid-value` for wrong field lengths. */
export function encodeUsernameValue(binding: UsernameBinding): Uint8Array {
  if (binding.accountId.length !== ACCOUNT_ID_LEN || binding.identityKey.length !== IDENTITY_KEY_LEN) throw new LabelError('invalid-value', 'username binding field lengths');
  const out = new Uint8Array(1 + ACCOUNT_ID_LEN + IDENTITY_KEY_LEN);
  out[0] = LABEL_VALUE_FORMAT;
  out.set(binding.accountId, 1);
  out.set(binding.identityKey, 1 + ACCOUNT_ID_LEN);
  return out;
}

/** Strict: format 1 and exactly 49 octets. @throws {LabelError} `invalid-value`. */
export function decodeUsernameValue(value: Uint8Array): UsernameBinding {
  if (value.length !== 1 + ACCOUNT_ID_LEN + IDENTITY_KEY_LEN || value[0] !== LABEL_VALUE_FORMAT) throw new LabelError('invalid-value', 'not a username value (format 1, 49 octets)');
  return { accountId: value.slice(1, 1 + ACCOUNT_ID_LEN), identityKey: value.slice(1 + ACCOUNT_ID_LEN) };
}
