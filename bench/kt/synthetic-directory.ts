/**
 * Synthetic directories for the key-transparency benchmark: `accounts` accounts, each with
 * an account label and a username label, so 2 x accounts keys in the prefix tree.
 *
 * - The bulk of the keys are random search keys and commitments (statistically what VRF
 *   outputs and HMACs look like, and ~1000x cheaper to make than real VRF proofs). They are
 *   built bottom-up into one tree (bulk-prefix-tree.ts; exactly the tree PrefixTree.insert
 *   makes) and enter the log as entry 0. The server would spread them over many epochs of
 *   at most 65,536 inserts; no measured figure depends on that: searches use the latest
 *   tree, and the monitored versions come after every synthetic key. Their label rows are
 *   not kept in the prover (nothing searches them; storage is measured separately).
 * - The log then gets `logEntries` entries in all (default one year of 60 s epochs), as
 *   heartbeats holding the same prefix root, so log proofs have a realistic length. Their
 *   tree-head signatures are placeholders: nothing serves or checks them (only the sizes
 *   the measured epochs make are served, and those are signed and countersigned for real).
 * - The measured accounts get real labels, VRF proofs, commitments and several versions,
 *   inserted through the same prover the server runs, one epoch per version.
 */
import { createHash, randomBytes } from 'node:crypto';
import { KT_128_SHA256_ED25519, type Configuration } from '@sealed/kt/checkpoint/configuration';
import { signAuditorTreeHead, signTreeHead, treeHeadPublicKey } from '@sealed/kt/checkpoint/tree-head';
import { accountLabel, usernameLabel } from '@sealed/kt/labels/labels';
import { logEntryLeafHash } from '@sealed/kt/log/log-entry';
import { MerkleLog } from '@sealed/kt/log/merkle-log';
import type { PrefixTree } from '@sealed/kt/prefix/prefix-tree';
import { KtProver, type PreparedEpoch } from '@sealed/kt/proof/prover';
import { vrfPublicKey } from '@sealed/kt/vrf/ecvrf';
import type { AuditState } from '../../packages/auditor/src/check-epoch.ts';
import { appendLeaf, EMPTY_FRONTIER, type LogFrontier } from '../../packages/auditor/src/log-frontier.ts';
import { bulkPrefixTree } from './bulk-prefix-tree.ts';

export const EPOCH_MS = 60_000;
export const START = 1_764_000_000_000;
/** One year of 60 s epochs. */
export const YEAR_OF_EPOCHS = 365 * 24 * 60;
const seed = (s: string): Uint8Array => new Uint8Array(createHash('sha256').update(s).digest());
const random = (n: number): Uint8Array => new Uint8Array(randomBytes(n));

export interface Directory {
  readonly prover: KtProver;
  readonly config: Configuration;
  /** Measured accounts: their account labels (version count = `versions`) and username labels. */
  readonly accountLabels: readonly Uint8Array[];
  readonly usernameLabels: readonly Uint8Array[];
  /** A realistic account value (a signed device list of 2 devices is ~250 octets). */
  readonly value: Uint8Array;
  /** The auditor's secret key (its key is in `config`). */
  readonly auditorSecret: Uint8Array;
  /** Prepares, applies and countersigns one epoch; returns it. */
  epoch(updates: { label: Uint8Array; value: Uint8Array }[]): PreparedEpoch;
  /** What an auditor that followed the whole log holds now (frontier, prefix tree, last time). */
  auditState(): AuditState;
  now(): number;
  /** CPU ms of the parts of the build: synthetic tree, log padding, measured epochs. */
  readonly buildMs: { readonly tree: number; readonly log: number; readonly measured: number };
}

const cpuSince = (start: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
};

export function buildDirectory(accounts: number, measured: number, versions: number, logEntries: number = YEAR_OF_EPOCHS): Directory {
  const signingKey = seed('bench log key');
  const vrfSecretKey = seed('bench vrf key');
  const auditorSecret = seed('bench auditor');
  const config: Configuration = {
    ciphersuite: KT_128_SHA256_ED25519,
    mode: { kind: 'thirdPartyAuditing', maxAuditorLag: 10 * EPOCH_MS, auditorStartPos: 0, auditorPublicKey: treeHeadPublicKey(auditorSecret) },
    signaturePublicKey: treeHeadPublicKey(signingKey),
    vrfPublicKey: vrfPublicKey(vrfSecretKey),
    maxAhead: 5 * EPOCH_MS,
    maxBehind: 10 * EPOCH_MS,
    reasonableMonitoringWindow: 7 * 24 * 3600_000,
  };
  const prover = new KtProver({ config, signingKey, vrfSecretKey });
  const ts = () => START + prover.size * EPOCH_MS;
  let tree: PrefixTree | undefined;
  let frontier: LogFrontier = EMPTY_FRONTIER;
  // Every applied epoch goes through here, so the auditor's view follows the log exactly.
  const apply = (prepared: PreparedEpoch) => {
    prover.applyEpoch(prepared);
    tree = prepared.tree;
    frontier = appendLeaf(frontier, logEntryLeafHash({ timestamp: prepared.record.timestamp, prefixTreeRoot: prepared.record.prefixRoot }));
  };

  // Synthetic keys: one bulk-built tree, log entry 0 (signed for real: it is size 1).
  const t0 = process.cpuUsage();
  const synthetic = 2 * Math.max(0, accounts - measured);
  const bulk = bulkPrefixTree(randomBytes(32 * synthetic), randomBytes(32 * synthetic), synthetic, 0);
  const prefixRoot = bulk.rootValue();
  const first = new MerkleLog();
  const firstRoot = first.rootAppending(logEntryLeafHash({ timestamp: START, prefixTreeRoot: prefixRoot }));
  apply({ record: { position: 0, timestamp: START, prefixRoot, signature: signTreeHead(signingKey, config, 1, firstRoot), versions: [] }, tree: bulk });
  const treeMs = cpuSince(t0);

  // Log padding: heartbeats up to `logEntries` minus the measured epochs.
  const t1 = process.cpuUsage();
  const placeholderSignature = new Uint8Array(64);
  const measuredEpochs = measured > 0 ? versions : 0;
  while (prover.size < logEntries - measuredEpochs) {
    apply({ record: { position: prover.size, timestamp: ts(), prefixRoot, signature: placeholderSignature, versions: [] }, tree: bulk });
  }
  const logMs = cpuSince(t1);

  const countersign = () => {
    const size = prover.size;
    const stamp = prover.timestampAt(size - 1);
    prover.recordCountersignature({ auditorPublicKey: treeHeadPublicKey(auditorSecret), timestamp: stamp, treeSize: size, signature: signAuditorTreeHead(auditorSecret, config, stamp, size, prover.root(size)) });
  };
  const value = random(250);
  const accountLabels = Array.from({ length: measured }, (_, i) => accountLabel(seed(`measured ${i}`).subarray(0, 16)));
  const usernameLabels = Array.from({ length: measured }, (_, i) => usernameLabel(`user${i}`));
  const epoch = (updates: { label: Uint8Array; value: Uint8Array }[]): PreparedEpoch => {
    const prepared = prover.prepareEpoch(ts(), updates, random);
    apply(prepared);
    countersign();
    return prepared;
  };
  const t2 = process.cpuUsage();
  if (measured > 0) {
    epoch([...accountLabels.map((label) => ({ label, value })), ...usernameLabels.map((label) => ({ label, value: random(49) }))]);
    for (let v = 1; v < versions; v++) epoch(accountLabels.map((label) => ({ label, value })));
  }
  const measuredMs = cpuSince(t2);
  return {
    prover,
    config,
    accountLabels,
    usernameLabels,
    value,
    auditorSecret,
    epoch,
    auditState: () => ({ frontier, prefix: tree!, lastTimestamp: prover.timestampAt(prover.size - 1) }),
    now: () => START + prover.size * EPOCH_MS,
    buildMs: { tree: treeMs, log: logMs, measured: measuredMs },
  };
}
