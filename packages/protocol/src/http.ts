/**
 * HTTP endpoints of protocol v1: request and response shapes with their validators, used by
 * the server (requests) and the client (responses). Bodies are JSON; bytes are base64url
 * (no padding), ids lowercase hex. Errors: `{"error":{"code","message"}}` (errors.ts).
 *
 *   POST /v1/challenges                     -> ChallengeResponse
 *   POST /v1/accounts          Register     -> SessionResponse & ids
 *   POST /v1/sessions          Session      -> SessionResponse
 *   GET  /v1/accounts/:username        (auth) -> AccountResponse
 *   PUT  /v1/devices           DeviceList   (auth) -> { version }
 *   POST /v1/key-packages      Upload       (auth) -> KeyPackageCountResponse
 *   GET  /v1/key-packages/count        (auth) -> KeyPackageCountResponse
 *   POST /v1/key-packages/claim Claim       (auth) -> ClaimResponse
 *   POST /v1/attachments       raw bytes    (auth) -> AttachmentResponse
 *   GET  /v1/attachments/:id           (auth) -> raw bytes
 *   GET  /v1/ws                        WebSocket (AUTH frame first)
 *   GET  /healthz, GET /metrics
 * Authenticated endpoints take `Authorization: Bearer <base64url session token>`.
 */
import { isErrorCode, type ErrorCode } from './errors.ts';
import { toBase64Url, toHex } from './encoding.ts';
import {
  ATTACHMENT_ID_BYTES,
  CHALLENGE_BYTES,
  ED25519_PUBLIC_KEY_BYTES,
  ED25519_SIGNATURE_BYTES,
  ID_BYTES,
  MAX_DEVICE_LIST_BYTES,
  MAX_DEVICES_PER_ACCOUNT,
  MAX_KEY_PACKAGE_BYTES,
  MAX_KEY_PACKAGES_PER_UPLOAD,
  SESSION_TOKEN_BYTES,
} from './limits.ts';
import { MAX_USERNAME_INPUT_LENGTH } from './username.ts';
import { base64, base64Value, has, hexValue, integer, list, objectWith, string, ValidationError } from './validate.ts';

export interface ChallengeResponse {
  readonly challenge: Uint8Array;
  readonly expiresAt: number;
}

export interface RegisterRequest {
  /** Raw; the server normalises it (username.ts) and it must equal the list's username. */
  readonly username: string;
  readonly identityKey: Uint8Array;
  /** Signed device list v1 naming exactly the first device. */
  readonly deviceList: Uint8Array;
  readonly challenge: Uint8Array;
  /** Identity key over registrationSigningInput(challenge, normalised username). */
  readonly identitySignature: Uint8Array;
  /** First device key over authSigningInput(challenge, deviceId). */
  readonly deviceSignature: Uint8Array;
}

export interface SessionRequest {
  readonly deviceId: Uint8Array;
  readonly challenge: Uint8Array;
  /** Device key over authSigningInput(challenge, deviceId). */
  readonly signature: Uint8Array;
}

export interface SessionResponse {
  readonly accountId: Uint8Array;
  readonly deviceId: Uint8Array;
  readonly token: Uint8Array;
  readonly expiresAt: number;
}

export interface AccountResponse {
  readonly username: string;
  readonly identityKey: Uint8Array;
  readonly deviceList: Uint8Array;
}

export interface DeviceListRequest {
  readonly deviceList: Uint8Array;
}

export interface KeyPackageUploadRequest {
  readonly keyPackages: readonly Uint8Array[];
  readonly lastResort?: Uint8Array;
}

export interface KeyPackageCountResponse {
  readonly count: number;
  /** True when `count` is at or below KEY_PACKAGES_LOW_MARK: upload more. */
  readonly low: boolean;
}

export interface ClaimRequest {
  readonly username: string;
}

export interface ClaimedKeyPackageJson {
  readonly deviceId: Uint8Array;
  readonly keyPackage: Uint8Array;
  readonly lastResort: boolean;
}

export interface ClaimResponse {
  readonly keyPackages: readonly ClaimedKeyPackageJson[];
}

export interface AttachmentResponse {
  readonly id: Uint8Array;
  readonly size: number;
  readonly expiresAt: number;
}

export interface ErrorBody {
  readonly code: ErrorCode;
  readonly message: string;
}

// ---- requests (validated by the server) ----

/** @throws ValidationError */
export function parseRegisterRequest(body: unknown): RegisterRequest {
  const o = objectWith(body, ['username', 'identityKey', 'deviceList', 'challenge', 'identitySignature', 'deviceSignature']);
  return {
    username: string(o, 'username', MAX_USERNAME_INPUT_LENGTH),
    identityKey: base64(o, 'identityKey', ED25519_PUBLIC_KEY_BYTES),
    deviceList: base64(o, 'deviceList', 1, MAX_DEVICE_LIST_BYTES),
    challenge: base64(o, 'challenge', CHALLENGE_BYTES),
    identitySignature: base64(o, 'identitySignature', ED25519_SIGNATURE_BYTES),
    deviceSignature: base64(o, 'deviceSignature', ED25519_SIGNATURE_BYTES),
  };
}

/** @throws ValidationError */
export function parseSessionRequest(body: unknown): SessionRequest {
  const o = objectWith(body, ['deviceId', 'challenge', 'signature']);
  return {
    deviceId: hexValue(o['deviceId'], 'deviceId', ID_BYTES),
    challenge: base64(o, 'challenge', CHALLENGE_BYTES),
    signature: base64(o, 'signature', ED25519_SIGNATURE_BYTES),
  };
}

/** @throws ValidationError */
export function parseDeviceListRequest(body: unknown): DeviceListRequest {
  const o = objectWith(body, ['deviceList']);
  return { deviceList: base64(o, 'deviceList', 1, MAX_DEVICE_LIST_BYTES) };
}

/** @throws ValidationError */
export function parseKeyPackageUploadRequest(body: unknown): KeyPackageUploadRequest {
  const o = objectWith(body, ['keyPackages', 'lastResort']);
  const keyPackages = list(o, 'keyPackages', 0, MAX_KEY_PACKAGES_PER_UPLOAD, (v, f) => base64Value(v, f, 1, MAX_KEY_PACKAGE_BYTES));
  if (!has(o, 'lastResort')) {
    if (keyPackages.length === 0) throw new ValidationError('bad-request', 'keyPackages', 'nothing to upload');
    return { keyPackages };
  }
  return { keyPackages, lastResort: base64(o, 'lastResort', 1, MAX_KEY_PACKAGE_BYTES) };
}

/** @throws ValidationError */
export function parseClaimRequest(body: unknown): ClaimRequest {
  const o = objectWith(body, ['username']);
  return { username: string(o, 'username', MAX_USERNAME_INPUT_LENGTH) };
}

// ---- responses (built by the server, validated by the client) ----

export function challengeResponseJson(r: ChallengeResponse): object {
  return { challenge: toBase64Url(r.challenge), expiresAt: r.expiresAt };
}
export function parseChallengeResponse(body: unknown): ChallengeResponse {
  const o = objectWith(body, ['challenge', 'expiresAt']);
  return { challenge: base64(o, 'challenge', CHALLENGE_BYTES), expiresAt: integer(o, 'expiresAt', 0, Number.MAX_SAFE_INTEGER) };
}

export function sessionResponseJson(r: SessionResponse): object {
  return { accountId: toHex(r.accountId), deviceId: toHex(r.deviceId), token: toBase64Url(r.token), expiresAt: r.expiresAt };
}
export function parseSessionResponse(body: unknown): SessionResponse {
  const o = objectWith(body, ['accountId', 'deviceId', 'token', 'expiresAt']);
  return {
    accountId: hexValue(o['accountId'], 'accountId', ID_BYTES),
    deviceId: hexValue(o['deviceId'], 'deviceId', ID_BYTES),
    token: base64(o, 'token', SESSION_TOKEN_BYTES),
    expiresAt: integer(o, 'expiresAt', 0, Number.MAX_SAFE_INTEGER),
  };
}

export function accountResponseJson(r: AccountResponse): object {
  return { username: r.username, identityKey: toBase64Url(r.identityKey), deviceList: toBase64Url(r.deviceList) };
}
export function parseAccountResponse(body: unknown): AccountResponse {
  const o = objectWith(body, ['username', 'identityKey', 'deviceList']);
  return {
    username: string(o, 'username', MAX_USERNAME_INPUT_LENGTH),
    identityKey: base64(o, 'identityKey', ED25519_PUBLIC_KEY_BYTES),
    deviceList: base64(o, 'deviceList', 1, MAX_DEVICE_LIST_BYTES),
  };
}

export function keyPackageCountJson(r: KeyPackageCountResponse): object {
  return { count: r.count, low: r.low };
}

export function claimResponseJson(r: ClaimResponse): object {
  return {
    keyPackages: r.keyPackages.map((k) => ({ deviceId: toHex(k.deviceId), keyPackage: toBase64Url(k.keyPackage), lastResort: k.lastResort })),
  };
}
export function parseClaimResponse(body: unknown): ClaimResponse {
  const o = objectWith(body, ['keyPackages']);
  return {
    keyPackages: list(o, 'keyPackages', 0, MAX_DEVICES_PER_ACCOUNT, (v, f) => {
      const k = objectWith(v, ['deviceId', 'keyPackage', 'lastResort'], f);
      if (typeof k['lastResort'] !== 'boolean') throw new ValidationError('bad-request', `${f}.lastResort`, 'not a boolean');
      return {
        deviceId: hexValue(k['deviceId'], `${f}.deviceId`, ID_BYTES),
        keyPackage: base64Value(k['keyPackage'], `${f}.keyPackage`, 1, MAX_KEY_PACKAGE_BYTES),
        lastResort: k['lastResort'],
      };
    }),
  };
}

export function attachmentResponseJson(r: AttachmentResponse): object {
  return { id: toHex(r.id), size: r.size, expiresAt: r.expiresAt };
}
export function parseAttachmentResponse(body: unknown): AttachmentResponse {
  const o = objectWith(body, ['id', 'size', 'expiresAt']);
  return {
    id: hexValue(o['id'], 'id', ATTACHMENT_ID_BYTES),
    size: integer(o, 'size', 0, Number.MAX_SAFE_INTEGER),
    expiresAt: integer(o, 'expiresAt', 0, Number.MAX_SAFE_INTEGER),
  };
}

export function errorBodyJson(e: ErrorBody): object {
  return { error: { code: e.code, message: e.message } };
}
export function parseErrorBody(body: unknown): ErrorBody {
  const o = objectWith(body, ['error']);
  const e = objectWith(o['error'], ['code', 'message'], 'error');
  const code = e['code'];
  if (!isErrorCode(code)) throw new ValidationError('bad-request', 'error.code', 'unknown code');
  return { code, message: string(e, 'message', 1024) };
}
