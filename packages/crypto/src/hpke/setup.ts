/**
 * Context setup for the four HPKE modes (RFC 9180 §5.1.1-§5.1.4), as one sender and one
 * receiver function whose options select the mode:
 *
 *   options              mode        RFC 9180
 *   (none)               base        §5.1.1 SetupBaseS / SetupBaseR
 *   psk                  psk         §5.1.2 SetupPSKS / SetupPSKR
 *   sender key           auth        §5.1.3 SetupAuthS / SetupAuthR
 *   psk + sender key     auth_psk    §5.1.4 SetupAuthPSKS / SetupAuthPSKR
 *
 * The auth modes need a KEM with AuthEncap/AuthDecap (the DHKEMs); with ML-KEM or X-Wing
 * they throw CryptoError('unsupported') before doing any work.
 */
import { CryptoError } from '../errors.ts';
import { isAuthKem } from '../kem/kem.ts';
import type { AuthKem, KemEncapsulation } from '../kem/kem.ts';
import type { CryptoProvider } from '../provider.ts';
import { ReceiverContext, SenderContext } from './context.ts';
import { keySchedule, modeOf, verifyScheduleInputs, type PreparedInfo } from './key-schedule.ts';
import type { PskInput } from './key-schedule.ts';
import type { HpkeSuite } from './suite.ts';

export interface SenderOptions {
  /** psk and auth_psk modes. */
  readonly psk?: PskInput;
  /** auth and auth_psk modes: the sender's static private key (skS). */
  readonly senderPrivateKey?: Uint8Array;
  /** Tests only: fixes the KEM's randomness (see `Kem.Nrandom`); never reuse it. */
  readonly randomness?: Uint8Array;
}

export interface ReceiverOptions {
  /** psk and auth_psk modes. */
  readonly psk?: PskInput;
  /** auth and auth_psk modes: the sender's static public key (pkS). */
  readonly senderPublicKey?: Uint8Array;
}

export interface SenderSetup {
  /** The encapsulated key to send with the ciphertexts; public. */
  readonly enc: Uint8Array;
  readonly context: SenderContext;
}

function authKemOf(suite: HpkeSuite): AuthKem {
  const { kem } = suite;
  if (!isAuthKem(kem)) throw new CryptoError('unsupported', `${kem.name} has no AuthEncap/AuthDecap (auth modes)`);
  return kem;
}

/**
 * SetupBaseS / SetupPSKS / SetupAuthS / SetupAuthPSKS (RFC 9180 §5.1), by `options`.
 * @throws CryptoError('unsupported') for an auth mode with a KEM that lacks it.
 * @throws CryptoError('invalid-length') for a wrong-length key or randomness, an oversized
 *   `info`, or a PSK outside the limits of `limits.ts`.
 * @throws CryptoError('invalid-public-key') when `recipientPublicKey` is not a valid key.
 */
export function setupSender(
  provider: CryptoProvider,
  suite: HpkeSuite,
  recipientPublicKey: Uint8Array,
  info: Uint8Array | PreparedInfo,
  options: SenderOptions = {},
): SenderSetup {
  const { psk, senderPrivateKey, randomness } = options;
  verifyScheduleInputs(info, psk);
  let encapsulation: KemEncapsulation;
  if (senderPrivateKey === undefined) {
    encapsulation = suite.kem.encapsulate(provider, recipientPublicKey, randomness);
  } else {
    encapsulation = authKemOf(suite).authEncapsulate(provider, recipientPublicKey, senderPrivateKey, randomness);
  }
  const mode = modeOf(psk, senderPrivateKey !== undefined);
  const schedule = keySchedule(provider, suite, mode, encapsulation.sharedSecret, info, psk);
  return { enc: encapsulation.enc, context: new SenderContext(provider, suite, schedule) };
}

/**
 * SetupBaseR / SetupPSKR / SetupAuthR / SetupAuthPSKR (RFC 9180 §5.1), by `options`.
 * @throws CryptoError('unsupported') for an auth mode with a KEM that lacks it.
 * @throws CryptoError('invalid-length') for a wrong-length `enc` or key, an oversized
 *   `info`, or a PSK outside the limits of `limits.ts`.
 * @throws CryptoError('invalid-public-key') when `enc` or `senderPublicKey` is not a valid
 *   point (a DHKEM or X-Wing's X25519 part; ML-KEM rejects implicitly and the later Open fails).
 */
export function setupReceiver(
  provider: CryptoProvider,
  suite: HpkeSuite,
  enc: Uint8Array,
  recipientPrivateKey: Uint8Array,
  info: Uint8Array,
  options: ReceiverOptions = {},
): ReceiverContext {
  const { psk, senderPublicKey } = options;
  verifyScheduleInputs(info, psk);
  let sharedSecret: Uint8Array;
  if (senderPublicKey === undefined) {
    sharedSecret = suite.kem.decapsulate(provider, enc, recipientPrivateKey);
  } else {
    sharedSecret = authKemOf(suite).authDecapsulate(provider, enc, recipientPrivateKey, senderPublicKey);
  }
  const mode = modeOf(psk, senderPublicKey !== undefined);
  return new ReceiverContext(provider, suite, keySchedule(provider, suite, mode, sharedSecret, info, psk));
}
