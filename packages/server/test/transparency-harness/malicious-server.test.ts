/**
 * Issue 6's malicious-server harness: the real server (real SQLite storage, real epochs),
 * a tampering proxy in front of it, the operator's powers (its storage and its log keys),
 * the real auditor code and the real client checks. Each attack is detected as the issue
 * states, and no check has an "accept with a warning" outcome.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { nodeProvider } from '@sealed/crypto/node/provider';
import { signTreeHead } from '@sealed/kt/checkpoint/tree-head';
import { encodeAccountValue } from '@sealed/kt/labels/labels';
import { logEntryLeafHash } from '@sealed/kt/log/log-entry';
import { inclusionProof, treeRoot } from '@sealed/kt/log/merkle-tree';
import { PrefixTree } from '@sealed/kt/prefix/prefix-tree';
import { decodeAuditPage, encodeAuditPage, type AuditEpoch } from '@sealed/protocol/transparency/audit';
import { encodeCheckpointResponse } from '@sealed/protocol/transparency/checkpoint';
import { decodeMonitorResponse, encodeMonitorResponse } from '@sealed/protocol/transparency/monitor';
import { decodeSearchResponse, encodeSearchResponse } from '@sealed/protocol/transparency/search';
import { fromBase64Url, toBase64Url } from '@sealed/protocol/encoding';
import { AuditorHalted } from '@sealed/auditor/auditor';
import { catchUp } from '@sealed/auditor/follower';
import { encodeGossipCheckpoint } from '@sealed/client/transparency/checkpoint-gossip';
import { TransparencyError, type TransparencyErrorCode } from '@sealed/client/transparency/transparency-error';
import { Directory } from '@sealed/client/engine/directory';
import { EngineError } from '@sealed/client/engine/errors';
import { credentialFor } from '@sealed/client/engine/identity';
import { ed25519, newTestDevice, signedDeviceList } from '../support/identity.ts';
import { EPOCH_MS, KtWorld } from './kt-world.ts';
import { tokenOf } from '../support/harness.ts';
import { addOwnDevice, registrationValues } from './owner-values.ts';

const rejected = (c?: TransparencyErrorCode) => (e: unknown) => e instanceof TransparencyError && (c === undefined || e.code === c);

/** All honest epochs, read from the server itself (not through the proxy). */
async function honestEpochs(w: KtWorld, size: number): Promise<AuditEpoch[]> {
  const out: AuditEpoch[] = [];
  while (out.length < size) {
    const res = await fetch(`${w.harness.server.url}/v1/kt/audit?start=${out.length}`);
    out.push(...decodeAuditPage(new Uint8Array(await res.arrayBuffer())).epochs);
  }
  return out.slice(0, size);
}

const leafOf = (e: { timestamp: number; prefixRoot: Uint8Array }) => logEntryLeafHash({ timestamp: e.timestamp, prefixTreeRoot: e.prefixRoot });

test('case 1 and 6: a device list served outside the log is rejected; a ghost device is refused by the credential validator', async () => {
  const w = await KtWorld.start();
  try {
    const alice = await w.register('alice');
    const bob = await w.register('bob');
    await w.settle();
    // The server serves alice's account with a ghost device in her list (GET /v1/accounts/alice).
    const ghost = signedDeviceList('alice', alice.identity, 2, [...alice.devices, newTestDevice()]);
    w.proxy.tampers.push((x, status, body) => {
      if (!x.path.startsWith('/v1/accounts/alice')) return undefined;
      const json = JSON.parse(Buffer.from(body).toString('utf8')) as Record<string, string>;
      return { status, body: Buffer.from(JSON.stringify({ ...json, deviceList: toBase64Url(ghost) })) };
    });
    const served = (await (await fetch(`${w.proxy.baseUrl}/v1/accounts/alice`, { headers: { authorization: `Bearer ${Buffer.from(bob.tokens.values().next().value!).toString('base64url')}` } })).json()) as { deviceList: string };
    const bobClient = w.client(bob);
    await assert.rejects(bobClient.verifyContact('alice', fromBase64Url(served.deviceList)!), rejected('not-in-log'));
    // The list the log holds verifies, and only it is learned with transparency required.
    const verified = await bobClient.verifyContact('alice');
    const directory = new Directory(nodeProvider);
    directory.requireTransparency(bobClient.vouched);
    assert.throws(() => directory.learn('alice', ghost), (e) => e instanceof EngineError && e.code === 'not-in-transparency-log');
    directory.learn('alice', verified.signedDeviceList);
    const ghostDevice = newTestDevice();
    const check = (id: Uint8Array, key: Uint8Array) => directory.validateCredential({ credential: credentialFor('alice', id), signatureKey: key, leafIndex: undefined });
    assert.equal(check(alice.devices[0]!.id, alice.devices[0]!.key.publicKey), true);
    assert.equal(check(ghostDevice.id, ghostDevice.key.publicKey), false, 'a ghost device in a commit or Welcome is refused');
    // The search response itself altered to carry the ghost list: the proofs no longer hold.
    w.proxy.tampers.length = 0;
    w.proxy.tampers.push((x, status, body) => {
      if (x.path !== '/v1/kt/search' || status !== 200) return undefined;
      const r = decodeSearchResponse(body);
      if (r.value.length === 49) return undefined; // the username binding: leave it
      return { status, body: encodeSearchResponse({ ...r, value: encodeAccountValue(ghost) }) };
    });
    await assert.rejects(w.client(bob).verifyContact('alice'), rejected('not-in-log'));
  } finally {
    await w.close();
  }
});

test("case 2: a key swapped by the operator reaches the log as a new version: a contact accepts it (warned when it had verified her), the owner's next monitoring alerts, her own changes never do", async () => {
  const w = await KtWorld.start();
  try {
    const alice = await w.register('alice');
    const bob = await w.register('bob');
    await w.settle();
    const alerts: string[] = [];
    const aliceClient = w.client(alice, { onAlert: (a) => alerts.push(a.message) });
    for (const v of registrationValues(alice)) aliceClient.recordOwnChange(v);
    assert.deepEqual(await aliceClient.monitorOwn(), []);
    // Alice's own change: never an alert.
    await addOwnDevice(w.harness.server.url, alice, (v) => aliceClient.recordOwnChange(v));
    await w.settle();
    assert.deepEqual(await aliceClient.monitorOwn(), []);
    const bobClient = w.client(bob);
    const before = await bobClient.verifyContact('alice');
    // Bob's engine knows alice's logged list and he marked her verified (her key pinned).
    const bobDirectory = new Directory(nodeProvider);
    bobDirectory.requireTransparency(bobClient.vouched);
    bobDirectory.learn('alice', before.signedDeviceList);
    bobDirectory.pin('alice', before.identityKey);

    // The operator swaps alice's identity key and device list in storage: a complete swap,
    // signed by the new key, at the next list version. The real epoch path logs both labels.
    const mallory = ed25519();
    const swapped = signedDeviceList('alice', mallory, alice.listVersion + 1, [newTestDevice()]);
    w.db.prepare('UPDATE accounts SET identity_key = ?, device_list = ?, device_list_version = ? WHERE id = ?').run(Buffer.from(mallory.publicKey), Buffer.from(swapped), alice.listVersion + 1, alice.accountId);
    await w.settle();

    // A contact accepts the new version: it is the latest in the log, consistent in both labels.
    const served = (await (await fetch(`${w.proxy.baseUrl}/v1/accounts/alice`, { headers: { authorization: `Bearer ${Buffer.from(tokenOf(bob)).toString('base64url')}` } })).json()) as { deviceList: string };
    const after = await bobClient.verifyContact('alice', fromBase64Url(served.deviceList)!);
    assert.deepEqual(after.identityKey, mallory.publicKey);
    assert.deepEqual(after.signedDeviceList, swapped);
    assert.equal(after.usernameVersion, before.usernameVersion + 1);
    assert.equal(after.accountVersion, before.accountVersion + 1);
    assert.equal(bobClient.statusOf('alice').state, 'verified');
    // ...and, having verified alice before, gets the "identity key changed" warning: the
    // engine refuses the new key until he compares the new safety number and accepts it.
    assert.throws(() => bobDirectory.learn('alice', after.signedDeviceList), (e) => e instanceof EngineError && e.code === 'identity-changed');
    assert.deepEqual(bobDirectory.changedIdentities.get('alice')?.identityKey, mallory.publicKey);

    // The owner's next monitoring round alerts on both labels, with the time of the change.
    const round = await aliceClient.monitorOwn();
    assert.deepEqual(round.map((a) => a.change).sort(), ['identity-key-changed', 'username-rebound']);
    const account = round.find((a) => a.change === 'identity-key-changed')!;
    assert.match(account.message, /^your account's identity key was replaced at .* UTC; was it you\?$/);
    assert.match(round.find((a) => a.change === 'username-rebound')!.message, /^your username was bound to another identity key at .* UTC; was it you\?$/);
    assert.deepEqual(alerts, round.map((a) => a.message));
  } finally {
    await w.close();
  }
});

test('case 3: an entry inserted then removed: the auditor refuses to countersign (evidence), clients then reject the stale log', async () => {
  const w = await KtWorld.start();
  try {
    const alice = await w.register('alice');
    const bob = await w.register('bob');
    void alice;
    await w.settle();
    const n = w.auditor.size;
    const epochs = await honestEpochs(w, n);
    // Rebuild the prefix tree without one inserted key, and sign the log head it makes.
    const inserts = epochs.flatMap((e) => e.inserts);
    let tree = PrefixTree.empty();
    for (const i of inserts.slice(1)) tree = tree.insert(i.vrfOutput, i.commitment);
    const keys = w.logKeys();
    const forged: AuditEpoch = { position: n, timestamp: epochs[n - 1]!.timestamp + EPOCH_MS, prefixRoot: tree.rootValue(), signature: new Uint8Array(64), inserts: [] };
    const root = treeRoot([...epochs.map(leafOf), leafOf(forged)]);
    const signed = { ...forged, signature: signTreeHead(keys.signingKey, w.config, n + 1, root) };
    w.proxy.tampers.push((x, status) => (x.path === `/v1/kt/audit?start=${n}` ? { status, body: encodeAuditPage({ treeSize: n + 1, epochs: [signed] }) } : undefined));
    await assert.rejects(catchUp(w.auditor, w.feed, () => undefined), (e) => e instanceof AuditorHalted && e.code === 'prefix-root-mismatch');
    assert.equal(readdirSync(w.auditorDir).filter((f) => f.startsWith('evidence-')).length, 1);
    // The operator serves its own head of the forged log to clients directly: signed by the
    // log key, so only the missing countersignature gives it away, and that is enough.
    const forgedLeaves = [...epochs.map(leafOf), leafOf(forged)];
    let lastServed: Uint8Array | undefined;
    w.proxy.tampers.push((x, status, body) => {
      if (x.path !== '/v1/kt/search') return undefined;
      // The client's second search names size n + 1, which the honest server refuses: the
      // operator answers it from the first one.
      if (status === 200) lastServed = body.slice();
      const r = decodeSearchResponse(lastServed!);
      const latest = { timestamp: forged.timestamp, prefixRoot: forged.prefixRoot, inclusion: inclusionProof(forgedLeaves, n, n + 1), consistency: [] };
      return {
        status: 200,
        body: encodeSearchResponse({ ...r, fullTreeHead: { headType: 'updated', treeHead: { treeSize: n + 1, signature: signed.signature }, auditorTreeHeads: [] }, search: { ...r.search, latest } }),
      };
    });
    await assert.rejects(w.client(bob).verifyContact('alice'), rejected('too-few-auditors'));
    w.proxy.tampers.length = 0;
    // Without countersignatures the served checkpoint stops advancing: once it is older than
    // max_behind, clients refuse it (they never fall back to an unaudited head).
    const later = w.client(bob, { clock: () => Date.now() + w.config.maxBehind + 10 * EPOCH_MS });
    await assert.rejects(later.verifyContact('alice'), rejected('stale-checkpoint'));
  } finally {
    await w.close();
  }
});

test('case 4: a forked log: the auditor countersigns one view only; with a colluding auditor, checkpoint exchange catches it', async () => {
  const w = await KtWorld.start();
  try {
    await w.register('alice');
    const bob = await w.register('bob');
    await w.settle();
    const bobClient = w.client(bob);
    await bobClient.verifyContact('alice');
    const n = bobClient.checkpoint!.treeSize;
    const epochs = await honestEpochs(w, n);
    const keys = w.logKeys();
    // View B: same history but a different last entry, signed with the log key.
    const fake = { timestamp: epochs[n - 1]!.timestamp, prefixRoot: new Uint8Array(32).fill(0x5a) };
    const leaves = [...epochs.slice(0, n - 1).map(leafOf), leafOf(fake)];
    const forkRoot = treeRoot(leaves);
    const forkSig = signTreeHead(keys.signingKey, w.config, n, forkRoot);
    // Gossip (the auditor colluded, so view B looks countersigned to whoever is shown it):
    const outcome = await bobClient.checkGossip(encodeGossipCheckpoint({ treeSize: n, timestamp: fake.timestamp, root: forkRoot, signature: forkSig }));
    assert.equal(outcome.kind, 'fork');
    assert.equal(bobClient.forks.length, 1);
    // A larger checkpoint of view B cannot be joined to bob's by any consistency proof the server has.
    const fake2 = { timestamp: fake.timestamp + EPOCH_MS, prefixRoot: new Uint8Array(32).fill(0x5b) };
    const leaves2 = [...leaves, leafOf(fake2)];
    const big = { treeSize: n + 1, timestamp: fake2.timestamp, root: treeRoot(leaves2), signature: signTreeHead(keys.signingKey, w.config, n + 1, treeRoot(leaves2)) };
    await w.settle();
    const outcome2 = await bobClient.checkGossip(encodeGossipCheckpoint(big));
    assert.equal(outcome2.kind, 'fork');
    // The honest auditor: shown view B as the clients' checkpoint for a size it countersigned, it halts with both heads.
    w.proxy.tampers.push((x, status) =>
      x.path.startsWith('/v1/kt/checkpoint')
        ? { status, body: encodeCheckpointResponse({ fullTreeHead: { headType: 'updated', treeHead: { treeSize: n, signature: forkSig }, auditorTreeHeads: [] }, latest: { ...fake, inclusion: inclusionProof(leaves, n - 1, n), consistency: [] } }) }
        : undefined,
    );
    await assert.rejects(catchUp(w.auditor, w.feed, () => undefined), (e) => e instanceof AuditorHalted && e.code === 'conflicting-head');
  } finally {
    await w.close();
  }
});

test('case 5 and 7: a monitor response with a version skipped fails the owner check; a rolled-back or stale view is rejected', async () => {
  const w = await KtWorld.start();
  try {
    const alice = await w.register('alice');
    const bob = await w.register('bob');
    await w.settle();
    // Capture an early search answer (the view a rolling-back server would replay).
    const captured: Uint8Array[] = [];
    w.proxy.tampers.push((x, _s, body) => {
      if (x.path === '/v1/kt/search') captured.push(body.slice());
      return undefined;
    });
    const bobClient = w.client(bob);
    await bobClient.verifyContact('alice');
    const aliceClient = w.client(alice);
    for (const v of registrationValues(alice)) aliceClient.recordOwnChange(v);
    // One change per epoch (two changes within one epoch are logged as one version).
    await addOwnDevice(w.harness.server.url, alice, (v) => aliceClient.recordOwnChange(v));
    await w.settle();
    await addOwnDevice(w.harness.server.url, alice, (v) => aliceClient.recordOwnChange(v));
    await w.settle();
    // Case 5: the server drops version 1 of alice's account from the monitor response.
    w.proxy.tampers.length = 0;
    w.proxy.tampers.push((x, status, body) => {
      if (x.path !== '/v1/kt/monitor' || status !== 200) return undefined;
      const r = decodeMonitorResponse(body);
      if (r.versions.length < 3) return undefined;
      return { status, body: encodeMonitorResponse({ ...r, versions: [r.versions[0]!, ...r.versions.slice(2)] }) };
    });
    await assert.rejects(aliceClient.monitorOwn(), rejected());
    w.proxy.tampers.length = 0;
    assert.deepEqual(await aliceClient.monitorOwn(), [], 'the honest answer verifies and holds only her own changes');
    // Case 7: bob already saw a larger log; the server replays the old answers (rollback).
    await bobClient.verifyContact('alice');
    let i = 0;
    w.proxy.tampers.push((x, status) => (x.path === '/v1/kt/search' ? { status, body: captured[i++ % captured.length]! } : undefined));
    await assert.rejects(bobClient.verifyContact('alice'), rejected('rolled-back'));
    // Missing heartbeats: the server keeps answering with a view that stopped moving.
    const stale = w.client(bob, { clock: () => Date.now() + w.config.maxBehind + 10 * EPOCH_MS });
    await assert.rejects(stale.verifyContact('alice'), rejected('stale-checkpoint'));
  } finally {
    await w.close();
  }
});

test('case 8: every byte of the real search responses flipped in transit is rejected', async () => {
  const w = await KtWorld.start();
  try {
    await w.register('alice');
    const bob = await w.register('bob');
    await w.settle();
    let flip = -1;
    let total = 0;
    /** Whether this round's responses were long enough to flip byte `flip` (a 'same' head is shorter). */
    let applied = false;
    w.proxy.tampers.push((x, status, body) => {
      if (x.path !== '/v1/kt/search' || flip < 0) return undefined;
      total = Math.max(total, body.length);
      if (flip >= body.length) return undefined;
      applied = true;
      const copy = body.slice();
      copy[flip]! ^= 0x01;
      return { status, body: copy };
    });
    await w.client(bob).verifyContact('alice');
    flip = 0;
    await w.client(bob).verifyContact('alice').catch(() => undefined);
    let checked = 0;
    for (flip = 0; flip < total; flip++) {
      applied = false;
      const outcome = await w.client(bob).verifyContact('alice').then(() => 'accepted', (e: unknown) => e);
      if (!applied) continue; // both responses were shorter this round (the log moved on between the two searches)
      assert.ok(rejected()(outcome), `byte ${flip} of ${total}: ${String(outcome)}`);
      checked++;
    }
    // Offsets past a shorter response in a given round are not flipped there; every byte of
    // the prover's responses is flipped in client/test/transparency/contact-verify.test.ts.
    assert.ok(checked > total / 2, `${checked} of ${total} offsets flipped`);
    assert.ok(total > 150, `${total} octets`);
  } finally {
    await w.close();
  }
});
