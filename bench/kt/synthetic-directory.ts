/**
 * Synthetic directories for the key-transparency benchmark: `accounts` accounts, each with
 * an account label and a username label, so 2 x accounts keys in the prefix tree. The
 * bulk of them get random search keys and commitments (statistically what VRF outputs and
 * HMACs look like, and ~1000x cheaper to make than real VRF proofs); a set of measured
 * accounts get real labels, VRF proofs, commitments and several versions, inserted through
 * the same prover the server runs.
 */
import { createHash, randomBytes } from 'node:crypto';
import { KT_128_SHA256_ED25519, type Configuration } from '@sealed/kt/checkpoint/configuration';
import { signAuditorTreeHead, treeHeadPublicKey } from '@sealed/kt/checkpoint/tree-head';
import { accountLabel, usernameLabel } from '@sealed/kt/labels/labels';
import { KtProver, type LabelVersion } from '@sealed/kt/proof/prover';
import { vrfPublicKey } from '@sealed/kt/vrf/ecvrf';

export const EPOCH_MS = 60_000;
export const START = 1_764_000_000_000;
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
  /** Appends a heartbeat-free epoch and countersigns it with the auditor. */
  epoch(updates: { label: Uint8Array; value: Uint8Array }[]): void;
  now(): number;
}

/** Random synthetic keys go into epochs of this many keys (the server's per-epoch bound is 65,536). */
const SYNTHETIC_PER_EPOCH = 50_000;

export function buildDirectory(accounts: number, measured: number, versions: number): Directory {
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
  const countersign = () => {
    const size = prover.size;
    const ts = prover.timestampAt(size - 1);
    prover.recordCountersignature({ auditorPublicKey: treeHeadPublicKey(auditorSecret), timestamp: ts, treeSize: size, signature: signAuditorTreeHead(auditorSecret, config, ts, size, prover.root(size)) });
  };
  const ts = () => START + prover.size * EPOCH_MS;
  // Synthetic keys share one placeholder label (never searched) and placeholder proof fields.
  const placeholder = { label: Uint8Array.of(0xff), version: 0, vrfProof: new Uint8Array(80), opening: new Uint8Array(16), value: new Uint8Array(0) };
  let remaining = 2 * (accounts - measured);
  while (remaining > 0) {
    const n = Math.min(remaining, SYNTHETIC_PER_EPOCH);
    const position = prover.size;
    const pool = random(64 * n);
    const versionsOut: LabelVersion[] = [];
    for (let i = 0; i < n; i++) versionsOut.push({ ...placeholder, vrfOutput: pool.subarray(64 * i, 64 * i + 32), commitment: pool.subarray(64 * i + 32, 64 * i + 64), position });
    prover.applyEpoch(prover.prepareFromVersions(ts(), versionsOut));
    countersign();
    remaining -= n;
  }
  const value = random(250);
  const accountLabels = Array.from({ length: measured }, (_, i) => accountLabel(seed(`measured ${i}`).subarray(0, 16)));
  const usernameLabels = Array.from({ length: measured }, (_, i) => usernameLabel(`user${i}`));
  const epoch = (updates: { label: Uint8Array; value: Uint8Array }[]) => {
    prover.applyEpoch(prover.prepareEpoch(ts(), updates, random));
    countersign();
  };
  if (measured > 0) {
    epoch([...accountLabels.map((label) => ({ label, value })), ...usernameLabels.map((label) => ({ label, value: random(49) }))]);
    for (let v = 1; v < versions; v++) epoch(accountLabels.map((label) => ({ label, value })));
  }
  return { prover, config, accountLabels, usernameLabels, value, epoch, now: () => START + prover.size * EPOCH_MS };
}
