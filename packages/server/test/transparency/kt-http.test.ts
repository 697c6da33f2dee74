// The /v1/kt/* endpoints on a real server (SQLite): epochs from registrations and device-list
// changes, search and monitor proofs verified with @sealed/kt, auditor countersignatures,
// persistence across a restart, malformed input, and every byte of a served proof flipped.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { signAuditorTreeHead, treeHeadPublicKey } from '@sealed/kt/checkpoint/tree-head';
import { accountLabel, decodeAccountValue, decodeUsernameValue, usernameLabel } from '@sealed/kt/labels/labels';
import { logEntryLeafHash } from '@sealed/kt/log/log-entry';
import { MerkleLog } from '@sealed/kt/log/merkle-log';
import { PrefixTree } from '@sealed/kt/prefix/prefix-tree';
import type { VerifiedCheckpoint, VerifyPolicy } from '@sealed/kt/verify/checkpoint-verify';
import { verifyCheckpoint } from '@sealed/kt/verify/checkpoint-verify';
import { verifyMonitor } from '@sealed/kt/verify/monitor-verify';
import { verifyFixedVersionSearch, verifySearch } from '@sealed/kt/verify/search-verify';
import { toBase64Url, toHex, fromHex } from '@sealed/protocol/encoding';
import { decodeSignedDeviceList } from '@sealed/protocol/device-list';
import { decodeAuditPage, encodeAuditorTreeHead } from '@sealed/protocol/transparency/audit';
import { decodeCheckpointResponse, decodeConsistencyResponse } from '@sealed/protocol/transparency/checkpoint';
import { decodeConfigurationWire } from '@sealed/protocol/transparency/configuration';
import { decodeMonitorResponse, encodeMonitorRequest } from '@sealed/protocol/transparency/monitor';
import { decodeSearchResponse, encodeSearchRequest } from '@sealed/protocol/transparency/search';
import { http, register, startHarness, tokenOf, type Harness, type TestUser } from '../support/harness.ts';
import { newTestDevice, signedDeviceList } from '../support/identity.ts';

const auditorSecret = new Uint8Array(createHash('sha256').update('test auditor').digest());
const auditorKey = treeHeadPublicKey(auditorSecret);

async function get(base: string, path: string): Promise<{ status: number; bytes: Uint8Array; json?: unknown }> {
  const res = await fetch(base + path);
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { status: res.status, bytes, ...(res.headers.get('content-type')?.includes('json') ? { json: JSON.parse(new TextDecoder().decode(bytes)) as unknown } : {}) };
}

async function post(base: string, path: string, body: Uint8Array, token?: Uint8Array, type = 'application/octet-stream') {
  const headers: Record<string, string> = { 'content-type': type };
  if (token !== undefined) headers['authorization'] = `Bearer ${toBase64Url(token)}`;
  const res = await fetch(base + path, { method: 'POST', headers, body: Buffer.from(body) });
  const bytes = new Uint8Array(await res.arrayBuffer());
  const json = res.headers.get('content-type')?.includes('json') ? (JSON.parse(new TextDecoder().decode(bytes)) as { error?: { code: string } }) : undefined;
  return { status: res.status, bytes, code: json?.error?.code };
}

async function policyOf(base: string, required: number): Promise<VerifyPolicy> {
  const config = decodeConfigurationWire((await get(base, '/v1/kt/config')).bytes);
  return { config, requiredAuditors: required, now: Date.now() };
}

function accountLabelOf(user: TestUser): Uint8Array {
  return accountLabel(fromHex(user.accountId)!);
}

describe('key transparency over HTTP, no auditors', () => {
  let h: Harness;
  let alice: TestUser;
  let bob: TestUser;
  before(async () => {
    h = await startHarness(['--kt-epoch-ms', '3600000']);
    alice = await register(h.server.url, 'alice');
    bob = await register(h.server.url, 'bob');
    await h.server.transparency!.ready;
    await h.server.transparency!.tick();
  });
  after(() => h.cleanup());

  it('search shows the account and username as logged, verified end to end', async () => {
    const policy = await policyOf(h.server.url, 0);
    const res = await post(h.server.url, '/v1/kt/search', encodeSearchRequest({ label: accountLabelOf(alice) }), tokenOf(bob));
    assert.equal(res.status, 200);
    const verified = verifySearch(policy, undefined, accountLabelOf(alice), decodeSearchResponse(res.bytes));
    assert.equal(verified.version, 0);
    const list = decodeSignedDeviceList(decodeAccountValue(verified.value));
    assert.equal(list.list.username, 'alice');
    assert.deepEqual(list.list.identityKey, alice.identity.publicKey);
    const name = await post(h.server.url, '/v1/kt/search', encodeSearchRequest({ label: usernameLabel('alice') }), tokenOf(bob));
    const binding = decodeUsernameValue(verifySearch(policy, undefined, usernameLabel('alice'), decodeSearchResponse(name.bytes)).value);
    assert.equal(toHex(binding.accountId), alice.accountId);
  });

  it('a device-list change becomes a new version in the next epoch; the owner sees it when monitoring', async () => {
    const policy = await policyOf(h.server.url, 0);
    const first = verifyMonitor(policy, undefined, accountLabelOf(alice), undefined, decodeMonitorResponse((await post(h.server.url, '/v1/kt/monitor', encodeMonitorRequest({ label: accountLabelOf(alice) }), tokenOf(alice))).bytes));
    assert.equal(first.greatestVersion, 0);
    const second = newTestDevice();
    const put = await http(h.server.url, 'PUT', '/v1/devices', { deviceList: toBase64Url(signedDeviceList('alice', alice.identity, 2, [alice.devices[0]!, second])) }, tokenOf(alice));
    assert.equal(put.status, 200);
    await h.server.transparency!.tick();
    const req = encodeMonitorRequest({ label: accountLabelOf(alice), knownVersion: 0, last: first.checkpoint.treeSize });
    const later = verifyMonitor(policy, first.checkpoint, accountLabelOf(alice), 0, decodeMonitorResponse((await post(h.server.url, '/v1/kt/monitor', req, tokenOf(alice))).bytes));
    assert.equal(later.greatestVersion, 1);
    assert.equal(later.versions.length, 1);
    assert.equal(decodeSignedDeviceList(decodeAccountValue(later.versions[0]!.value)).list.devices.length, 2);
    // A contact can still prove the earlier version (fixed-version search): the list that
    // was current before the change, against the same checkpoint.
    const fixed = await post(h.server.url, '/v1/kt/search', encodeSearchRequest({ label: accountLabelOf(alice), version: 0, last: later.checkpoint.treeSize }), tokenOf(bob));
    assert.equal(fixed.status, 200);
    const earlier = verifyFixedVersionSearch(policy, later.checkpoint, accountLabelOf(alice), 0, decodeSearchResponse(fixed.bytes));
    assert.equal(decodeSignedDeviceList(decodeAccountValue(earlier.value)).list.devices.length, 1);
    assert.equal((await post(h.server.url, '/v1/kt/search', encodeSearchRequest({ label: accountLabelOf(alice), version: 2 }), tokenOf(bob))).code, 'not-found');
    // Consistency between the two checkpoints, as clients exchanging checkpoints ask for it.
    const c = await get(h.server.url, `/v1/kt/consistency?from=${first.checkpoint.treeSize}&to=${later.checkpoint.treeSize}`);
    assert.equal(c.status, 200);
    assert.ok(decodeConsistencyResponse(c.bytes).proof.length > 0);
  });

  it('monitoring someone else\'s labels is forbidden; unknown labels are not found', async () => {
    const mon = await post(h.server.url, '/v1/kt/monitor', encodeMonitorRequest({ label: accountLabelOf(bob) }), tokenOf(alice));
    assert.equal(mon.code, 'forbidden');
    const name = await post(h.server.url, '/v1/kt/monitor', encodeMonitorRequest({ label: usernameLabel('bob') }), tokenOf(alice));
    assert.equal(name.code, 'forbidden');
    assert.equal((await post(h.server.url, '/v1/kt/monitor', encodeMonitorRequest({ label: usernameLabel('alice') }), tokenOf(alice))).status, 200);
    const none = await post(h.server.url, '/v1/kt/search', encodeSearchRequest({ label: usernameLabel('nobody') }), tokenOf(alice));
    assert.equal(none.code, 'not-found');
    // A username not logged yet (registered since the last epoch, or never): not found, not
    // forbidden, so a new account's first monitoring round waits for its epoch.
    assert.equal((await post(h.server.url, '/v1/kt/monitor', encodeMonitorRequest({ label: usernameLabel('nobody') }), tokenOf(alice))).code, 'not-found');
  });

  it('malformed requests get typed errors and change nothing', async () => {
    const before = h.server.transparency!.status();
    const good = encodeSearchRequest({ label: accountLabelOf(alice) });
    assert.equal((await post(h.server.url, '/v1/kt/search', good)).code, 'unauthorized');
    assert.equal((await post(h.server.url, '/v1/kt/search', new Uint8Array([...good, 0]), tokenOf(bob))).code, 'bad-request');
    assert.equal((await post(h.server.url, '/v1/kt/search', good.subarray(0, 3), tokenOf(bob))).code, 'bad-request');
    assert.equal((await post(h.server.url, '/v1/kt/search', good, tokenOf(bob), 'application/json')).code, 'bad-request');
    assert.equal((await post(h.server.url, '/v1/kt/search', new Uint8Array(4096), tokenOf(bob))).code, 'too-large');
    // A version the served tree does not have: not found.
    assert.equal((await post(h.server.url, '/v1/kt/search', encodeSearchRequest({ label: accountLabelOf(alice), version: 4_000_000_000 }), tokenOf(bob))).code, 'not-found');
    assert.equal((await post(h.server.url, '/v1/kt/search', encodeSearchRequest({ label: accountLabelOf(alice), last: 999 }), tokenOf(bob))).code, 'bad-request');
    for (const path of ['/v1/kt/checkpoint?last=01', '/v1/kt/checkpoint?last=-1', '/v1/kt/checkpoint?x=1', '/v1/kt/checkpoint?last=1&last=2', '/v1/kt/consistency?from=2&to=1', '/v1/kt/consistency?from=1', '/v1/kt/audit', '/v1/kt/audit?start=abc', '/v1/kt/config?x=1']) {
      const r = await get(h.server.url, path);
      assert.equal(r.status, 400, path);
    }
    assert.equal((await get(h.server.url, '/v1/kt/audit?start=99')).status, 404);
    // A follower that is caught up polls at the current size: an empty page.
    const size = decodeAuditPage((await get(h.server.url, '/v1/kt/audit?start=0')).bytes).treeSize;
    const caughtUp = await get(h.server.url, `/v1/kt/audit?start=${size}`);
    assert.equal(caughtUp.status, 200);
    assert.deepEqual(decodeAuditPage(caughtUp.bytes).epochs, []);
    assert.equal((await post(h.server.url, '/v1/kt/countersignatures', new Uint8Array(10))).code, 'bad-request');
    assert.deepEqual(h.server.transparency!.status(), before);
  });

  it('every byte of a served checkpoint and search response flipped is rejected by decoder or verifier', async () => {
    const policy = await policyOf(h.server.url, 0);
    const cp = (await get(h.server.url, '/v1/kt/checkpoint')).bytes;
    const search = (await post(h.server.url, '/v1/kt/search', encodeSearchRequest({ label: usernameLabel('bob') }), tokenOf(alice))).bytes;
    const checkCp = (b: Uint8Array) => {
      const r = decodeCheckpointResponse(b);
      verifyCheckpoint(policy, undefined, r.fullTreeHead, r.latest);
    };
    const checkSearch = (b: Uint8Array) => verifySearch(policy, undefined, usernameLabel('bob'), decodeSearchResponse(b));
    checkCp(cp);
    checkSearch(search);
    for (const [bytes, check] of [[cp, checkCp], [search, checkSearch]] as const) {
      for (let i = 0; i < bytes.length; i++) {
        const copy = bytes.slice();
        copy[i]! ^= 0x01;
        assert.throws(() => check(copy), Error, `byte ${i}`);
      }
    }
  });
});

describe('key transparency over HTTP with an auditor', () => {
  let h: Harness;
  let alice: TestUser;
  let dir: string;
  before(async () => {
    h = await startHarness(['--kt-epoch-ms', '3600000', '--kt-auditors', toHex(auditorKey)]);
    dir = h.dir;
    alice = await register(h.server.url, 'carol');
    await h.server.transparency!.ready;
    await h.server.transparency!.tick();
    await h.server.transparency!.tick(); // a heartbeat epoch
  });
  after(async () => {
    await h.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves nothing until the auditor countersigns, then only countersigned checkpoints', async () => {
    assert.equal((await get(h.server.url, '/v1/kt/checkpoint')).status, 503);
    // The auditor's work, with the kt core: rebuild both trees from the feed.
    const page = decodeAuditPage((await get(h.server.url, '/v1/kt/audit?start=0')).bytes);
    assert.equal(page.epochs.length, 2);
    assert.equal(page.epochs[1]!.inserts.length, 0);
    let tree = PrefixTree.empty();
    const log = new MerkleLog();
    for (const e of page.epochs) {
      for (const i of e.inserts) tree = tree.insert(i.vrfOutput, i.commitment, e.position);
      assert.deepEqual(tree.rootValue(), e.prefixRoot);
      log.append(logEntryLeafHash({ timestamp: e.timestamp, prefixTreeRoot: e.prefixRoot }));
    }
    const policy = await policyOf(h.server.url, 1);
    const last = page.epochs[1]!;
    const sign = (size: number, ts: number, root: Uint8Array) => ({ auditorPublicKey: auditorKey, timestamp: ts, treeSize: size, signature: signAuditorTreeHead(auditorSecret, policy.config, ts, size, root) });
    // A wrong signature and an unknown auditor are refused.
    const bad = sign(2, last.timestamp, log.root());
    const flipped = { ...bad, signature: bad.signature.slice() };
    flipped.signature[0]! ^= 1;
    assert.equal((await post(h.server.url, '/v1/kt/countersignatures', encodeAuditorTreeHead(flipped))).code, 'invalid-signature');
    const stranger = new Uint8Array(32).fill(5);
    const strangerHead = { auditorPublicKey: treeHeadPublicKey(stranger), timestamp: last.timestamp, treeSize: 2, signature: signAuditorTreeHead(stranger, policy.config, last.timestamp, 2, log.root()) };
    assert.equal((await post(h.server.url, '/v1/kt/countersignatures', encodeAuditorTreeHead(strangerHead))).code, 'invalid-signature');
    assert.equal((await post(h.server.url, '/v1/kt/countersignatures', encodeAuditorTreeHead(sign(3, last.timestamp, log.root())))).code, 'not-found');
    assert.equal((await get(h.server.url, '/v1/kt/checkpoint')).status, 503);
    // The real countersignature.
    assert.equal((await post(h.server.url, '/v1/kt/countersignatures', encodeAuditorTreeHead(bad))).status, 204);
    const cp = decodeCheckpointResponse((await get(h.server.url, '/v1/kt/checkpoint')).bytes);
    const verified: VerifiedCheckpoint = verifyCheckpoint(policy, undefined, cp.fullTreeHead, cp.latest);
    assert.equal(verified.treeSize, 2);
    assert.throws(() => verifyCheckpoint({ ...policy, requiredAuditors: 2 }, undefined, cp.fullTreeHead, cp.latest));
    // A new epoch is not served before it is countersigned.
    await h.server.transparency!.tick();
    const again = decodeCheckpointResponse((await get(h.server.url, '/v1/kt/checkpoint')).bytes);
    assert.equal(verifyCheckpoint(policy, undefined, again.fullTreeHead, again.latest).treeSize, 2);
    const search = await post(h.server.url, '/v1/kt/search', encodeSearchRequest({ label: usernameLabel('carol') }), tokenOf(alice));
    assert.equal(verifySearch(policy, undefined, usernameLabel('carol'), decodeSearchResponse(search.bytes)).version, 0);
  });

  it('the log survives a restart and the server answers before the rebuild is done', async () => {
    const size = h.server.transparency!.status().size;
    await h.server.close();
    h = await startHarness(['--kt-epoch-ms', '3600000', '--kt-auditors', toHex(auditorKey)], { dir });
    await h.server.transparency!.ready;
    assert.equal(h.server.transparency!.status().size, size);
    assert.equal(h.server.transparency!.status().served, 2);
    const cp = decodeCheckpointResponse((await get(h.server.url, '/v1/kt/checkpoint')).bytes);
    verifyCheckpoint(await policyOf(h.server.url, 1), undefined, cp.fullTreeHead, cp.latest);
  });
});
