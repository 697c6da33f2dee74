/**
 * A small key-transparency log built from packages/kt for the client's checks: signed
 * heads, auditor countersignatures and latest-entry proofs as the wire contract carries
 * them. Tests tamper with its output to play a malicious server; the real server is
 * exercised in packages/server/test/transparency-harness.
 */
import { nodeProvider } from '@sealed/crypto/node/provider';
import { KT_128_SHA256_ED25519, type Configuration } from '@sealed/kt/checkpoint/configuration';
import { signAuditorTreeHead, signTreeHead } from '@sealed/kt/checkpoint/tree-head';
import { logEntryLeafHash } from '@sealed/kt/log/log-entry';
import { consistencyProof, inclusionProof, treeRoot } from '@sealed/kt/log/merkle-tree';
import type { LatestEntryProof } from '@sealed/protocol/transparency/log-entry-proof';
import type { FullTreeHead } from '@sealed/protocol/transparency/tree-head';
import { randomBytes } from 'node:crypto';

export const LOG_SK = new Uint8Array(32).fill(0x11);
export const AUDITOR_SKS = [new Uint8Array(32).fill(0x21), new Uint8Array(32).fill(0x22), new Uint8Array(32).fill(0x23)];
const pub = (sk: Uint8Array) => nodeProvider.signaturePublicKey('Ed25519', sk);

function ascending(keys: Uint8Array[]): Uint8Array[] {
  return [...keys].sort((a, b) => Buffer.compare(a, b));
}

export function testConfig(): Configuration {
  const keys = ascending(AUDITOR_SKS.map(pub));
  const field = new Uint8Array(32 * keys.length);
  keys.forEach((k, i) => field.set(k, 32 * i));
  return {
    ciphersuite: KT_128_SHA256_ED25519,
    mode: { kind: 'thirdPartyAuditing', maxAuditorLag: 600_000, auditorStartPos: 0, auditorPublicKey: field },
    signaturePublicKey: pub(LOG_SK),
    vrfPublicKey: new Uint8Array(32).fill(3),
    maxAhead: 60_000,
    maxBehind: 86_400_000,
    reasonableMonitoringWindow: 604_800_000,
  };
}

export interface Entry {
  readonly timestamp: number;
  readonly prefixRoot: Uint8Array;
}

export class TestLog {
  readonly entries: Entry[] = [];
  time = 1_700_000_000_000;

  constructor(readonly config: Configuration = testConfig()) {}

  append(count = 1, step = 60_000): this {
    for (let i = 0; i < count; i++) {
      this.time += step;
      this.entries.push({ timestamp: this.time, prefixRoot: new Uint8Array(randomBytes(32)) });
    }
    return this;
  }

  get leaves(): Uint8Array[] {
    return this.entries.map((e) => logEntryLeafHash({ timestamp: e.timestamp, prefixTreeRoot: e.prefixRoot }));
  }

  root(size = this.entries.length): Uint8Array {
    return treeRoot(this.leaves, size);
  }

  /** The checkpoint of `size` entries, countersigned by the auditors at `auditors` indexes. */
  checkpoint(opts: { size?: number; auditors?: number[]; last?: number } = {}): { fullTreeHead: FullTreeHead; latest: LatestEntryProof } {
    const size = opts.size ?? this.entries.length;
    const leaves = this.leaves;
    const root = treeRoot(leaves, size);
    const entry = this.entries[size - 1]!;
    const auditorTreeHeads = (opts.auditors ?? [0, 1, 2]).map((i) => {
      const sk = AUDITOR_SKS[i]!;
      return { auditorPublicKey: pub(sk), timestamp: entry.timestamp, treeSize: size, signature: signAuditorTreeHead(sk, this.config, entry.timestamp, size, root) };
    });
    auditorTreeHeads.sort((a, b) => Buffer.compare(a.auditorPublicKey, b.auditorPublicKey));
    const last = opts.last;
    return {
      fullTreeHead: { headType: 'updated', treeHead: { treeSize: size, signature: signTreeHead(LOG_SK, this.config, size, root) }, auditorTreeHeads },
      latest: {
        timestamp: entry.timestamp,
        prefixRoot: entry.prefixRoot,
        inclusion: inclusionProof(leaves, size - 1, size),
        consistency: last !== undefined && last > 0 && last < size ? consistencyProof(leaves, last, size) : [],
      },
    };
  }

  consistency(from: number, to: number): Uint8Array[] {
    return consistencyProof(this.leaves, from, to);
  }
}
