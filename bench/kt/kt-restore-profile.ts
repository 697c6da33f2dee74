/**
 * The relay's key-transparency start-up rebuild (TransparencyService.restore: epochs read
 * from SQLite 256 at a time, each replayed with KtProver.restoreEpoch, its stored prefix
 * root recomputed and compared) on a synthetic store, CPU time, in two ways:
 *
 * - `batch`: the code as it is (each epoch's inserts placed in one walk, PrefixTree.insertAll);
 * - `single`: the earlier replay, one PrefixTree.insert per stored version (insertAll
 *   replaced by that loop in this process only), for the before/after figure.
 *
 * Store shapes (every account has an account label and a username label, version 0 each,
 * as a registration gives; random search keys, commitments, VRF proofs, openings and
 * values of the real sizes, which the rebuild does not check beyond the prefix roots):
 * - `full`: epochs of 65,536 inserts (32,768 accounts each), as when transparency is turned
 *   on for an existing directory (KT_MAX_INSERTS_PER_EPOCH);
 * - `trickle`: the accounts spread evenly over KT_RESTORE_EPOCHS epochs (default one year
 *   of 60 s epochs), as when they register over time.
 * KT_RESTORE_HEARTBEATS adds that many empty epochs after them (a year: 525600).
 *
 *   KT_RESTORE_ACCOUNTS=100000 KT_RESTORE_SHAPE=full KT_RESTORE_MODE=batch \
 *     node --max-old-space-size=8000 --import tsx bench/kt/kt-restore-profile.ts
 *
 * The store is written once to $TMPDIR/kt-restore-<accounts>-<shape>-<epochs>-<heartbeats>.db
 * (its roots computed with insertAll; the `single` replay recomputes and compares each of
 * them, so the two ways cross-check) and reused by later runs. Add --cpu-prof for a profile.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { accountLabel, usernameLabel } from '@sealed/kt/labels/labels';
import { PrefixTree } from '@sealed/kt/prefix/prefix-tree';
import { KtProver, type LabelVersion } from '@sealed/kt/proof/prover';
import { KT_128_SHA256_ED25519, type Configuration } from '@sealed/kt/checkpoint/configuration';
import { treeHeadPublicKey } from '@sealed/kt/checkpoint/tree-head';
import { vrfPublicKey } from '@sealed/kt/vrf/ecvrf';
import { SqliteKtStore } from '../../packages/server/src/transparency/sqlite-kt-store.ts';
import { EPOCH_MS, START, YEAR_OF_EPOCHS } from './synthetic-directory.ts';

const accounts = Number(process.env['KT_RESTORE_ACCOUNTS'] ?? 100_000);
const shape = process.env['KT_RESTORE_SHAPE'] ?? 'full';
const mode = process.env['KT_RESTORE_MODE'] ?? 'batch';
const epochs = shape === 'full' ? Math.ceil(accounts / 32_768) : Number(process.env['KT_RESTORE_EPOCHS'] ?? YEAR_OF_EPOCHS);
const heartbeats = Number(process.env['KT_RESTORE_HEARTBEATS'] ?? 0);
/** As kt-service.ts reads them. */
const RESTORE_BATCH = 256;

const signingKey = new Uint8Array(32).fill(7);
const vrfSecretKey = new Uint8Array(32).fill(9);
const config: Configuration = {
  ciphersuite: KT_128_SHA256_ED25519,
  mode: { kind: 'contactMonitoring' },
  signaturePublicKey: treeHeadPublicKey(signingKey),
  vrfPublicKey: vrfPublicKey(vrfSecretKey),
  maxAhead: 5 * EPOCH_MS,
  maxBehind: 10 * EPOCH_MS,
  reasonableMonitoringWindow: 7 * 24 * 3600_000,
};
const rnd = (n: number) => new Uint8Array(randomBytes(n));

function writeStore(path: string): void {
  const db = new Database(path + '.part');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const store = new SqliteKtStore(db);
  let tree = PrefixTree.empty();
  let next = 0;
  const total = epochs + heartbeats;
  for (let position = 0; position < total; position++) {
    const upTo = position < epochs ? Math.round(((position + 1) * accounts) / epochs) : next;
    const versions: LabelVersion[] = [];
    for (; next < upTo; next++) {
      for (const [label, valueLen] of [[accountLabel(rnd(16)), 250], [usernameLabel(`user${next}`), 49]] as const) {
        versions.push({ label, version: 0, vrfProof: rnd(80), vrfOutput: rnd(32), opening: rnd(16), value: rnd(valueLen), commitment: rnd(32), position });
      }
    }
    tree = tree.insertAll(versions.map((v) => ({ key: v.vrfOutput, commitment: v.commitment })), position);
    void store.saveEpoch({ position, timestamp: START + position * EPOCH_MS, prefixRoot: tree.rootValue(), signature: rnd(64), versions }, []);
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  renameSync(path + '.part', path);
}

const path = join(tmpdir(), `kt-restore-${accounts}-${shape}-${epochs}-${heartbeats}.db`);
if (!existsSync(path)) {
  rmSync(path + '.part', { force: true });
  const t = process.cpuUsage();
  writeStore(path);
  const d = process.cpuUsage(t);
  console.log(`store written: ${path} (${((d.user + d.system) / 1e6).toFixed(1)} s CPU)`);
}

if (mode === 'single') {
  // The replay before insertAll: one insert, one root-to-leaf path, per stored version.
  PrefixTree.prototype.insertAll = function (this: PrefixTree, entries, position = 0) {
    return entries.reduce((t: PrefixTree, { key, commitment }) => t.insert(key, commitment, position), this);
  };
} else if (mode !== 'batch') throw new Error(`KT_RESTORE_MODE must be batch or single, got ${mode}`);

const db = new Database(path, { readonly: true });
const store = new SqliteKtStore(db);
const prover = new KtProver({ config, signingKey, vrfSecretKey });
let loadUs = 0;
let replayUs = 0;
const wall = performance.now();
const load0 = loadavg()[0]!;
for (;;) {
  const t0 = process.cpuUsage();
  const batch = await store.loadEpochs(prover.size, RESTORE_BATCH);
  const t1 = process.cpuUsage();
  for (const record of batch) prover.restoreEpoch(record);
  const t2 = process.cpuUsage(t1);
  const l = process.cpuUsage(t0);
  loadUs += l.user + l.system - (t2.user + t2.system);
  replayUs += t2.user + t2.system;
  if (batch.length < RESTORE_BATCH) break;
}
const wallMs = performance.now() - wall;
console.log(
  JSON.stringify({
    accounts,
    shape,
    epochs: prover.size,
    keys: prover.keyCount,
    mode,
    cpuSeconds: { total: +((loadUs + replayUs) / 1e6).toFixed(1), load: +(loadUs / 1e6).toFixed(1), replay: +(replayUs / 1e6).toFixed(1) },
    wallSeconds: +(wallMs / 1000).toFixed(1),
    heapMiB: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
    load: [load0, loadavg()[0]].map((x) => +x!.toFixed(1)),
  }),
);
