// RFC 9420 §9 secret tree and §6.3.2 sender-data keys against the official
// `secret-tree.json` vectors, plus the deletion schedule and the bounds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hex, loadVectors, toHex } from '../../../../tools/testvectors.ts';
import { cipherSuite } from '../../src/crypto/cipher-suite.ts';
import { senderDataKeyAndNonce } from '../../src/protection/sender-data-key.ts';
import { SecretTreeError } from '../../src/secret-tree/errors.ts';
import { MAX_GENERATION_GAP, MAX_RETAINED_KEYS } from '../../src/secret-tree/limits.ts';
import { SecretTree } from '../../src/secret-tree/secret-tree.ts';
import { PROVIDERS } from './providers.ts';

interface SecretTreeVector {
  cipher_suite: number;
  sender_data: { sender_data_secret: string; ciphertext: string; key: string; nonce: string };
  encryption_secret: string;
  leaves: { generation: number; handshake_key: string; handshake_nonce: string; application_key: string; application_nonce: string }[][];
}

const vectors = loadVectors<SecretTreeVector[]>('mls/secret-tree.json');

for (const provider of PROVIDERS) {
  test(`secret-tree.json (${provider.name}): ${vectors.length} cases`, () => {
    const suites = new Set<number>();
    let checked = 0;
    for (const v of vectors) {
      const suite = cipherSuite(v.cipher_suite, provider);
      suites.add(suite.id);
      const sd = senderDataKeyAndNonce(suite, hex(v.sender_data.sender_data_secret), hex(v.sender_data.ciphertext));
      assert.equal(toHex(sd.key), v.sender_data.key);
      assert.equal(toHex(sd.nonce), v.sender_data.nonce);

      const tree = new SecretTree(suite, hex(v.encryption_secret), v.leaves.length);
      v.leaves.forEach((generations, leaf) => {
        for (const g of generations) {
          const handshake = tree.prepareReceive(leaf, 'handshake', g.generation);
          handshake.commit();
          const application = tree.prepareReceive(leaf, 'application', g.generation);
          application.commit();
          const where = `suite ${v.cipher_suite} leaves ${v.leaves.length} leaf ${leaf} generation ${g.generation}`;
          assert.equal(toHex(handshake.key), g.handshake_key, where);
          assert.equal(toHex(handshake.nonce), g.handshake_nonce, where);
          assert.equal(toHex(application.key), g.application_key, where);
          assert.equal(toHex(application.nonce), g.application_nonce, where);
          checked++;
        }
      });
      // Every leaf was initialised, so the deletion schedule has consumed every node secret.
      assert.equal(tree.nodeSecretCount, 0);
    }
    assert.deepEqual([...suites].sort(), [1, 2, 3, 4, 5, 6, 7]);
    assert.ok(checked > 0);
    console.log(`secret-tree (${provider.name}): ${vectors.length} cases, ${checked} leaf generations`);
  });
}

const provider = PROVIDERS[0]!;
const suite = cipherSuite(1, provider);
const secret = new Uint8Array(32).fill(7);
const code = (c: string) => (e: unknown) => e instanceof SecretTreeError && e.code === c;

test('secret tree: a consumed generation cannot be used again (replay)', () => {
  const tree = new SecretTree(suite, secret, 4);
  tree.prepareReceive(2, 'application', 0).commit();
  assert.throws(() => tree.prepareReceive(2, 'application', 0), code('generation-consumed'));
  // The other ratchet of the same leaf is independent.
  tree.prepareReceive(2, 'handshake', 0).commit();
});

test('secret tree: out-of-order generations are retained once, then deleted', () => {
  const tree = new SecretTree(suite, secret, 4);
  const five = tree.prepareReceive(1, 'application', 5);
  five.commit();
  assert.equal(tree.retainedCount(1, 'application'), 5);
  assert.equal(tree.nextGeneration(1, 'application'), 6);
  const three = tree.prepareReceive(1, 'application', 3);
  // Uncommitted: the key is still there.
  assert.equal(tree.retainedCount(1, 'application'), 5);
  three.commit();
  assert.equal(tree.retainedCount(1, 'application'), 4);
  assert.throws(() => tree.prepareReceive(1, 'application', 3), code('generation-consumed'));
  // The same key as an in-order walk of a fresh tree.
  const fresh = new SecretTree(suite, secret, 4);
  for (let g = 0; g < 3; g++) fresh.prepareReceive(1, 'application', g).commit();
  assert.deepEqual(fresh.prepareReceive(1, 'application', 3).key, three.key);
});

test('secret tree: generation gap is bounded before any derivation', () => {
  const tree = new SecretTree(suite, secret, 2);
  assert.throws(() => tree.prepareReceive(0, 'application', MAX_GENERATION_GAP + 1), code('generation-too-far'));
  assert.throws(() => tree.prepareReceive(0, 'application', 0xffff_ffff), code('generation-too-far'));
  assert.equal(tree.nextGeneration(0, 'application'), 0);
  tree.prepareReceive(0, 'application', MAX_GENERATION_GAP).commit();
  // Only the newest MAX_RETAINED_KEYS skipped keys are kept.
  assert.equal(tree.retainedCount(0, 'application'), MAX_RETAINED_KEYS);
  assert.throws(() => tree.prepareReceive(0, 'application', 0), code('generation-consumed'));
  tree.prepareReceive(0, 'application', MAX_GENERATION_GAP - 1).commit();
});

test('secret tree: an uncommitted key changes nothing; a stale one is refused', () => {
  const tree = new SecretTree(suite, secret, 8);
  const before = tree.nodeSecretCount;
  const a = tree.prepareReceive(5, 'handshake', 2);
  assert.equal(tree.nodeSecretCount, before);
  assert.equal(tree.nextGeneration(5, 'handshake'), 0);
  const b = tree.prepareReceive(5, 'handshake', 2);
  a.commit();
  assert.throws(() => b.commit(), code('stale-state'));
  assert.equal(tree.nextGeneration(5, 'handshake'), 3);
});

test('secret tree: deletion schedule consumes node secrets along the path', () => {
  const tree = new SecretTree(suite, secret, 8);
  assert.equal(tree.nodeSecretCount, 1);
  tree.prepareSend(0, 'application').commit();
  // Root, 3 and 1 and leaf 0 consumed; siblings 11, 5, 2 held.
  assert.equal(tree.nodeSecretCount, 3);
  tree.prepareSend(1, 'application').commit();
  assert.equal(tree.nodeSecretCount, 2);
});

test('secret tree: sending walks generations in order', () => {
  const tree = new SecretTree(suite, secret, 2);
  const first = tree.prepareSend(1, 'application');
  first.commit();
  const second = tree.prepareSend(1, 'application');
  second.commit();
  assert.equal(first.generation, 0);
  assert.equal(second.generation, 1);
  assert.notDeepEqual(first.key, second.key);
});

test('secret tree: bad leaf and leaf counts are typed errors', () => {
  assert.throws(() => new SecretTree(suite, secret, 3), code('invalid-leaf-count'));
  assert.throws(() => new SecretTree(suite, secret, 0), code('invalid-leaf-count'));
  const tree = new SecretTree(suite, secret, 4);
  assert.throws(() => tree.prepareReceive(4, 'application', 0), code('invalid-leaf'));
  assert.throws(() => tree.prepareReceive(-1, 'application', 0), code('invalid-leaf'));
  assert.throws(() => tree.prepareSend(1.5, 'application'), code('invalid-leaf'));
});

test('secret tree: secrets never reach JSON, toString or console output', async () => {
  const { inspect } = await import('node:util');
  const marker = new Uint8Array(32).fill(0xab);
  const tree = new SecretTree(suite, marker, 4);
  const key = tree.prepareReceive(1, 'application', 3);
  key.commit();
  const hexOf = (b: Uint8Array) => Buffer.from(b).toString('hex');
  for (const text of [JSON.stringify(tree), String(tree), inspect(tree, { depth: 10, showHidden: true })]) {
    assert.ok(!text.includes(hexOf(marker)) && !text.includes('171, 171'), text);
    assert.ok(!text.includes(hexOf(key.key)), text);
    assert.ok(!/\b\d{1,3}, \d{1,3}, \d{1,3}, \d{1,3}\b/.test(text), `no byte lists: ${text}`);
  }
});
