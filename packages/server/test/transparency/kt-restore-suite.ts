/**
 * The transparency service's start-up rebuild from each storage back end (run by
 * kt-store-sqlite.test.ts and kt-store.pg.test.ts): more epochs than one storage read
 * (RESTORE_BATCH), real labels and a bulk epoch of random keys; the rebuilt log answers
 * byte for byte as the prover that wrote the epochs, and a stored epoch whose root or
 * inserts were changed stops the rebuild with ProverError `root-mismatch` (kt stays
 * unavailable).
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { KT_128_SHA256_ED25519 } from '@sealed/kt/checkpoint/configuration';
import { treeHeadPublicKey } from '@sealed/kt/checkpoint/tree-head';
import { accountLabel, usernameLabel } from '@sealed/kt/labels/labels';
import { KtProver, type EpochRecord, type LabelVersion } from '@sealed/kt/proof/prover';
import { ProverError } from '@sealed/kt/proof/prover-error';
import { vrfPublicKey } from '@sealed/kt/vrf/ecvrf';
import { encodeCheckpointResponse } from '@sealed/protocol/transparency/checkpoint';
import { encodeSearchRequest, encodeSearchResponse } from '@sealed/protocol/transparency/search';
import { withStorage, type OpenStorage } from '../storage/fixtures.ts';
import { TransparencyService } from '../../src/transparency/kt-service.ts';
import type { KtStore } from '../../src/transparency/kt-store.ts';

const seed = (s: string) => new Uint8Array(createHash('sha256').update(s).digest());
const random = (n: number) => new Uint8Array(randomBytes(n));
const keys = { signingKey: seed('restore log key'), vrfKey: seed('restore vrf key') };
const START = 1_764_000_000_000;
/** Above the service's RESTORE_BATCH (256), so the rebuild reads storage more than once. */
const EPOCHS = 300;
const quiet = { log: () => undefined };

/** Writes EPOCHS epochs through `store` as the server would; returns the prover that made them. */
async function writeLog(store: KtStore, tamper?: (r: EpochRecord) => EpochRecord): Promise<{ prover: KtProver; labels: Uint8Array[] }> {
  await store.loadOrCreateKeys(keys);
  const config = {
    ciphersuite: KT_128_SHA256_ED25519,
    mode: { kind: 'contactMonitoring' as const },
    signaturePublicKey: treeHeadPublicKey(keys.signingKey),
    vrfPublicKey: vrfPublicKey(keys.vrfKey),
    maxAhead: 1,
    maxBehind: 1,
    reasonableMonitoringWindow: 1,
  };
  const prover = new KtProver({ config, signingKey: keys.signingKey, vrfSecretKey: keys.vrfKey });
  const labels = [accountLabel(seed('a').subarray(0, 16)), usernameLabel('restorealice'), accountLabel(seed('b').subarray(0, 16))];
  for (let e = 0; e < EPOCHS; e++) {
    const ts = START + e * 1000;
    let prepared;
    if (e === 5 || e === 270) {
      const versions: LabelVersion[] = Array.from({ length: 300 }, (_, i) => ({
        label: usernameLabel(`bulk${e}x${i}`),
        version: 0,
        vrfProof: random(80),
        vrfOutput: random(32),
        opening: random(16),
        value: random(20),
        commitment: random(32),
        position: e,
      }));
      prepared = prover.prepareFromVersions(ts, versions);
    } else {
      const updates = e % 97 === 1 ? labels.map((label) => ({ label, value: random(30) })) : [];
      prepared = prover.prepareEpoch(ts, updates, random);
    }
    const record = tamper === undefined ? prepared.record : tamper(prepared.record);
    assert.equal(await store.saveEpoch(record, []), true);
    prover.applyEpoch(prepared);
  }
  return { prover, labels };
}

async function open(store: KtStore): Promise<TransparencyService> {
  return TransparencyService.open({ store, now: () => START + EPOCHS * 1000, random, log: quiet }, { epochMs: 3_600_000, auditorKeys: [] });
}

function kt(s: { transparency?: KtStore }): KtStore {
  assert.ok(s.transparency !== undefined, 'storage has transparency tables');
  return s.transparency;
}

export function ktRestoreSuite(name: string, openStorage: OpenStorage): void {
  describe(`kt start-up rebuild: ${name}`, () => {
    it('rebuilds every epoch and answers as the prover that wrote them', withStorage(openStorage, async (s) => {
      const { prover, labels } = await writeLog(kt(s));
      const service = await open(kt(s));
      try {
        await service.ready;
        assert.deepEqual(service.status(), { size: EPOCHS, served: EPOCHS, keys: prover.keyCount });
        assert.deepEqual(await service.checkpoint(undefined), encodeCheckpointResponse(prover.checkpoint(EPOCHS)));
        for (const label of labels) {
          assert.deepEqual(await service.search(encodeSearchRequest({ label })), encodeSearchResponse(prover.search(label, EPOCHS)));
        }
      } finally {
        await service.close();
      }
    }));

    const tampers: [string, (r: EpochRecord) => EpochRecord][] = [
      ['a stored prefix root', (r) => (r.position === 260 ? { ...r, prefixRoot: r.prefixRoot.map((b, i) => (i === 0 ? b ^ 1 : b)) } : r)],
      ['a stored insert', (r) => (r.position === 270 ? { ...r, versions: r.versions.map((v, i) => (i === 7 ? { ...v, commitment: random(32) } : v)) } : r)],
      ['an insert left out', (r) => (r.position === 5 ? { ...r, versions: r.versions.slice(1) } : r)],
    ];
    for (const [what, tamper] of tampers) {
      it(`a changed store (${what}) stops the rebuild with root-mismatch; kt stays unavailable`, withStorage(openStorage, async (s) => {
        await writeLog(kt(s), tamper);
        const service = await open(kt(s));
        try {
          await assert.rejects(service.ready, (e: unknown) => e instanceof ProverError && e.code === 'root-mismatch');
          assert.deepEqual(service.status(), { size: 0, served: 0, keys: 0 });
          await assert.rejects(service.checkpoint(undefined), (e: unknown) => (e as { code?: string }).code === 'unavailable');
        } finally {
          await service.close();
        }
      }));
    }
  });
}
