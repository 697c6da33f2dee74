/**
 * A small honest key-transparency log built from packages/kt, producing the updates a
 * server's audit feed would carry. Tests tamper with its output to play a malicious log;
 * the real server is exercised by packages/server/test/transparency-harness.
 */
import { nodeProvider } from '@sealed/crypto/node/provider';
import { KT_128_SHA256_ED25519, type Configuration } from '@sealed/kt/checkpoint/configuration';
import { signTreeHead } from '@sealed/kt/checkpoint/tree-head';
import { logEntryLeafHash } from '@sealed/kt/log/log-entry';
import { treeRoot } from '@sealed/kt/log/merkle-tree';
import { PrefixTree } from '@sealed/kt/prefix/prefix-tree';
import { randomBytes } from 'node:crypto';
import type { EpochUpdate, PrefixLeaf } from '../../src/epoch-update.ts';

export const LOG_SK = new Uint8Array(32).fill(7);
export const AUDITOR_SK = new Uint8Array(32).fill(8);

export function testConfig(auditorSk: Uint8Array = AUDITOR_SK): Configuration {
  return {
    ciphersuite: KT_128_SHA256_ED25519,
    mode: { kind: 'thirdPartyAuditing', maxAuditorLag: 600_000, auditorStartPos: 0, auditorPublicKey: nodeProvider.signaturePublicKey('Ed25519', auditorSk) },
    signaturePublicKey: nodeProvider.signaturePublicKey('Ed25519', LOG_SK),
    vrfPublicKey: new Uint8Array(32).fill(3),
    maxAhead: 60_000,
    maxBehind: 86_400_000,
    reasonableMonitoringWindow: 604_800_000,
  };
}

export function randomLeaves(n: number): PrefixLeaf[] {
  const leaves = Array.from({ length: n }, () => ({ vrfOutput: new Uint8Array(randomBytes(32)), commitment: new Uint8Array(randomBytes(32)) }));
  return leaves.sort((a, b) => Buffer.compare(a.vrfOutput, b.vrfOutput));
}

export class HonestLog {
  prefix = PrefixTree.empty();
  readonly leafHashes: Uint8Array[] = [];
  time = 1_700_000_000_000;
  /** The root of the log after the last `next`. */
  root: Uint8Array = new Uint8Array(32);

  constructor(readonly config: Configuration = testConfig()) {}

  /** Builds the next entry from `added` (sorted) and signs the head it makes. */
  next(added: PrefixLeaf[], step = 60_000): EpochUpdate {
    this.time += step;
    for (const l of added) this.prefix = this.prefix.insert(l.vrfOutput, l.commitment);
    const prefixRoot = this.prefix.rootValue();
    this.leafHashes.push(logEntryLeafHash({ timestamp: this.time, prefixTreeRoot: prefixRoot }));
    this.root = treeRoot(this.leafHashes);
    const treeSize = this.leafHashes.length;
    return { treeSize, timestamp: this.time, added, removed: [], prefixRoot, logSignature: signTreeHead(LOG_SK, this.config, treeSize, this.root) };
  }
}

/**
 * Re-signs a tampered update with the log's key over the log root its entry makes after
 * `previousLeaves`: a malicious log signs what it serves.
 */
export function resign(config: Configuration, previousLeaves: readonly Uint8Array[], u: EpochUpdate): EpochUpdate {
  const root = treeRoot([...previousLeaves, logEntryLeafHash({ timestamp: u.timestamp, prefixTreeRoot: u.prefixRoot })]);
  return { ...u, logSignature: signTreeHead(LOG_SK, config, u.treeSize, root) };
}
