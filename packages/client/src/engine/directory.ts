/**
 * What this device knows of other accounts: their identity keys (trust on first use until
 * key transparency and safety numbers land) and their latest verified device lists. The
 * MLS credential validator of every group consults it.
 */
import type { CryptoProvider } from '@sealed/crypto/provider';
import type { CredentialCheck } from '@sealed/mls/validation/credential';
import { decodeSignedDeviceList, type DeviceList } from '@sealed/protocol/device-list';
import { toHex } from '@sealed/protocol/encoding';
import { DecodeError } from '@sealed/protocol/binary/decode-error';
import { EngineError } from './errors.ts';
import { parseCredential } from './identity.ts';

/**
 * Key transparency's say on other accounts' device lists (client/transparency
 * TransparencyClient implements it): once installed, a list is learned only if the log
 * vouched for exactly those bytes, and the credential validator refuses members of
 * accounts with no vouched list. Our own account is exempt: its lists are made here and
 * checked by owner monitoring instead.
 */
export interface DeviceListVoucher {
  readonly ownUsername: string;
  vouches(username: string, signedDeviceList: Uint8Array): boolean;
  /**
   * Whether our own device `deviceIdHex` is in our account's latest logged list (owner
   * monitoring saw it). A device we linked is added to groups only once the log has it:
   * contacts refuse a device the log does not show them.
   */
  ownDeviceLogged?(deviceIdHex: string): boolean;
  /**
   * Whether the log vouched for `signedDeviceList` as an earlier version of `username`'s
   * list (a fixed-version search made for a device the latest list no longer names).
   */
  vouchesFormer?(username: string, signedDeviceList: Uint8Array): boolean;
}

/** A device a commit or Welcome named that our copy of its account's list does not. */
export interface RefusedDevice {
  readonly username: string;
  readonly deviceId: string;
}

/** Devices one refused commit or Welcome may make us look up again (a group's members are bounded far below). */
export const MAX_REFUSED_UNKNOWN = 64;

/**
 * Devices of earlier logged lists remembered per account. Each was in a list the log
 * vouched for and was removed since; they are only looked up for commits and Welcomes
 * made before their removal reached everyone, so a handful per account is plenty.
 */
export const MAX_FORMER_DEVICES_PER_ACCOUNT = 32;

export class Directory {
  private readonly lists = new Map<string, DeviceList>();
  private voucher: DeviceListVoucher | undefined;
  /**
   * The signed encodings of `lists`, as received, with the list they encode: handed to a
   * newly linked device of ours (devices/link-bundle.ts) only while that list is current.
   */
  private readonly encoded = new Map<string, { readonly list: DeviceList; readonly bytes: Uint8Array }>();
  /**
   * Device lists refused because their identity key differs from the pinned one, by
   * username (the latest offer): the engine warns once (`identity-changed`) and the user
   * may accept one after comparing the new safety number (`acceptIdentityChange`).
   */
  readonly changedIdentities = new Map<string, DeviceList>();
  /**
   * Identity keys the user verified (restored from the device meta record before any list
   * is fetched again): a list with another key is refused as an identity change, not
   * trusted on first use after a restart.
   */
  private readonly pins = new Map<string, Uint8Array>();

  constructor(private readonly provider: CryptoProvider) {}

  /**
   * Accounts of which a credential check refused a device our copy of their list does not
   * name, with transparency required: the engine fetches their list again (through the log)
   * and retries the commit or Welcome once (incoming.ts), so a contact's device linked and
   * logged since we fetched is accepted and a ghost stays refused.
   */
  private readonly refusedUnknown = new Map<string, RefusedDevice>();
  /**
   * Devices of earlier versions of an account's list that the log vouched for (with key
   * transparency only), by username then device id: their signature keys. A commit that
   * added a device its owner removed since (while we were offline) names a device the
   * latest list lacks; it is accepted when an earlier logged list had that device with that
   * key. verify-members.ts then treats it as a removal in progress, as for any device the
   * latest list dropped.
   */
  private readonly former = new Map<string, Map<string, Uint8Array>>();

  /** From now on, other accounts' lists must be vouched for by key transparency. */
  requireTransparency(voucher: DeviceListVoucher): void {
    this.voucher = voucher;
  }

  /** True once key transparency is required. */
  get transparencyRequired(): boolean {
    return this.voucher !== undefined;
  }

  /**
   * Whether a device may be added to a group now: without transparency, any listed device;
   * with it, a contact's device of the list the log vouched for (the only kind learned) and
   * our own device once our logged list names it. Others are pending until the next epoch.
   */
  addable(username: string, deviceIdHex: string): boolean {
    if (this.deviceKey(username, deviceIdHex) === undefined) return false;
    const voucher = this.voucher;
    if (voucher === undefined || username !== voucher.ownUsername) return true;
    return voucher.ownDeviceLogged?.(deviceIdHex) ?? true;
  }

  /** The devices refused by credential checks for not being listed, since the last call (and forgets them). */
  takeRefusedUnknown(): RefusedDevice[] {
    const out = [...this.refusedUnknown.values()];
    this.refusedUnknown.clear();
    return out;
  }

  /**
   * Verifies and records `encoded` as `username`'s device list.
   * @throws EngineError('invalid-device-list') when it does not decode or verify, names
   *   another account, or is older than the one we hold
   * @throws EngineError('identity-changed') when the identity key differs from the one seen before
   * @throws EngineError('not-in-transparency-log') when transparency is required and has
   *   not vouched for this list of another account
   */
  learn(username: string, encoded: Uint8Array): DeviceList {
    const signed = decodeListOf(username, encoded);
    const { list } = signed;
    if (list.username !== username) throw new EngineError('invalid-device-list', `list names ${list.username}, expected ${username}`);
    if (!this.provider.verify('Ed25519', list.identityKey, signed.signingInput, signed.signature)) throw new EngineError('invalid-device-list', `${username}: bad signature`);
    const voucher = this.voucher;
    if (voucher !== undefined && username !== voucher.ownUsername && !voucher.vouches(username, encoded)) throw new EngineError('not-in-transparency-log', username);
    const known = this.lists.get(username);
    const pinned = known?.identityKey ?? this.pins.get(username);
    if (pinned !== undefined && !this.provider.constantTimeEqual(pinned, list.identityKey)) {
      this.changedIdentities.set(username, list);
      throw new EngineError('identity-changed', username);
    }
    if (known !== undefined) {
      if (!this.provider.constantTimeEqual(known.identityKey, list.identityKey)) {
        this.changedIdentities.set(username, list);
        throw new EngineError('identity-changed', username);
      }
      if (list.version < known.version) throw new EngineError('invalid-device-list', `${username}: version ${list.version} below ${known.version}`);
    }
    this.lists.set(username, list);
    this.encoded.set(username, { list, bytes: encoded.slice() });
    return list;
  }

  /**
   * Records the devices of `encoded`, an earlier list of `username` that the log vouched
   * for, which our current list of `username` no longer names. The earlier list must verify
   * under the same identity key and be older than the current one. Ignored without key
   * transparency (there a device the list dropped passes the credential check anyway).
   * @throws EngineError('invalid-device-list') when it does not decode, verify, name
   *   `username`, carry the current identity key, or predate the current list
   * @throws EngineError('not-in-transparency-log') when the log did not vouch for it
   */
  learnFormer(username: string, encoded: Uint8Array): void {
    const voucher = this.voucher;
    if (voucher === undefined || username === voucher.ownUsername) return;
    const current = this.lists.get(username);
    const signed = decodeListOf(username, encoded);
    const { list } = signed;
    if (current === undefined || list.username !== username || list.version >= current.version) throw new EngineError('invalid-device-list', `${username}: not an earlier list`);
    if (!this.provider.constantTimeEqual(list.identityKey, current.identityKey)) throw new EngineError('invalid-device-list', `${username}: earlier list of another identity key`);
    if (!this.provider.verify('Ed25519', list.identityKey, signed.signingInput, signed.signature)) throw new EngineError('invalid-device-list', `${username}: bad signature`);
    if (voucher.vouchesFormer?.(username, encoded) !== true) throw new EngineError('not-in-transparency-log', username);
    const devices = this.former.get(username) ?? new Map<string, Uint8Array>();
    for (const d of list.devices) {
      const id = toHex(d.deviceId);
      if (current.devices.some((c) => toHex(c.deviceId) === id) || devices.has(id)) continue;
      if (devices.size >= MAX_FORMER_DEVICES_PER_ACCOUNT) devices.delete(devices.keys().next().value!);
      devices.set(id, d.signatureKey.slice());
    }
    this.former.set(username, devices);
  }

  /** Accounts whose list we hold. */
  usernames(): string[] {
    return [...this.lists.keys()];
  }

  /** The signed encoding of `username`'s current list as we verified it, if we hold it. */
  signedList(username: string): Uint8Array | undefined {
    const entry = this.encoded.get(username);
    return entry !== undefined && entry.list === this.lists.get(username) ? entry.bytes : undefined;
  }

  /** Pins `identityKey` for `username` (a verified contact) before its list is fetched. */
  pin(username: string, identityKey: Uint8Array): void {
    this.pins.set(username, identityKey.slice());
  }

  /** Pins the identity key offered in the refused list of `username`; false when none was offered. */
  acceptIdentityChange(username: string): boolean {
    const offered = this.changedIdentities.get(username);
    if (offered === undefined) return false;
    this.changedIdentities.delete(username);
    this.pins.delete(username);
    this.former.delete(username);
    this.lists.set(username, offered);
    return true;
  }

  deviceList(username: string): DeviceList | undefined {
    return this.lists.get(username);
  }

  /** The signature key the verified list gives `deviceIdHex` of `username`, if known. */
  deviceKey(username: string, deviceIdHex: string): Uint8Array | undefined {
    return this.lists.get(username)?.devices.find((d) => toHex(d.deviceId) === deviceIdHex)?.signatureKey;
  }

  /**
   * MLS credential validator (RFC 9420 §5.3.1): a Sealed credential whose key is not the
   * one its account's verified list gives that device is refused at once. A device our
   * copy of the list does not name (an account we never fetched, or a device linked since
   * we fetched it) passes here and is decided right after the commit or Welcome by
   * verify-members.ts, which fetches the list again and leaves or warns on a ghost.
   * Once key transparency is required (requireTransparency), such a device is refused.
   */
  readonly validateCredential = (check: CredentialCheck): boolean => {
    const named = parseCredential(check.credential);
    if (named === undefined) return false;
    const key = this.deviceKey(named.username, named.deviceId);
    // With key transparency required, only devices of a list the log vouched for pass (our
    // own account excepted): a ghost device in a commit or Welcome is refused outright.
    if (key === undefined) {
      if (this.voucher === undefined || named.username === this.voucher.ownUsername) return true;
      // A device an earlier logged list had (removed since): its key must be the listed one.
      const formerKey = this.former.get(named.username)?.get(named.deviceId);
      if (formerKey !== undefined) return this.provider.constantTimeEqual(formerKey, check.signatureKey);
      if (this.refusedUnknown.size < MAX_REFUSED_UNKNOWN) this.refusedUnknown.set(`${named.username}/${named.deviceId}`, { username: named.username, deviceId: named.deviceId });
      return false;
    }
    return this.provider.constantTimeEqual(key, check.signatureKey);
  };
}

/** `encoded` decoded as a signed device list; a decoding failure is `invalid-device-list` for `username`. */
function decodeListOf(username: string, encoded: Uint8Array): ReturnType<typeof decodeSignedDeviceList> {
  try {
    return decodeSignedDeviceList(encoded);
  } catch (error) {
    if (error instanceof DecodeError) throw new EngineError('invalid-device-list', `${username}: ${error.code}`);
    throw error;
  }
}
