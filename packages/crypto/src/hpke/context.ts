/**
 * HPKE encryption contexts (RFC 9180 §5.2, §5.3): a sender seals, a receiver opens, both
 * export. Each message uses nonce = base_nonce XOR I2OSP(seq, Nn), and `seq` advances only
 * after the AEAD operation succeeded, so a forged ciphertext changes nothing.
 *
 * Keys live in private fields: they do not appear in `JSON.stringify`, `util.inspect` or
 * error messages.
 */
import { abytes } from '../bytes.ts';
import { CryptoError } from '../errors.ts';
import type { CryptoProvider } from '../provider.ts';
import { HpkeError } from './errors.ts';
import { label, labeledExpand } from './labeled.ts';
import { MAX_EXPORTER_CONTEXT_LENGTH } from './limits.ts';
import type { KeyScheduleOutput } from './key-schedule.ts';
import type { HpkeSuite } from './suite.ts';

/**
 * Messages per context. RFC 9180 §5.2 allows 2^(8*Nn) - 1; we stop at 2^53 - 1, the largest
 * counter a JavaScript number holds exactly. Both are beyond reach; the check is what matters.
 */
export const MAX_SEQUENCE = Number.MAX_SAFE_INTEGER;

const LABEL_SEC = label('sec');

/**
 * `base_nonce XOR I2OSP(seq, Nn)` (RFC 9180 §5.2 ComputeNonce). Returns a fresh array.
 * @throws CryptoError('invalid-length') when `seq` is not an integer in [0, MAX_SEQUENCE].
 */
export function computeNonce(baseNonce: Uint8Array, seq: number): Uint8Array {
  if (!Number.isSafeInteger(seq) || seq < 0) throw new CryptoError('invalid-length', 'seq: expected an integer in [0, 2^53 - 1]');
  const nonce = baseNonce.slice();
  let rest = seq;
  for (let i = nonce.length - 1; i >= 0 && rest > 0; i--) {
    nonce[i] = (nonce[i] as number) ^ rest % 256;
    rest = Math.floor(rest / 256);
  }
  return nonce;
}

/** Shared state of both roles. Not exported: the role classes expose what each may do. */
class ContextState {
  readonly #provider: CryptoProvider;
  readonly #suite: HpkeSuite;
  readonly #key: Uint8Array;
  readonly #baseNonce: Uint8Array;
  readonly #exporterSecret: Uint8Array;
  #seq: number;

  constructor(provider: CryptoProvider, suite: HpkeSuite, schedule: KeyScheduleOutput, seq: number) {
    this.#provider = provider;
    this.#suite = suite;
    this.#key = schedule.key;
    this.#baseNonce = schedule.baseNonce;
    this.#exporterSecret = schedule.exporterSecret;
    if (!Number.isSafeInteger(seq) || seq < 0) throw new CryptoError('invalid-length', 'seq: expected an integer in [0, 2^53 - 1]');
    this.#seq = seq;
  }

  get seq(): number {
    return this.#seq;
  }

  /** Runs one AEAD operation at the current nonce; advances `seq` only when it returns. */
  crypt(direction: 'seal' | 'open', aad: Uint8Array, input: Uint8Array): Uint8Array {
    abytes(aad, undefined, 'aad');
    abytes(input, undefined, direction === 'seal' ? 'plaintext' : 'ciphertext');
    const algorithm = this.#suite.aead.algorithm;
    if (algorithm === null) throw new CryptoError('unsupported', `${direction} with the export-only AEAD (RFC 9180 §5.3)`);
    if (direction === 'open' && input.length < this.#suite.aead.Nt) {
      throw new CryptoError('invalid-length', `ciphertext: shorter than the ${this.#suite.aead.Nt}-byte tag`);
    }
    if (this.#seq >= MAX_SEQUENCE) throw new HpkeError('message-limit', `sequence number reached ${MAX_SEQUENCE}`);
    const nonce = computeNonce(this.#baseNonce, this.#seq);
    const output =
      direction === 'seal'
        ? this.#provider.aeadSeal(algorithm, this.#key, nonce, input, aad)
        : this.#provider.aeadOpen(algorithm, this.#key, nonce, input, aad);
    this.#seq += 1;
    return output;
  }

  /** RFC 9180 §5.3: LabeledExpand(exporter_secret, "sec", exporter_context, L). */
  export(exporterContext: Uint8Array, length: number): Uint8Array {
    checkExportArguments(this.#suite, exporterContext, length);
    return labeledExpand(this.#provider, this.#suite.kdf, this.#suite.suiteId, this.#exporterSecret, LABEL_SEC, exporterContext, length);
  }
}

/**
 * Checks the arguments of Export before any work (RFC 9180 §5.3: L <= 255 * Nh).
 * @throws CryptoError('invalid-length') for an oversized context or a length out of range.
 */
export function checkExportArguments(suite: HpkeSuite, exporterContext: Uint8Array, length: number): void {
  abytes(exporterContext, undefined, 'exporterContext');
  if (exporterContext.length > MAX_EXPORTER_CONTEXT_LENGTH) {
    throw new CryptoError('invalid-length', `exporterContext: longer than ${MAX_EXPORTER_CONTEXT_LENGTH} bytes`);
  }
  const max = Math.min(0xffff, 255 * suite.kdf.Nh);
  if (!Number.isSafeInteger(length) || length < 0 || length > max) {
    throw new CryptoError('invalid-length', `length: expected an integer in [0, ${max}]`);
  }
}

/** The sender's context (RFC 9180 §5.2 ContextS): Seal and Export. */
export class SenderContext {
  readonly #state: ContextState;

  /**
   * Normally obtained from `setupSender`. `seq` (default 0) resumes a context at a given
   * sequence number.
   */
  constructor(provider: CryptoProvider, suite: HpkeSuite, schedule: KeyScheduleOutput, seq = 0) {
    this.#state = new ContextState(provider, suite, schedule, seq);
  }

  /** The sequence number the next Seal will use. */
  get seq(): number {
    return this.#state.seq;
  }

  /**
   * Seal(aad, pt): `ciphertext || tag` under the next nonce (RFC 9180 §5.2).
   * @throws CryptoError('unsupported') with the export-only AEAD.
   * @throws HpkeError('message-limit') when the sequence number is exhausted.
   */
  seal(aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    return this.#state.crypt('seal', aad, plaintext);
  }

  /**
   * Export(exporter_context, L) (RFC 9180 §5.3).
   * @throws CryptoError('invalid-length') for an oversized context or L > 255 * Nh.
   */
  export(exporterContext: Uint8Array, length: number): Uint8Array {
    return this.#state.export(exporterContext, length);
  }
}

/** The receiver's context (RFC 9180 §5.2 ContextR): Open and Export. */
export class ReceiverContext {
  readonly #state: ContextState;

  /**
   * Normally obtained from `setupReceiver`. `seq` (default 0) resumes a context at a given
   * sequence number.
   */
  constructor(provider: CryptoProvider, suite: HpkeSuite, schedule: KeyScheduleOutput, seq = 0) {
    this.#state = new ContextState(provider, suite, schedule, seq);
  }

  /** The sequence number the next Open will use. */
  get seq(): number {
    return this.#state.seq;
  }

  /**
   * Open(aad, ct) (RFC 9180 §5.2). On failure the sequence number does not move.
   * @throws CryptoError('aead-auth') when the ciphertext, tag or aad was altered or the key is wrong.
   * @throws CryptoError('invalid-length') when the ciphertext is shorter than the tag.
   * @throws CryptoError('unsupported') with the export-only AEAD.
   * @throws HpkeError('message-limit') when the sequence number is exhausted.
   */
  open(aad: Uint8Array, ciphertext: Uint8Array): Uint8Array {
    return this.#state.crypt('open', aad, ciphertext);
  }

  /**
   * Export(exporter_context, L) (RFC 9180 §5.3).
   * @throws CryptoError('invalid-length') for an oversized context or L > 255 * Nh.
   */
  export(exporterContext: Uint8Array, length: number): Uint8Array {
    return this.#state.export(exporterContext, length);
  }
}
