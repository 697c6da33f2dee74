/**
 * The log's side of key transparency, pure and in memory: the prefix tree, the RFC 9162 log
 * of (timestamp, prefix root) entries, every label's versions, the signed tree heads and the
 * auditors' countersignatures; it builds epochs and the proofs of search, monitor,
 * checkpoint and consistency responses (docs/key-transparency.md, "Wire contract").
 *
 * The server persists what `prepareEpoch` returns before calling `applyEpoch`, and rebuilds
 * the prover at start with `restoreEpoch` from storage (no signing, no randomness needed).
 * Randomness (commitment openings) and the clock are passed in.
 */
import { encodeAuditorTreeHeadTbs, signTreeHead, verifyAuditorSignatureBy } from '../checkpoint/tree-head.ts';
import type { Configuration } from '../checkpoint/configuration.ts';
import { baseBinaryLadder, monitoringBinaryLadder } from '../ladder/binary-ladder.ts';
import { logEntryLeafHash } from '../log/log-entry.ts';
import { MerkleLog } from '../log/merkle-log.ts';
import { commit, NC } from '../prefix/commitment.ts';
import { provePrefixBatch } from '../prefix/prefix-batch.ts';
import { PrefixTree } from '../prefix/prefix-tree.ts';
import { proveSearchKey } from '../prefix/search-key.ts';
import { MAX_MONITORED_VERSIONS } from '../verify/monitor-verify.ts';
import type {
  AuditorTreeHeadShape,
  CheckpointResponseShape,
  FullTreeHeadShape,
  LadderStepShape,
  LatestEntryProofShape,
  LogEntryProofShape,
  MonitoredVersionShape,
  MonitorResponseShape,
  SearchProofShape,
  SearchResponseShape,
} from '../verify/shapes.ts';
import { ProverError } from './prover-error.ts';

/** One version of one label, as stored. */
export interface LabelVersion {
  readonly label: Uint8Array;
  readonly version: number;
  readonly vrfProof: Uint8Array;
  readonly vrfOutput: Uint8Array;
  readonly opening: Uint8Array;
  readonly value: Uint8Array;
  readonly commitment: Uint8Array;
  /** The log entry (epoch) that inserted it. */
  readonly position: number;
}

/** One epoch as stored: its log entry, the log's signature for size position+1, its inserts in order. */
export interface EpochRecord {
  readonly position: number;
  readonly timestamp: number;
  readonly prefixRoot: Uint8Array;
  readonly signature: Uint8Array;
  readonly versions: readonly LabelVersion[];
}

/** An epoch computed but not yet applied (the server persists `record` first). */
export interface PreparedEpoch {
  readonly record: EpochRecord;
  readonly tree: PrefixTree;
}

export interface ProverKeys {
  readonly config: Configuration;
  /** Ed25519 secret key of `config.signaturePublicKey` (32 octets). */
  readonly signingKey: Uint8Array;
  /** ECVRF secret key of `config.vrfPublicKey` (32 octets). */
  readonly vrfSecretKey: Uint8Array;
}

const labelId = (label: Uint8Array): string => String.fromCharCode(...label);
const insertsOf = (versions: readonly LabelVersion[]) => versions.map((v) => ({ key: v.vrfOutput, commitment: v.commitment }));

export class KtProver {
  private tree = PrefixTree.empty();
  private readonly log = new MerkleLog();
  private readonly entries: { timestamp: number; prefixRoot: Uint8Array }[] = [];
  private readonly signatures: Uint8Array[] = [];
  private readonly labels = new Map<string, LabelVersion[]>();
  /** Countersignatures by tree size, one per auditor key. */
  private readonly countersignatures = new Map<number, AuditorTreeHeadShape[]>();

  constructor(private readonly keys: ProverKeys) {}

  /** Published log entries (countersigned or not). */
  get size(): number {
    return this.entries.length;
  }

  /** Keys in the prefix tree. */
  get keyCount(): number {
    return this.tree.size;
  }

  /** The greatest version of `label` in the tree of `size` entries (undefined when none). */
  greatestVersion(label: Uint8Array, size: number = this.size): number | undefined {
    const versions = this.labels.get(labelId(label));
    if (versions === undefined) return undefined;
    let g: number | undefined;
    for (const v of versions) if (v.position < size) g = v.version;
    return g;
  }

  /** Every stored version of `label` (tests and storage). */
  versionsOf(label: Uint8Array): readonly LabelVersion[] {
    return this.labels.get(labelId(label)) ?? [];
  }

  /**
   * Computes the next epoch: each update becomes the label's next version (several
   * updates of one label in one epoch get consecutive versions), with a fresh opening from
   * `random`. Nothing changes until {@link applyEpoch}. An empty update list is a heartbeat.
   * @throws {ProverError} `time-went-back` when `timestamp` is below the last entry's.
   */
  prepareEpoch(timestamp: number, updates: readonly { label: Uint8Array; value: Uint8Array }[], random: (n: number) => Uint8Array): PreparedEpoch {
    const last = this.entries[this.entries.length - 1];
    if (last !== undefined && timestamp < last.timestamp) throw new ProverError('time-went-back', `epoch timestamp ${timestamp} < ${last.timestamp}`);
    const position = this.size;
    const next = new Map<string, number>();
    const versions: LabelVersion[] = [];
    for (const { label, value } of updates) {
      const id = labelId(label);
      const version = next.get(id) ?? (this.greatestVersion(label) ?? -1) + 1;
      next.set(id, version + 1);
      const opening = random(NC);
      const { key, proof } = proveSearchKey(this.keys.vrfSecretKey, label, version);
      const commitment = commit(opening, label, version, value);
      versions.push({ label: label.slice(), version, vrfProof: proof, vrfOutput: key, opening, value: value.slice(), commitment, position });
    }
    return this.prepareFromVersions(timestamp, versions);
  }

  /**
   * The epoch that inserts already computed versions (their position must be the next one):
   * used by prepareEpoch, and to load versions computed elsewhere (imports, benchmarks).
   * @throws {ProverError} `time-went-back`, `stale-epoch`; {@link PrefixError} `duplicate-key`.
   */
  prepareFromVersions(timestamp: number, versions: readonly LabelVersion[]): PreparedEpoch {
    const last = this.entries[this.entries.length - 1];
    if (last !== undefined && timestamp < last.timestamp) throw new ProverError('time-went-back', `epoch timestamp ${timestamp} < ${last.timestamp}`);
    const position = this.size;
    for (const v of versions) if (v.position !== position) throw new ProverError('stale-epoch', `version for position ${v.position} in epoch ${position}`);
    const tree = this.tree.insertAll(insertsOf(versions), position);
    const prefixRoot = tree.rootValue();
    const root = this.log.rootAppending(logEntryLeafHash({ timestamp, prefixTreeRoot: prefixRoot }));
    const signature = signTreeHead(this.keys.signingKey, this.keys.config, position + 1, root);
    return { record: { position, timestamp, prefixRoot, signature, versions }, tree };
  }

  /** Applies a prepared epoch (after it was persisted). @throws {ProverError} `stale-epoch`. */
  applyEpoch(prepared: PreparedEpoch): void {
    if (prepared.record.position !== this.size) throw new ProverError('stale-epoch', `epoch ${prepared.record.position} prepared for size ${this.size}`);
    this.tree = prepared.tree;
    this.append(prepared.record);
  }

  /**
   * Replays a stored epoch at start-up: inserts its versions and appends its entry, checking
   * that the stored prefix root recomputes. The inserts go in as one batch
   * (PrefixTree.insertAll: the same tree as one by one, shared nodes hashed once), so an
   * epoch of many keys costs far fewer hashes than their separate paths.
   * @throws {ProverError} `stale-epoch`, `root-mismatch`; {@link PrefixError} for a stored
   *   insert that cannot be inserted (bad length, duplicate key).
   */
  restoreEpoch(record: EpochRecord): void {
    if (record.position !== this.size) throw new ProverError('stale-epoch', `stored epoch ${record.position} at size ${this.size}`);
    const tree = this.tree.insertAll(insertsOf(record.versions), record.position);
    const root = tree.rootValue();
    if (!root.every((b, i) => b === record.prefixRoot[i])) throw new ProverError('root-mismatch', `stored epoch ${record.position} does not recompute`);
    this.tree = tree;
    this.append(record);
  }

  private append(record: EpochRecord): void {
    this.entries.push({ timestamp: record.timestamp, prefixRoot: record.prefixRoot });
    this.log.append(logEntryLeafHash({ timestamp: record.timestamp, prefixTreeRoot: record.prefixRoot }));
    this.signatures.push(record.signature);
    for (const v of record.versions) {
      const id = labelId(v.label);
      let list = this.labels.get(id);
      if (list === undefined) this.labels.set(id, (list = []));
      list.push(v);
    }
  }

  /** The log root of `size` entries. */
  root(size: number = this.size): Uint8Array {
    return this.log.root(size);
  }

  timestampAt(position: number): number {
    const e = this.entries[position];
    if (e === undefined) throw new ProverError('unknown-size', `no entry ${position}`);
    return e.timestamp;
  }

  /**
   * Checks an auditor's countersignature against our own root and timestamp for its size
   * and records it; the caller persists it. Returns false when the same auditor already
   * countersigned that size (idempotent).
   * @throws {ProverError} `unknown-size`, `bad-countersignature` (key not configured, wrong
   *   timestamp, signature does not verify).
   */
  acceptCountersignature(head: AuditorTreeHeadShape): boolean {
    if (!Number.isSafeInteger(head.treeSize) || head.treeSize < 1 || head.treeSize > this.size) throw new ProverError('unknown-size', `no tree of size ${head.treeSize}`);
    if (head.timestamp !== this.timestampAt(head.treeSize - 1)) throw new ProverError('bad-countersignature', 'timestamp is not that of the entry at tree_size - 1');
    try {
      verifyAuditorSignatureBy(this.keys.config, head.auditorPublicKey, head.timestamp, head.treeSize, this.root(head.treeSize), head.signature);
    } catch {
      throw new ProverError('bad-countersignature', 'auditor signature does not verify or key not configured');
    }
    return this.recordCountersignature(head);
  }

  /** Records a countersignature already verified (at restore). */
  recordCountersignature(head: AuditorTreeHeadShape): boolean {
    const list = this.countersignatures.get(head.treeSize) ?? [];
    if (list.some((h) => h.auditorPublicKey.every((b, i) => b === head.auditorPublicKey[i]))) return false;
    list.push({ ...head });
    this.countersignatures.set(head.treeSize, list);
    return true;
  }

  /**
   * The greatest size the server may serve: every size without auditors; with
   * `requiredAuditors` > 0, the greatest size countersigned by that many auditors
   * (0 when none yet).
   */
  servedSize(requiredAuditors: number): number {
    if (requiredAuditors === 0) return this.size;
    for (let s = this.size; s >= 1; s--) if ((this.countersignatures.get(s)?.length ?? 0) >= requiredAuditors) return s;
    return 0;
  }

  private fullTreeHead(size: number, last: number | undefined): FullTreeHeadShape {
    if (last === size) return { headType: 'same' };
    const sig = this.signatures[size - 1];
    if (sig === undefined) throw new ProverError('unknown-size', `no tree head for size ${size}`);
    return { headType: 'updated', treeHead: { treeSize: size, signature: sig }, auditorTreeHeads: this.countersignatures.get(size) ?? [] };
  }

  private entryProof(position: number, size: number): LogEntryProofShape {
    const e = this.entries[position]!;
    return { timestamp: e.timestamp, prefixRoot: e.prefixRoot, inclusion: this.log.inclusion(position, size) };
  }

  private latestProof(size: number, last: number | undefined): LatestEntryProofShape {
    if (size < 1 || size > this.size) throw new ProverError('unknown-size', `no tree of size ${size}`);
    if (last !== undefined && last > size) throw new ProverError('last-ahead', `last ${last} > served ${size}`);
    const consistency = last !== undefined && last > 0 && last < size ? this.log.consistency(last, size) : [];
    return { ...this.entryProof(size - 1, size), consistency };
  }

  /** CheckpointResponse for the served `size`; `updated` always (the client compares sizes). */
  checkpoint(size: number, last?: number): CheckpointResponseShape {
    const head = this.fullTreeHead(size, undefined);
    return { fullTreeHead: head, latest: this.latestProof(size, last) };
  }

  /** RFC 9162 PROOF(m, D[n]). @throws {ProverError} `unknown-size` unless 0 < m < n <= size. */
  consistency(m: number, n: number): Uint8Array[] {
    if (!(Number.isSafeInteger(m) && Number.isSafeInteger(n) && m > 0 && m < n && n <= this.size)) throw new ProverError('unknown-size', `no consistency proof ${m} -> ${n}`);
    return this.log.consistency(m, n);
  }

  private vrfProofOf(label: Uint8Array, version: number, known: readonly LabelVersion[]): Uint8Array {
    return known.find((v) => v.version === version)?.vrfProof ?? proveSearchKey(this.keys.vrfSecretKey, label, version).proof;
  }

  /**
   * Ladder steps for the lookups `versions` of `label` and their batched prefix proof in the
   * tree of `size`; `target`'s step leaves out its commitment (the client computes it from
   * opening and value).
   */
  private ladder(label: Uint8Array, versions: readonly number[], size: number, target: number | undefined): { steps: LadderStepShape[]; search: (last: number | undefined) => SearchProofShape } {
    const known = (this.labels.get(labelId(label)) ?? []).filter((v) => v.position < size);
    const keys: Uint8Array[] = [];
    const steps = versions.map((version): LadderStepShape => {
      const stored = known.find((v) => v.version === version);
      if (stored !== undefined) {
        keys.push(stored.vrfOutput);
        return version === target ? { proof: stored.vrfProof } : { proof: stored.vrfProof, commitment: stored.commitment };
      }
      const { key, proof } = proveSearchKey(this.keys.vrfSecretKey, label, version);
      keys.push(key);
      return { proof };
    });
    const at = size === this.size ? undefined : size - 1;
    const prefix = provePrefixBatch(this.tree, keys, at).proof;
    return { steps, search: (last) => ({ latest: this.latestProof(size, last), prefix }) };
  }

  /**
   * SearchResponse for the greatest version of `label` in the tree of `size` entries.
   * @throws {ProverError} `unknown-label`, `unknown-size`, `last-ahead`.
   */
  search(label: Uint8Array, size: number, last?: number): SearchResponseShape {
    const greatest = this.greatestVersion(label, size);
    if (greatest === undefined) throw new ProverError('unknown-label', 'no version of this label in the served tree');
    return this.searchResponse(label, greatest, baseBinaryLadder(greatest), size, last);
  }

  /**
   * SearchResponse for version `version` of `label` (a fixed-version search): the lookups of
   * monitoringBinaryLadder(version), every one included, in the tree of `size` entries.
   * @throws {ProverError} `unknown-label` (also for a version the tree does not have yet),
   *   `unknown-size`, `last-ahead`.
   */
  searchVersion(label: Uint8Array, version: number, size: number, last?: number): SearchResponseShape {
    const greatest = this.greatestVersion(label, size);
    if (greatest === undefined || !Number.isSafeInteger(version) || version < 0 || version > greatest) throw new ProverError('unknown-label', 'no such version of this label in the served tree');
    return this.searchResponse(label, version, monitoringBinaryLadder(version), size, last);
  }

  private searchResponse(label: Uint8Array, version: number, lookups: readonly number[], size: number, last: number | undefined): SearchResponseShape {
    const target = this.versionsOf(label).find((v) => v.version === version)!;
    const { steps, search } = this.ladder(label, lookups, size, version);
    return { fullTreeHead: this.fullTreeHead(size, last), version, opening: target.opening, value: target.value, binaryLadder: steps, search: search(last) };
  }

  /**
   * MonitorResponse: the greatest version, then versions knownVersion+1.. (at most
   * MAX_MONITORED_VERSIONS), each with its insertion entry and the entry before.
   * @throws {ProverError} `unknown-label`, `unknown-size`, `last-ahead`, `known-ahead`.
   */
  monitor(label: Uint8Array, size: number, knownVersion?: number, last?: number): MonitorResponseShape {
    const greatest = this.greatestVersion(label, size);
    if (greatest === undefined) throw new ProverError('unknown-label', 'no version of this label in the served tree');
    if (knownVersion !== undefined && knownVersion > greatest) throw new ProverError('known-ahead', `known version ${knownVersion} > greatest ${greatest}`);
    const { steps, search } = this.ladder(label, baseBinaryLadder(greatest), size, undefined);
    const start = knownVersion === undefined ? 0 : knownVersion + 1;
    const all = this.versionsOf(label);
    const versions: MonitoredVersionShape[] = [];
    for (let version = start; version <= greatest && versions.length < MAX_MONITORED_VERSIONS; version++) {
      const v = all.find((x) => x.version === version);
      if (v === undefined) throw new ProverError('unknown-label', `version ${version} missing from storage`);
      const at = v.position === this.size - 1 ? undefined : v.position;
      const inserted = this.entryProof(v.position, size);
      const insertedProof = provePrefixBatch(this.tree, [v.vrfOutput], at).proof;
      const base = { vrfProof: this.vrfProofOf(label, version, all), opening: v.opening, value: v.value, position: v.position, inserted, insertedProof };
      if (v.position === 0) versions.push(base);
      else versions.push({ ...base, prior: { entry: this.entryProof(v.position - 1, size), absentProof: provePrefixBatch(this.tree, [v.vrfOutput], v.position - 1).proof } });
    }
    return { fullTreeHead: this.fullTreeHead(size, last), greatestVersion: greatest, binaryLadder: steps, search: search(last), versions };
  }

  /** The AuditorTreeHeadTBS an auditor signs for `size` (tests and tooling). */
  auditorTbs(size: number): Uint8Array {
    return encodeAuditorTreeHeadTbs(this.keys.config, this.timestampAt(size - 1), size, this.root(size));
  }
}
