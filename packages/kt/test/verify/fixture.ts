/** A small transparency log with real keys, for the verifier tests. */
import { createHash, randomBytes } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { KT_128_SHA256_ED25519, type Configuration } from '../../src/checkpoint/configuration.ts';
import { signAuditorTreeHead } from '../../src/checkpoint/tree-head.ts';
import { vrfPublicKey } from '../../src/vrf/ecvrf.ts';
import { KtProver } from '../../src/proof/prover.ts';
import type { VerifyPolicy } from '../../src/verify/checkpoint-verify.ts';

export const seed = (s: string): Uint8Array => new Uint8Array(createHash('sha256').update(s).digest());
export const random = (n: number): Uint8Array => new Uint8Array(randomBytes(n));

export const START = 1_700_000_000_000;
export const EPOCH_MS = 60_000;

export interface Fixture {
  readonly prover: KtProver;
  readonly config: Configuration;
  readonly auditorKeys: readonly Uint8Array[];
  policy(now: number, required?: number): VerifyPolicy;
  /** Appends an epoch at START + position * EPOCH_MS and has every auditor countersign it. */
  epoch(updates: { label: Uint8Array; value: Uint8Array }[]): void;
}

export function makeFixture(auditors = 2): Fixture {
  const signingKey = seed('log signing key');
  const vrfSecretKey = seed('log vrf key');
  const auditorSecrets = Array.from({ length: auditors }, (_, i) => seed(`auditor ${i}`));
  const auditorKeys = auditorSecrets
    .map((sk) => ({ sk, pk: ed25519.getPublicKey(sk) }))
    .sort((a, b) => Buffer.compare(Buffer.from(a.pk), Buffer.from(b.pk)));
  const config: Configuration = {
    ciphersuite: KT_128_SHA256_ED25519,
    mode:
      auditors === 0
        ? { kind: 'contactMonitoring' }
        : { kind: 'thirdPartyAuditing', maxAuditorLag: 10 * EPOCH_MS, auditorStartPos: 0, auditorPublicKey: new Uint8Array(auditorKeys.flatMap((a) => [...a.pk])) },
    signaturePublicKey: ed25519.getPublicKey(signingKey),
    vrfPublicKey: vrfPublicKey(vrfSecretKey),
    maxAhead: 5 * EPOCH_MS,
    maxBehind: 10 * EPOCH_MS,
    reasonableMonitoringWindow: 7 * 24 * 3600_000,
  };
  const prover = new KtProver({ config, signingKey, vrfSecretKey });
  return {
    prover,
    config,
    auditorKeys: auditorKeys.map((a) => a.pk),
    policy: (now, required = auditors) => ({ config, requiredAuditors: required, now }),
    epoch(updates) {
      const ts = START + prover.size * EPOCH_MS;
      prover.applyEpoch(prover.prepareEpoch(ts, updates, random));
      const size = prover.size;
      for (const a of auditorKeys) {
        const signature = signAuditorTreeHead(a.sk, config, ts, size, prover.root(size));
        prover.acceptCountersignature({ auditorPublicKey: a.pk, timestamp: ts, treeSize: size, signature });
      }
    },
  };
}

/** Every way to damage a decoded proof by one change: each byte of each byte field flipped, each number moved by one. */
export function* mutations<T>(value: T): Generator<{ where: string; mutated: T }> {
  type Path = (string | number)[];
  const leaves: { path: Path; kind: 'bytes' | 'number'; length: number }[] = [];
  const walk = (v: unknown, path: Path): void => {
    if (v instanceof Uint8Array) leaves.push({ path, kind: 'bytes', length: v.length });
    else if (typeof v === 'number') leaves.push({ path, kind: 'number', length: 1 });
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(value, []);
  const clone = (v: unknown): unknown =>
    v instanceof Uint8Array ? v.slice() : Array.isArray(v) ? v.map(clone) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)])) : v;
  for (const leaf of leaves) {
    const edits: ((x: unknown) => unknown)[] =
      leaf.kind === 'bytes'
        ? Array.from({ length: leaf.length }, (_, i) => (x: unknown) => {
            const b = (x as Uint8Array).slice();
            b[i]! ^= 0x01;
            return b;
          })
        : [(x: unknown) => (x as number) + 1, (x: unknown) => (x as number) - 1];
    for (let i = 0; i < edits.length; i++) {
      const copy = clone(value) as Record<string | number, unknown>;
      let parent: Record<string | number, unknown> = copy;
      for (const k of leaf.path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
      const last = leaf.path[leaf.path.length - 1]!;
      parent[last] = edits[i]!(parent[last]);
      yield { where: `${leaf.path.join('.')}[${i}]`, mutated: copy as T };
    }
  }
}
