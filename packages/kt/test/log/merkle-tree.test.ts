import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hex, toHex } from '../../../../tools/testvectors.ts';
import { leafHash, emptyRoot, HASH_LEN } from '../../src/log/merkle-hash.ts';
import { consistencyProof, inclusionProof, treeRoot } from '../../src/log/merkle-tree.ts';
import { verifyConsistency, verifyInclusion } from '../../src/log/merkle-verify.ts';
import { LogError } from '../../src/log/log-error.ts';
import { entry, naiveLeafHash, naiveRoot } from './naive-merkle.ts';

// The eight-leaf tree of the certificate-transparency reference tests (RFC 6962 hashing,
// identical in RFC 9162 §2.1.1), with the published root of every prefix.
const CT_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(hex);
const CT_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

test('RFC 9162 §2.1.1: roots of the 8-leaf reference tree, every prefix (9 cases)', () => {
  const hashes = CT_LEAVES.map(leafHash);
  for (let size = 0; size <= 8; size++) {
    assert.equal(toHex(treeRoot(hashes, size)), CT_ROOTS[size], `size ${size}`);
    assert.equal(toHex(naiveRoot(CT_LEAVES.slice(0, size))), CT_ROOTS[size], `naive size ${size}`);
  }
  assert.equal(toHex(emptyRoot()), CT_ROOTS[0]);
});

test('RFC 9162 §2.1.3.1 / §2.1.4.1: known proofs of the reference tree', () => {
  const hashes = CT_LEAVES.map(leafHash);
  assert.deepEqual(inclusionProof(hashes, 0, 8).map(toHex), [
    '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
    '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
    '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
  ]);
  assert.deepEqual(consistencyProof(hashes, 6, 8).map(toHex), [
    '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
    'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
    'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  ]);
  assert.deepEqual(consistencyProof(hashes, 2, 5).map(toHex), [
    '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
    'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
  ]);
  // A power-of-two first size: the proof omits first_hash (§2.1.4.2 step 2 prepends it).
  assert.equal(consistencyProof(hashes, 4, 8).length, 1);
  assert.deepEqual(consistencyProof(hashes, 4, 8)[0], treeRoot(hashes.slice(4, 8)));
});

test('RFC 9162 §2.1.1: leaf and node prefixes differ (a node is never a leaf)', () => {
  const a = leafHash(Uint8Array.of(1));
  assert.deepEqual(a, naiveLeafHash(Uint8Array.of(1)));
  const two = [leafHash(Uint8Array.of(1)), leafHash(Uint8Array.of(2))];
  const root = treeRoot(two);
  // A one-leaf tree whose entry is left||right must not have the same root.
  assert.notDeepEqual(treeRoot([leafHash(Uint8Array.of(...(two[0] as Uint8Array), ...(two[1] as Uint8Array)))]), root);
});

test('RFC 9162: roots match the naive implementation and every proof verifies, sizes 1..64', () => {
  const entries = Array.from({ length: 64 }, (_, i) => entry(i));
  const hashes = entries.map(leafHash);
  let inclusions = 0;
  let consistencies = 0;
  for (let n = 1; n <= 64; n++) {
    const root = treeRoot(hashes, n);
    assert.deepEqual(root, naiveRoot(entries.slice(0, n)), `root ${n}`);
    for (let i = 0; i < n; i++) {
      verifyInclusion(hashes[i] as Uint8Array, i, n, inclusionProof(hashes, i, n), root);
      inclusions++;
    }
    for (let m = 1; m < n; m++) {
      verifyConsistency(m, n, treeRoot(hashes, m), root, consistencyProof(hashes, m, n));
      consistencies++;
    }
  }
  assert.equal(inclusions, 2080);
  assert.equal(consistencies, 2016);
});

test('proof generation rejects sizes the RFC does not define', () => {
  const hashes = CT_LEAVES.map(leafHash);
  const code = (c: string) => (e: unknown) => e instanceof LogError && e.code === c;
  assert.throws(() => inclusionProof(hashes, 8, 8), code('index-out-of-range'));
  assert.throws(() => inclusionProof(hashes, 0, 0), code('index-out-of-range'));
  assert.throws(() => inclusionProof(hashes, 0, 9), code('invalid-size'));
  assert.throws(() => inclusionProof(hashes, -1, 8), code('invalid-size'));
  assert.throws(() => consistencyProof(hashes, 0, 8), code('invalid-sizes'));
  assert.throws(() => consistencyProof(hashes, 8, 8), code('invalid-sizes'));
  assert.throws(() => consistencyProof(hashes, 5, 4), code('invalid-sizes'));
  assert.throws(() => treeRoot(hashes, 9), code('invalid-size'));
  assert.throws(() => treeRoot(hashes, 1.5), code('invalid-size'));
  assert.equal(HASH_LEN, 32);
});
