/**
 * The auditor: takes the log's updates one by one, checks each (check-epoch.ts), makes it
 * durable (journal.ts) and only then countersigns the head (AuditorTreeHeadTBS, Ed25519).
 * Any failed check writes evidence and halts the auditor for good: later calls throw
 * `AuditorHalted` until an operator has looked at the evidence and removed it.
 *
 * Never two roots for one size: every size is countersigned at most for the root the
 * journal holds for it. A re-served old size with the same root gets the same
 * (deterministic) signature again; with another root it is a fork, and the evidence holds
 * both log-signed heads.
 */
import type { Configuration } from '@sealed/kt/checkpoint/configuration';
import { signAuditorTreeHead } from '@sealed/kt/checkpoint/tree-head';
import { verifyTreeHeadSignature } from '@sealed/kt/checkpoint/tree-head';
import { hashEquals } from '@sealed/kt/log/merkle-hash';
import { nodeProvider } from '@sealed/crypto/node/provider';
import { AuditError, type AuditErrorCode } from './audit-error.ts';
import { checkEpoch } from './check-epoch.ts';
import type { EpochUpdate } from './epoch-update.ts';
import { type Evidence, existingEvidence, writeEvidence } from './evidence.ts';
import { Journal, signedHeadOf } from './journal.ts';

/** The auditor's countersignature of one head (draft: AuditorTreeHead). */
export interface AuditorTreeHead {
  readonly treeSize: number;
  readonly timestamp: number;
  readonly signature: Uint8Array;
}

/** Thrown once the auditor has stopped; `evidencePath` names the file to read. */
export class AuditorHalted extends Error {
  override readonly name = 'AuditorHalted';
  constructor(
    readonly code: AuditErrorCode | 'evidence-present',
    readonly evidencePath: string,
  ) {
    super(`auditor halted (${code}); evidence in ${evidencePath}`);
  }
}

/** A configuration problem found at start (wrong mode or key): nothing was signed. */
export class AuditorConfigError extends Error {
  override readonly name = 'AuditorConfigError';
}

/**
 * The auditor keys a Configuration names: Sealed's wire contract concatenates 1..16
 * Ed25519 keys in `auditor_public_key` (protocol/transparency/configuration.ts); every
 * auditor signs AuditorTreeHeadTBS over that same Configuration.
 */
export function auditorKeysOf(config: Configuration): Uint8Array[] {
  if (config.mode.kind !== 'thirdPartyAuditing') return [];
  const field = config.mode.auditorPublicKey;
  const keys: Uint8Array[] = [];
  for (let off = 0; off + 32 <= field.length; off += 32) keys.push(field.subarray(off, off + 32));
  return keys;
}

export class Auditor {
  private halted: AuditorHalted | undefined;

  private constructor(
    private readonly dir: string,
    private readonly config: Configuration,
    private readonly secretKey: Uint8Array,
    private readonly journal: Journal,
    private readonly clock: () => number,
  ) {}

  /**
   * Opens the auditor's state directory. `config` is the log's Configuration naming this
   * auditor's public key (thirdPartyAuditing mode); `secretKey` the auditor's Ed25519 seed.
   * @throws {AuditorConfigError} when the mode is wrong or the key is not the configured one.
   * @throws {AuditorHalted} `evidence-present` when an earlier stop left evidence.
   * @throws {AuditError} `corrupt-state` when the journal does not replay.
   */
  static open(dir: string, config: Configuration, secretKey: Uint8Array, clock: () => number = Date.now): Auditor {
    if (config.mode.kind !== 'thirdPartyAuditing') throw new AuditorConfigError('the log configuration is not in thirdPartyAuditing mode');
    const publicKey = nodeProvider.signaturePublicKey('Ed25519', secretKey);
    if (!auditorKeysOf(config).some((k) => nodeProvider.constantTimeEqual(k, publicKey))) throw new AuditorConfigError("the configuration's auditor_public_key does not name this auditor's key");
    const evidence = existingEvidence(dir);
    if (evidence.length > 0) throw new AuditorHalted('evidence-present', evidence[0]!);
    return new Auditor(dir, config, secretKey, Journal.open(dir, config), clock);
  }

  /** This auditor's Ed25519 public key (the AuditorTreeHead names it). */
  get publicKey(): Uint8Array {
    return nodeProvider.signaturePublicKey('Ed25519', this.secretKey);
  }

  /** Number of log entries checked and countersigned. */
  get size(): number {
    return this.journal.size;
  }

  /** The latest head countersigned, if any. */
  latest(): AuditorTreeHead | undefined {
    return this.size === 0 ? undefined : this.countersign(this.size);
  }

  private countersign(size: number): AuditorTreeHead {
    const head = this.journal.headAt(size);
    if (head === undefined) throw new AuditError('non-contiguous', `no accepted head of size ${size}`);
    // AuditorTreeHead.timestamp is the log entry's timestamp (draft, auditing step 8).
    const root = this.journal.rootAt(size)!;
    return { treeSize: size, timestamp: head.timestamp, signature: signAuditorTreeHead(this.secretKey, this.config, head.timestamp, size, root) };
  }

  private halt(evidence: Evidence): never {
    const path = writeEvidence(this.dir, evidence, new Date(this.clock()));
    this.halted = new AuditorHalted(evidence.code, path);
    this.journal.close();
    throw this.halted;
  }

  /**
   * Checks one update and returns the countersigned head it makes.
   * @throws {AuditorHalted} after writing evidence, for any failed check (and on every
   *   call after that).
   */
  accept(update: EpochUpdate): AuditorTreeHead {
    if (this.halted !== undefined) throw this.halted;
    const lastAccepted = this.journal.headAt(this.journal.size);
    const known = this.journal.rootAt(update.treeSize);
    if (known !== undefined) return this.reserved(update, known);
    let checked;
    try {
      checked = checkEpoch(this.config, this.journal.state, update, this.clock());
    } catch (error) {
      if (!(error instanceof AuditError)) throw error;
      return this.halt({ code: error.code, detail: error.detail, update, ...(lastAccepted !== undefined ? { lastAccepted } : {}) });
    }
    this.journal.append(update, checked.state, checked.head.root);
    return this.countersign(update.treeSize);
  }

  /**
   * A position already accepted, served again (a restarted follower re-reads a page): the
   * same entry whose signature verifies over our root gets the same countersignature;
   * anything else at that position is a second view of the log.
   */
  private reserved(update: EpochUpdate, known: Uint8Array): AuditorTreeHead {
    const ours = this.journal.headAt(update.treeSize)!;
    let sameSignature = true;
    try {
      verifyTreeHeadSignature(this.config, update.treeSize, known, update.logSignature);
    } catch {
      sameSignature = false;
    }
    if (sameSignature && update.timestamp === ours.timestamp && hashEquals(update.prefixRoot, ours.prefixRoot)) return this.countersign(update.treeSize);
    return this.halt({
      code: 'conflicting-head',
      detail: `the log served a second entry at position ${update.treeSize - 1}`,
      update,
      heads: [ours, signedHeadOf(update)],
    });
  }

  /**
   * Checks a log-signed head the server shows clients (GET /v1/kt/checkpoint) against our
   * journal: for a size we accepted, the log's signature must verify over our root. A head
   * beyond our size is not judged here (we have not checked those entries yet).
   * @throws {AuditorHalted} `conflicting-head` with both heads as evidence.
   */
  checkServedHead(treeSize: number, timestamp: number, prefixRoot: Uint8Array, root: Uint8Array, signature: Uint8Array): void {
    if (this.halted !== undefined) throw this.halted;
    const known = this.journal.rootAt(treeSize);
    if (known === undefined || hashEquals(known, root)) return;
    try {
      verifyTreeHeadSignature(this.config, treeSize, root, signature);
    } catch {
      return; // not signed by the log: proves nothing, the client will refuse it too
    }
    this.halt({
      code: 'conflicting-head',
      detail: `the log signed two roots for size ${treeSize}`,
      heads: [this.journal.headAt(treeSize)!, { treeSize, timestamp, prefixRoot, root, signature }],
    });
  }

  close(): void {
    this.journal.close();
  }
}
