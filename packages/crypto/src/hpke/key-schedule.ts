/**
 * The HPKE key schedule (RFC 9180 §5.1): from the KEM's shared secret, the mode, `info` and
 * the optional PSK to the AEAD key, the base nonce and the exporter secret.
 *
 *   psk_id_hash          = LabeledExtract("", "psk_id_hash", psk_id)
 *   info_hash            = LabeledExtract("", "info_hash", info)
 *   key_schedule_context = mode (1 byte) || psk_id_hash || info_hash
 *   secret               = LabeledExtract(shared_secret, "secret", psk)
 *   key                  = LabeledExpand(secret, "key", key_schedule_context, Nk)
 *   base_nonce           = LabeledExpand(secret, "base_nonce", key_schedule_context, Nn)
 *   exporter_secret      = LabeledExpand(secret, "exp", key_schedule_context, Nh)
 */
import { abytes, concatBytes } from '../bytes.ts';
import { CryptoError } from '../errors.ts';
import type { CryptoProvider } from '../provider.ts';
import { label, labeledExpand, labeledExtract } from './labeled.ts';
import { MAX_INFO_LENGTH, MAX_PSK_ID_LENGTH, MAX_PSK_LENGTH, MIN_PSK_LENGTH } from './limits.ts';
import type { HpkeSuite } from './suite.ts';

/** The four HPKE modes (RFC 9180 §5, Table 1). */
export const MODE_BASE = 0x00;
export const MODE_PSK = 0x01;
export const MODE_AUTH = 0x02;
export const MODE_AUTH_PSK = 0x03;
export type HpkeMode = typeof MODE_BASE | typeof MODE_PSK | typeof MODE_AUTH | typeof MODE_AUTH_PSK;

/** A pre-shared key and its identifier (RFC 9180 §5.1.2). */
export interface PskInput {
  /** At least `MIN_PSK_LENGTH` bytes of entropy; secret. */
  readonly psk: Uint8Array;
  /** Non-empty identifier of the PSK; public. */
  readonly pskId: Uint8Array;
}

/** Everything the key schedule derives; the test vectors of RFC 9180 Appendix A list each. */
export interface KeyScheduleOutput {
  readonly keyScheduleContext: Uint8Array;
  readonly secret: Uint8Array;
  readonly key: Uint8Array;
  readonly baseNonce: Uint8Array;
  readonly exporterSecret: Uint8Array;
}

const EMPTY = new Uint8Array(0);
const LABEL_PSK_ID_HASH = label('psk_id_hash');
const LABEL_INFO_HASH = label('info_hash');
const LABEL_SECRET = label('secret');
const LABEL_KEY = label('key');
const LABEL_BASE_NONCE = label('base_nonce');
const LABEL_EXP = label('exp');

/**
 * Checks `info` and the PSK before any KEM or KDF work (RFC 9180 §5.1 VerifyPSKInputs, and
 * the length limits of `limits.ts`). A PSK is given exactly in the PSK modes, so the
 * "inconsistent PSK inputs" cases of §5.1 cannot be expressed; empty values are refused.
 * @throws CryptoError('invalid-length') for an oversized `info`, a PSK shorter than
 *   `MIN_PSK_LENGTH` or longer than `MAX_PSK_LENGTH`, or an empty or oversized PSK id.
 */
export function verifyScheduleInputs(info: Uint8Array | PreparedInfo, psk: PskInput | undefined): void {
  if (info instanceof PreparedInfo) {
    // Checked when it was prepared; its hash no longer depends on the caller's array.
  } else {
    abytes(info, undefined, 'info');
    if (info.length > MAX_INFO_LENGTH) throw new CryptoError('invalid-length', `info: longer than ${MAX_INFO_LENGTH} bytes`);
  }
  if (psk === undefined) return;
  abytes(psk.psk, undefined, 'psk');
  abytes(psk.pskId, undefined, 'pskId');
  if (psk.psk.length < MIN_PSK_LENGTH || psk.psk.length > MAX_PSK_LENGTH) {
    throw new CryptoError('invalid-length', `psk: expected ${MIN_PSK_LENGTH} to ${MAX_PSK_LENGTH} bytes, got ${psk.psk.length}`);
  }
  if (psk.pskId.length === 0 || psk.pskId.length > MAX_PSK_ID_LENGTH) {
    throw new CryptoError('invalid-length', `pskId: expected 1 to ${MAX_PSK_ID_LENGTH} bytes, got ${psk.pskId.length}`);
  }
}

/**
 * An HPKE `info` whose info_hash (RFC 9180 §5.1) is computed once, for a sender that seals to
 * many recipients with the same `info` (an MLS Welcome encrypts its large EncryptContext to
 * every new member). The hash is taken at construction, so later changes to the caller's
 * array do not affect it. Only usable with the suite it was prepared for.
 * @throws CryptoError('invalid-length') for an `info` longer than MAX_INFO_LENGTH.
 */
export class PreparedInfo {
  readonly suiteId: Uint8Array;
  readonly infoHash: Uint8Array;

  constructor(provider: CryptoProvider, suite: HpkeSuite, info: Uint8Array) {
    verifyScheduleInputs(info, undefined);
    this.suiteId = suite.suiteId;
    this.infoHash = labeledExtract(provider, suite.kdf, suite.suiteId, EMPTY, LABEL_INFO_HASH, info);
  }
}

function infoHashOf(provider: CryptoProvider, suite: HpkeSuite, info: Uint8Array | PreparedInfo): Uint8Array {
  if (!(info instanceof PreparedInfo)) return labeledExtract(provider, suite.kdf, suite.suiteId, EMPTY, LABEL_INFO_HASH, info);
  if (!provider.constantTimeEqual(info.suiteId, suite.suiteId)) throw new CryptoError('unsupported', 'info was prepared for another HPKE suite');
  return info.infoHash;
}

/** The mode implied by which optional inputs are present (RFC 9180 §5). */
export function modeOf(psk: PskInput | undefined, authenticated: boolean): HpkeMode {
  if (authenticated) return psk === undefined ? MODE_AUTH : MODE_AUTH_PSK;
  return psk === undefined ? MODE_BASE : MODE_PSK;
}

/**
 * KeySchedule of RFC 9180 §5.1. Exported for the vector tests, which check every
 * intermediate value; protocol code goes through `setup.ts`.
 * @throws CryptoError('invalid-length') as `verifyScheduleInputs`, or for a shared secret
 *   that is not the KEM's Nsecret bytes.
 */
export function keySchedule(
  provider: CryptoProvider,
  suite: HpkeSuite,
  mode: HpkeMode,
  sharedSecret: Uint8Array,
  info: Uint8Array | PreparedInfo,
  psk: PskInput | undefined,
): KeyScheduleOutput {
  verifyScheduleInputs(info, psk);
  if ((psk !== undefined) !== (mode === MODE_PSK || mode === MODE_AUTH_PSK)) {
    throw new CryptoError('unsupported', `HPKE mode ${mode} ${psk === undefined ? 'needs' : 'takes no'} PSK`);
  }
  abytes(sharedSecret, suite.kem.Nsecret, 'sharedSecret');
  const { kdf, aead, suiteId } = suite;
  const pskIdHash = labeledExtract(provider, kdf, suiteId, EMPTY, LABEL_PSK_ID_HASH, psk?.pskId ?? EMPTY);
  const infoHash = infoHashOf(provider, suite, info);
  const keyScheduleContext = concatBytes(Uint8Array.of(mode), pskIdHash, infoHash);
  const secret = labeledExtract(provider, kdf, suiteId, sharedSecret, LABEL_SECRET, psk?.psk ?? EMPTY);
  return {
    keyScheduleContext,
    secret,
    key: labeledExpand(provider, kdf, suiteId, secret, LABEL_KEY, keyScheduleContext, aead.Nk),
    baseNonce: labeledExpand(provider, kdf, suiteId, secret, LABEL_BASE_NONCE, keyScheduleContext, aead.Nn),
    exporterSecret: labeledExpand(provider, kdf, suiteId, secret, LABEL_EXP, keyScheduleContext, kdf.Nh),
  };
}
