/**
 * The key-transparency store conformance suite: run on SQLite (kt-store-sqlite.test.ts)
 * and PostgreSQL (kt-store-pg.test.ts), like test/storage/conformance.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EpochRecord } from '@sealed/kt/proof/prover';
import { createAccount, withStorage, type OpenStorage } from '../storage/fixtures.ts';
import type { KtStore } from '../../src/transparency/kt-store.ts';

const b = (n: number, len = 32): Uint8Array => new Uint8Array(len).fill(n);

function epoch(position: number, versions: number): EpochRecord {
  return {
    position,
    timestamp: 1_700_000_000_000 + position,
    prefixRoot: b(position),
    signature: b(position + 1, 64),
    versions: Array.from({ length: versions }, (_, i) => ({
      label: Uint8Array.of(1, position, i),
      version: 0,
      vrfProof: b(i, 80),
      vrfOutput: b(100 + i),
      opening: b(i, 16),
      value: Uint8Array.of(position, i),
      commitment: b(200 + i),
      position,
    })),
  };
}

function kt(s: { transparency?: KtStore }): KtStore {
  assert.ok(s.transparency !== undefined, 'storage has transparency tables');
  return s.transparency;
}

export function ktStoreConformance(name: string, open: OpenStorage): void {
  describe(`kt store conformance: ${name}`, () => {
    it('keys are created once and then always loaded', withStorage(open, async (s) => {
      const first = await kt(s).loadOrCreateKeys({ signingKey: b(1), vrfKey: b(2) });
      const second = await kt(s).loadOrCreateKeys({ signingKey: b(3), vrfKey: b(4) });
      assert.deepEqual(first, { signingKey: b(1), vrfKey: b(2) });
      assert.deepEqual(second, first);
    }));

    it('epochs round-trip in order with their versions; a position is written once', withStorage(open, async (s) => {
      const store = kt(s);
      assert.equal(await store.saveEpoch(epoch(0, 3), [{ accountId: 'a1', deviceListVersion: 1 }]), true);
      assert.equal(await store.saveEpoch(epoch(1, 0), []), true);
      assert.equal(await store.saveEpoch(epoch(2, 2), [{ accountId: 'a1', deviceListVersion: 2 }, { accountId: 'a2', deviceListVersion: 1 }]), true);
      // A second writer of position 1 loses and writes nothing (not even its account versions).
      assert.equal(await store.saveEpoch({ ...epoch(1, 1), prefixRoot: b(99) }, [{ accountId: 'zz', deviceListVersion: 9 }]), false);
      const loaded = await store.loadEpochs(0, 10);
      assert.deepEqual(loaded, [epoch(0, 3), epoch(1, 0), epoch(2, 2)]);
      assert.deepEqual(await store.loadEpochs(1, 1), [epoch(1, 0)]);
      assert.deepEqual(await store.loadEpochs(3, 10), []);
      assert.deepEqual(await store.loadLoggedVersions(), new Map([['a1', 2], ['a2', 1]]));
      // Audit pages: consecutive, bounded by epochs and by inserts (always at least one epoch).
      const page = await store.auditEpochs(0, 10, 4);
      assert.deepEqual(page.map((e) => [e.position, e.inserts.length]), [[0, 3], [1, 0]]);
      assert.deepEqual(page[0]!.inserts[1], { vrfOutput: b(101), commitment: b(201) });
      assert.deepEqual((await store.auditEpochs(0, 1, 0)).map((e) => e.position), [0]);
      assert.deepEqual((await store.auditEpochs(2, 10, 100)).map((e) => e.position), [2]);
    }));

    it('a version of a label is stored once (the whole epoch fails)', withStorage(open, async (s) => {
      const store = kt(s);
      await store.saveEpoch(epoch(0, 1), []);
      const clash = { ...epoch(1, 1), versions: epoch(0, 1).versions.map((v) => ({ ...v, position: 1 })) };
      await assert.rejects(store.saveEpoch(clash, [{ accountId: 'x', deviceListVersion: 1 }]));
      assert.deepEqual((await store.loadEpochs(0, 10)).map((e) => e.position), [0]);
      assert.deepEqual(await store.loadLoggedVersions(), new Map());
    }));

    it('countersignatures are stored once per auditor and size', withStorage(open, async (s) => {
      const store = kt(s);
      const c = { auditorPublicKey: b(7), timestamp: 5, treeSize: 3, signature: b(8, 64) };
      await store.saveCountersignature(c);
      await store.saveCountersignature({ ...c, signature: b(9, 64) });
      await store.saveCountersignature({ ...c, treeSize: 4 });
      assert.deepEqual(await store.loadCountersignatures(), [c, { ...c, treeSize: 4 }]);
    }));

    it('reads the accounts table for changes', withStorage(open, async (s) => {
      const store = kt(s);
      const { input } = await createAccount(s, 'ktalice');
      const versions = await store.accountVersions();
      assert.equal(versions.get(input.account.id), 1);
      const [snap] = await store.accountSnapshots([input.account.id, 'missing']);
      assert.deepEqual(snap, { accountId: input.account.id, username: 'ktalice', identityKey: input.account.identityKey, deviceListVersion: 1, deviceList: Uint8Array.of(1, 2, 3) });
    }));
  });
}
