import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { okpPublicKey, okpRawPublicKey, PublicKeyObjectCache } from '../src/node/keys.ts';

const fresh = (): Uint8Array => okpRawPublicKey(generateKeyPairSync('ed25519').publicKey, 32);
const build = (raw: Uint8Array) => okpPublicKey('Ed25519', raw);

test('public key cache: a fresh array with the same bytes hits the cache', () => {
  const cache = new PublicKeyObjectCache(4);
  const raw = fresh();
  let builds = 0;
  const counting = (r: Uint8Array) => (builds++, build(r));
  const a = cache.get('Ed25519', raw, counting);
  const b = cache.get('Ed25519', raw.slice(), counting);
  assert.equal(a, b);
  assert.equal(builds, 1);
  // Another algorithm tag is another entry.
  cache.get('X25519', raw, (r) => okpPublicKey('X25519', r));
  assert.equal(cache.size, 2);
});

test('public key cache: an overwritten array is served the key of its new bytes', () => {
  const cache = new PublicKeyObjectCache(4);
  const raw = fresh();
  const first = cache.get('Ed25519', raw, build);
  raw.set(fresh());
  const second = cache.get('Ed25519', raw, build);
  assert.notEqual(first, second);
  assert.deepEqual(okpRawPublicKey(second, 32), raw);
});

test('public key cache: bounded, least recently used evicted first', () => {
  const cache = new PublicKeyObjectCache(2);
  const [k1, k2, k3] = [fresh(), fresh(), fresh()];
  const o1 = cache.get('Ed25519', k1, build);
  cache.get('Ed25519', k2, build);
  assert.equal(cache.get('Ed25519', k1, build), o1); // k1 now most recent
  cache.get('Ed25519', k3, build); // evicts k2
  assert.equal(cache.size, 2);
  assert.equal(cache.get('Ed25519', k1, build), o1);
  let rebuilt = false;
  cache.get('Ed25519', k2, (r) => ((rebuilt = true), build(r)));
  assert.equal(rebuilt, true);
  assert.equal(cache.size, 2);
});

test('public key cache: a failing import is not cached', () => {
  const cache = new PublicKeyObjectCache(2);
  const bad = new Uint8Array(5);
  assert.throws(() => cache.get('Ed25519', bad, build));
  assert.equal(cache.size, 0);
  assert.throws(() => cache.get('Ed25519', bad, build));
});
