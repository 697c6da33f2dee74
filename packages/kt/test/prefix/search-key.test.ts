import { test } from 'node:test';
import assert from 'node:assert/strict';
import { proveSearchKey, verifySearchKey } from '../../src/prefix/search-key.ts';
import { encodeVrfInput } from '../../src/prefix/commitment.ts';
import { vrfProofToHash, vrfPublicKey } from '../../src/vrf/ecvrf.ts';
import { VrfError } from '../../src/vrf/vrf-error.ts';
import { PrefixTree } from '../../src/prefix/prefix-tree.ts';
import { verifyPrefixSearch } from '../../src/prefix/prefix-proof.ts';

const sk = new Uint8Array(32).fill(7);
const pk = vrfPublicKey(sk);
const label = new TextEncoder().encode('account:alice');

test('search key = first 32 octets of the VRF output over VrfInput; the client checks the proof', () => {
  const { key, proof } = proveSearchKey(sk, label, 3);
  assert.equal(key.length, 32);
  assert.deepEqual(key, vrfProofToHash(proof).slice(0, 32));
  assert.deepEqual(verifySearchKey(pk, label, 3, proof), key);
  assert.throws(() => verifySearchKey(pk, label, 4, proof), (e) => e instanceof VrfError && e.code === 'proof-mismatch');
  assert.throws(() => verifySearchKey(pk, new TextEncoder().encode('account:alicf'), 3, proof), (e) => e instanceof VrfError);
  assert.notDeepEqual(proveSearchKey(sk, label, 4).key, key);
  assert.equal(encodeVrfInput(label, 3).length, 1 + label.length + 4);
});

test('end to end: VRF key, commitment leaf, prefix-tree search proof', () => {
  const versions = [0, 1, 2].map((v) => proveSearchKey(sk, label, v));
  let tree = PrefixTree.empty();
  for (const [i, v] of versions.entries()) tree = tree.insert(v.key, new Uint8Array(32).fill(i + 1));
  const key = verifySearchKey(pk, label, 1, (versions[1] ?? assert.fail()).proof);
  const result = verifyPrefixSearch(tree.rootValue(), key, tree.search(key));
  assert.deepEqual(result, { included: true, commitment: new Uint8Array(32).fill(2) });
  const absentKey = proveSearchKey(sk, label, 3).key;
  assert.equal(verifyPrefixSearch(tree.rootValue(), absentKey, tree.search(absentKey)).included, false);
});
