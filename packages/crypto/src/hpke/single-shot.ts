/**
 * Single-shot HPKE (RFC 9180 §6): Seal/Open of one message and Export without keeping a
 * context. Base mode is `options` omitted, which is what MLS uses (RFC 9420 §5.1.3
 * EncryptWithLabel: SealBase/OpenBase with info and aad).
 */
import type { CryptoProvider } from '../provider.ts';
import { checkExportArguments } from './context.ts';
import type { PreparedInfo } from './key-schedule.ts';
import type { ReceiverOptions, SenderOptions } from './setup.ts';
import { setupReceiver, setupSender } from './setup.ts';
import type { HpkeSuite } from './suite.ts';

export interface SealResult {
  /** The encapsulated key; public. */
  readonly enc: Uint8Array;
  /** `ciphertext || tag`. */
  readonly ciphertext: Uint8Array;
}

export interface SendExportResult {
  readonly enc: Uint8Array;
  /** The exported secret. */
  readonly exportedValue: Uint8Array;
}

/**
 * Seal<MODE>(pkR, info, aad, pt, ...) of RFC 9180 §6.1.
 * @throws CryptoError as `setupSender`, and 'unsupported' with the export-only AEAD.
 */
export function seal(
  provider: CryptoProvider,
  suite: HpkeSuite,
  recipientPublicKey: Uint8Array,
  info: Uint8Array | PreparedInfo,
  aad: Uint8Array,
  plaintext: Uint8Array,
  options: SenderOptions = {},
): SealResult {
  const { enc, context } = setupSender(provider, suite, recipientPublicKey, info, options);
  return { enc, ciphertext: context.seal(aad, plaintext) };
}

/**
 * Open<MODE>(enc, skR, info, aad, ct, ...) of RFC 9180 §6.1.
 * @throws CryptoError('aead-auth') when `ciphertext`, `aad`, `info` or `enc` was altered.
 * @throws CryptoError as `setupReceiver`, and 'unsupported' with the export-only AEAD.
 */
export function open(
  provider: CryptoProvider,
  suite: HpkeSuite,
  enc: Uint8Array,
  recipientPrivateKey: Uint8Array,
  info: Uint8Array,
  aad: Uint8Array,
  ciphertext: Uint8Array,
  options: ReceiverOptions = {},
): Uint8Array {
  return setupReceiver(provider, suite, enc, recipientPrivateKey, info, options).open(aad, ciphertext);
}

/**
 * SendExport<MODE>(pkR, info, exporter_context, L, ...) of RFC 9180 §6.2.
 * @throws CryptoError('invalid-length') for an oversized context or L > 255 * Nh, before any work.
 * @throws CryptoError as `setupSender`.
 */
export function sendExport(
  provider: CryptoProvider,
  suite: HpkeSuite,
  recipientPublicKey: Uint8Array,
  info: Uint8Array,
  exporterContext: Uint8Array,
  length: number,
  options: SenderOptions = {},
): SendExportResult {
  checkExportArguments(suite, exporterContext, length);
  const { enc, context } = setupSender(provider, suite, recipientPublicKey, info, options);
  return { enc, exportedValue: context.export(exporterContext, length) };
}

/**
 * ReceiveExport<MODE>(enc, skR, info, exporter_context, L, ...) of RFC 9180 §6.2.
 * @throws CryptoError('invalid-length') for an oversized context or L > 255 * Nh, before any work.
 * @throws CryptoError as `setupReceiver`.
 */
export function receiveExport(
  provider: CryptoProvider,
  suite: HpkeSuite,
  enc: Uint8Array,
  recipientPrivateKey: Uint8Array,
  info: Uint8Array,
  exporterContext: Uint8Array,
  length: number,
  options: ReceiverOptions = {},
): Uint8Array {
  checkExportArguments(suite, exporterContext, length);
  return setupReceiver(provider, suite, enc, recipientPrivateKey, info, options).export(exporterContext, length);
}
