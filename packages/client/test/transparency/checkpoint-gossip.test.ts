import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeProvider } from '@sealed/crypto/node/provider';
import { verifyCheckpoint } from '../../src/transparency/checkpoint.ts';
import { compareGossip, decodeGossipCheckpoint, encodeGossipCheckpoint, GOSSIP_CHECKPOINT_BYTES, resolveGossip } from '../../src/transparency/checkpoint-gossip.ts';
import { trustPolicy } from '../../src/transparency/trust-policy.ts';
import { TransparencyError } from '../../src/transparency/transparency-error.ts';
import { TestLog } from './support/test-log.ts';

function verified(log: TestLog, size: number) {
  const c = log.checkpoint({ size });
  return verifyCheckpoint(nodeProvider, trustPolicy(log.config, 3), c.fullTreeHead, c.latest, undefined, log.entries[size - 1]!.timestamp);
}

test('the gossip checkpoint round-trips and is decoded strictly', () => {
  const log = new TestLog().append(5);
  const c = verified(log, 5);
  const bytes = encodeGossipCheckpoint(c);
  assert.equal(bytes.length, GOSSIP_CHECKPOINT_BYTES);
  const back = decodeGossipCheckpoint(bytes);
  assert.deepEqual([back.treeSize, back.timestamp, back.root, back.signature], [c.treeSize, c.timestamp, c.root, c.signature]);
  for (const bad of [bytes.subarray(1), Uint8Array.of(...bytes, 0), Uint8Array.of(2, ...bytes.subarray(1)), Uint8Array.of(1, ...new Uint8Array(8), ...bytes.subarray(9))]) {
    assert.throws(() => decodeGossipCheckpoint(bad), (e) => e instanceof TransparencyError && e.code === 'malformed');
  }
  const huge = bytes.slice();
  huge.fill(0xff, 1, 9);
  assert.throws(() => decodeGossipCheckpoint(huge), TransparencyError);
});

test('same view: equal checkpoints are consistent; a larger one is joined by a consistency proof', () => {
  const log = new TestLog().append(9);
  const policy = trustPolicy(log.config, 0);
  const mine = verified(log, 4);
  assert.deepEqual(compareGossip(policy, mine, encodeGossipCheckpoint(verified(log, 4))), { kind: 'consistent' });
  const out = compareGossip(policy, mine, encodeGossipCheckpoint(verified(log, 9)));
  assert.equal(out.kind, 'need-consistency');
  if (out.kind !== 'need-consistency') return;
  assert.deepEqual([out.from, out.to], [4, 9]);
  assert.deepEqual(resolveGossip(mine, out.theirs, log.consistency(4, 9)), { kind: 'consistent' });
  // The other direction: the peer is behind us.
  const back = compareGossip(policy, verified(log, 9), encodeGossipCheckpoint(mine));
  assert.equal(back.kind, 'need-consistency');
});

test('a forked log caught by checkpoint exchange, even when an auditor colluded: two signed checkpoints as evidence', () => {
  // The server shows Alice one log and Bob another; the colluding auditor countersigned
  // both (our test log signs auditor heads for whatever it is given), so each view passes
  // on its own. Exchanging checkpoints in messages exposes the fork.
  const alice = new TestLog().append(3);
  const bob = new TestLog();
  bob.entries.push(...alice.entries.slice(0, 2));
  bob.time = alice.entries[1]!.timestamp;
  bob.append(4);
  const policy = trustPolicy(alice.config, 3);
  const aliceCp = verified(alice, 3);
  const bobCp = verified(bob, 3);
  const same = compareGossip(policy, aliceCp, encodeGossipCheckpoint(bobCp));
  assert.equal(same.kind, 'fork');
  const bobLater = verified(bob, 6);
  const out = compareGossip(policy, aliceCp, encodeGossipCheckpoint(bobLater));
  assert.equal(out.kind, 'need-consistency');
  if (out.kind !== 'need-consistency') return;
  // Whatever proof the server gives, it cannot join the two views.
  for (const proof of [bob.consistency(3, 6), [] as Uint8Array[], [new Uint8Array(32)]]) {
    const r = resolveGossip(aliceCp, out.theirs, proof);
    assert.equal(r.kind, 'fork');
    if (r.kind === 'fork') {
      assert.equal(r.evidence.first.treeSize, 3);
      assert.equal(r.evidence.second.treeSize, 6);
    }
  }
});

test('a gossiped checkpoint the log did not sign proves nothing and is refused', () => {
  const log = new TestLog().append(3);
  const policy = trustPolicy(log.config, 0);
  const c = verified(log, 3);
  const bytes = encodeGossipCheckpoint(c);
  for (let i = 0; i < bytes.length; i++) {
    if (i >= 9 && i < 17) continue; // the timestamp is informational and not signed (see the format's comment)
    const bad = bytes.slice();
    bad[i]! ^= 0x04;
    assert.throws(() => compareGossip(policy, c, bad), TransparencyError);
  }
});
