/**
 * Accounts, devices and sessions: registration with proof of possession of both keys,
 * challenge-response sessions, device-list changes signed by the identity key (removals
 * revoke at once), and lookups.
 */
import { authSigningInput, registrationSigningInput } from '@sealed/protocol/auth';
import { decodeSignedDeviceList, type SignedDeviceList } from '@sealed/protocol/device-list';
import { fromHex, toHex } from '@sealed/protocol/encoding';
import type { AccountResponse, RegisterRequest, SessionRequest, SessionResponse } from '@sealed/protocol/http';
import { CHALLENGE_BYTES, ID_BYTES, SESSION_TOKEN_BYTES } from '@sealed/protocol/limits';
import { normaliseUsername } from '@sealed/protocol/username';
import { ServerError } from '../errors.ts';
import { randomBytes, sha256, verifyEd25519 } from '../keys/ed25519.ts';
import { StorageError } from '../storage/errors.ts';
import { ceilToDay, toDay, type AccountId, type DeviceId, type DeviceRecord } from '../storage/types.ts';
import type { Caller, ServiceDeps } from './deps.ts';

/** A challenge must be signed and returned within a minute: long enough for a slow phone, short for replay. */
export const CHALLENGE_TTL_MS = 60_000;
/** Accounts whose last-seen day this node already wrote; bounded, cleared when full. */
const MAX_TOUCHED_CACHE = 100_000;

function decodeList(encoded: Uint8Array): SignedDeviceList {
  try {
    return decodeSignedDeviceList(encoded);
  } catch (error) {
    throw new ServerError('bad-request', `device list: ${(error as Error).message}`);
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  // Public keys, not secrets: no constant-time need.
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

export class AccountService {
  private readonly touched = new Map<AccountId, number>();

  constructor(private readonly deps: ServiceDeps) {}

  async issueChallenge(): Promise<{ challenge: Uint8Array; expiresAt: number }> {
    const challenge = randomBytes(CHALLENGE_BYTES);
    const expiresAt = this.deps.now() + CHALLENGE_TTL_MS;
    await this.deps.storage.challenges.putChallenge(challenge, expiresAt);
    return { challenge, expiresAt };
  }

  /**
   * @throws ServerError invalid-username, bad-request (list does not match), unauthorized
   * (challenge unknown/used/expired), invalid-signature, username-taken.
   */
  async register(req: RegisterRequest): Promise<SessionResponse> {
    const name = normaliseUsername(req.username);
    if (!name.ok) throw new ServerError('invalid-username', name.error);
    const signed = decodeList(req.deviceList);
    const { list } = signed;
    if (list.username !== name.username) throw new ServerError('bad-request', 'device list names another username');
    if (!equalBytes(list.identityKey, req.identityKey)) throw new ServerError('bad-request', 'device list names another identity key');
    if (list.version !== 1 || list.devices.length !== 1) throw new ServerError('bad-request', 'a new account starts with list version 1 and one device');
    const device = list.devices[0]!;
    // The challenge is spent before the signatures are checked: one guess per challenge.
    if (!(await this.deps.storage.challenges.consumeChallenge(req.challenge, this.deps.now()))) {
      throw new ServerError('unauthorized', 'unknown or expired challenge');
    }
    if (
      !verifyEd25519(req.identityKey, registrationSigningInput(req.challenge, name.username), req.identitySignature) ||
      !verifyEd25519(req.identityKey, signed.signingInput, signed.signature) ||
      !verifyEd25519(device.signatureKey, authSigningInput(req.challenge, device.deviceId), req.deviceSignature)
    ) {
      throw new ServerError('invalid-signature', 'registration proof');
    }
    const now = this.deps.now();
    const accountId = toHex(randomBytes(ID_BYTES)) as AccountId;
    const firstDevice: DeviceRecord = { id: toHex(device.deviceId) as DeviceId, accountId, signatureKey: device.signatureKey, createdDay: toDay(now) };
    try {
      await this.deps.storage.accounts.createAccount({
        account: { id: accountId, username: name.username, identityKey: req.identityKey, createdDay: toDay(now), lastSeenDay: toDay(now) },
        firstDevice,
        deviceList: { version: 1, encoded: signed.encoded },
      });
    } catch (error) {
      if (error instanceof StorageError && error.code === 'conflict') {
        if (await this.deps.storage.accounts.getAccountByUsername(name.username)) throw new ServerError('username-taken', 'username taken');
        throw new ServerError('bad-request', 'device id or key already registered');
      }
      throw error;
    }
    return this.openSession(firstDevice.id, accountId, device.deviceId);
  }

  /** @throws ServerError unauthorized for an unknown device, a spent challenge or a bad signature. */
  async createSession(req: SessionRequest): Promise<SessionResponse> {
    const deviceId = toHex(req.deviceId) as DeviceId;
    const consumed = await this.deps.storage.challenges.consumeChallenge(req.challenge, this.deps.now());
    const device = await this.deps.storage.accounts.getDevice(deviceId);
    // One answer for every failure: no oracle on which devices exist.
    if (!consumed || device === undefined || !verifyEd25519(device.signatureKey, authSigningInput(req.challenge, req.deviceId), req.signature)) {
      throw new ServerError('unauthorized', 'session proof');
    }
    return this.openSession(deviceId, device.accountId, req.deviceId);
  }

  private async openSession(deviceId: DeviceId, accountId: AccountId, deviceIdBytes: Uint8Array): Promise<SessionResponse> {
    const token = randomBytes(SESSION_TOKEN_BYTES);
    // Stored rounded up to the end of the UTC day: an exact expiry would be the exact sign-in
    // time plus the TTL. The day is already known (last_seen_day); the session lives at most
    // one day longer than the TTL, and expiry is still enforced against this stored value.
    const expiresAt = ceilToDay(this.deps.now() + this.deps.config.sessionTtlMs);
    // Only the hash is stored: a database dump gives no usable token.
    await this.deps.storage.sessions.createSession(sha256(token), deviceId, expiresAt);
    return { accountId: fromHex(accountId)!, deviceId: deviceIdBytes, token, expiresAt };
  }

  /** @throws ServerError unauthorized when the token is unknown, expired or its device removed. */
  async authenticate(token: Uint8Array): Promise<Caller> {
    if (token.length !== SESSION_TOKEN_BYTES) throw new ServerError('unauthorized', 'token');
    const now = this.deps.now();
    const session = await this.deps.storage.sessions.getSession(sha256(token), now);
    if (session === undefined) throw new ServerError('unauthorized', 'token');
    const device = await this.deps.storage.accounts.getDevice(session.deviceId);
    if (device === undefined) throw new ServerError('unauthorized', 'token');
    const day = toDay(now);
    if (this.touched.get(device.accountId) !== day) {
      if (this.touched.size >= MAX_TOUCHED_CACHE) this.touched.clear();
      this.touched.set(device.accountId, day);
      await this.deps.storage.accounts.touchLastSeen(device.accountId, day);
    }
    return { deviceId: device.id, accountId: device.accountId };
  }

  /** @throws ServerError invalid-username, not-found. */
  async lookup(username: string): Promise<AccountResponse> {
    const name = normaliseUsername(username);
    if (!name.ok) throw new ServerError('invalid-username', name.error);
    const account = await this.deps.storage.accounts.getAccountByUsername(name.username);
    const list = account && (await this.deps.storage.accounts.getDeviceList(account.id));
    if (account === undefined || list === undefined) throw new ServerError('not-found', 'account');
    return { username: account.username, identityKey: account.identityKey, deviceList: list.encoded };
  }

  /**
   * Replaces the caller's account device list with a newer one signed by the identity key.
   * Devices it drops are deleted with their sessions, key packages and queue, and their open
   * sockets are closed (bus `revoked`).
   * @throws ServerError bad-request, invalid-signature, version-not-increasing.
   */
  async updateDeviceList(caller: Caller, encoded: Uint8Array): Promise<{ version: number }> {
    const account = await this.deps.storage.accounts.getAccount(caller.accountId);
    const current = await this.deps.storage.accounts.getDeviceList(caller.accountId);
    if (account === undefined || current === undefined) throw new ServerError('unauthorized', 'account gone');
    const signed = decodeList(encoded);
    const { list } = signed;
    if (list.username !== account.username || !equalBytes(list.identityKey, account.identityKey)) {
      throw new ServerError('bad-request', 'device list of another account');
    }
    if (!verifyEd25519(account.identityKey, signed.signingInput, signed.signature)) throw new ServerError('invalid-signature', 'device list');
    if (list.version <= current.version) throw new ServerError('version-not-increasing', `stored version ${current.version}`, current.version);
    const existing = new Map((await this.deps.storage.accounts.listDevices(caller.accountId)).map((d) => [d.id as string, d]));
    const day = toDay(this.deps.now());
    const added: DeviceRecord[] = [];
    const kept = new Set<string>();
    for (const entry of list.devices) {
      const id = toHex(entry.deviceId);
      const old = existing.get(id);
      if (old === undefined) added.push({ id: id as DeviceId, accountId: caller.accountId, signatureKey: entry.signatureKey, createdDay: day });
      else if (!equalBytes(old.signatureKey, entry.signatureKey)) throw new ServerError('bad-request', 'a device key cannot change; remove and add the device');
      kept.add(id);
    }
    const removed = [...existing.keys()].filter((id) => !kept.has(id)) as DeviceId[];
    try {
      await this.deps.storage.accounts.applyDeviceListChange({ accountId: caller.accountId, deviceList: { version: list.version, encoded: signed.encoded }, added, removed });
    } catch (error) {
      if (error instanceof StorageError && error.code === 'version-not-increasing') throw new ServerError('version-not-increasing', 'lost a race');
      if (error instanceof StorageError && error.code === 'conflict') throw new ServerError('bad-request', 'device id or key already registered');
      throw error;
    }
    for (const deviceId of removed) await this.deps.bus.publish({ type: 'revoked', deviceId });
    // The account's other devices hear of it at once (a hint: they refetch the list and sync their groups).
    for (const deviceId of kept) if (deviceId !== caller.deviceId) await this.deps.bus.publish({ type: 'devices-changed', deviceId: deviceId as DeviceId, version: list.version });
    return { version: list.version };
  }
}
