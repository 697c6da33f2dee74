// The X-Wing KEM plugged into ts-mls (./xwing-hpke-kem.ts) against the draft's vectors
// (../shared/testvectors/xwing/test-vectors.json), through the @hpke/core KemInterface that
// ts-mls calls: pk from seed, Encaps with eseed gives ct and ss, Decaps recovers ss. Its
// DeriveKeyPair (written independently) must agree with Sealed's, and a whole HPKE
// single-shot seal by ts-mls's HPKE must open with Sealed's HPKE and back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeProvider } from '@sealed/crypto/node/provider';
import { XWING } from '@sealed/crypto/kem/xwing';
import { hex, loadVectors, toHex } from '../../../../tools/testvectors.ts';
import { cipherSuite } from '../../src/crypto/cipher-suite.ts';
import { decryptWithLabel, encryptWithLabel } from '../../src/crypto/hpke.ts';
import { xwingDeriveSeed, xwingHpkeKem, xwingPublicKeyOf } from './xwing-hpke-kem.ts';
import { SUITE_XWING_DEFAULT, SUITE_XWING_OPENMLS, suiteLabel, tsMlsSuite } from './ts-mls-suites.ts';
import { decryptWithLabel as tsDecryptWithLabel, encryptWithLabel as tsEncryptWithLabel } from 'ts-mls/crypto/hpke.js';

interface XWingVector {
  seed: string;
  sk: string;
  pk: string;
  eseed: string;
  ct: string;
  ss: string;
}

const vectors = loadVectors<XWingVector[]>('xwing/test-vectors.json');

test('X-Wing KEM for ts-mls: xwing/test-vectors.json', async () => {
  assert.ok(vectors.length > 0);
  const kem = xwingHpkeKem();
  for (const v of vectors) {
    assert.equal(toHex(xwingPublicKeyOf(hex(v.seed))), v.pk);
    const pk = await kem.deserializePublicKey(hex(v.pk));
    const { enc, sharedSecret } = await kem.encap({ recipientPublicKey: pk, ekm: hex(v.eseed) });
    assert.equal(toHex(new Uint8Array(enc)), v.ct);
    assert.equal(toHex(new Uint8Array(sharedSecret)), v.ss);
    const sk = await kem.deserializePrivateKey(hex(v.sk));
    assert.equal(toHex(new Uint8Array(await kem.decap({ recipientKey: sk, enc: hex(v.ct) }))), v.ss);
    assert.equal(toHex(new Uint8Array(await kem.serializePublicKey(pk))), v.pk);
  }
  console.log(`xwing/test-vectors.json (X-Wing KEM plugged into ts-mls): ${vectors.length} cases`);
});

test('X-Wing DeriveKeyPair of the ts-mls KEM equals Sealed\'s (draft-ietf-hpke-pq-05 §4)', async () => {
  const kem = xwingHpkeKem();
  for (let i = 0; i < 8; i++) {
    const ikm = nodeProvider.randomBytes(i * 9);
    const ours = XWING.deriveKeyPair(nodeProvider, ikm);
    assert.equal(toHex(xwingDeriveSeed(ikm)), toHex(ours.privateKey));
    const pair = await kem.deriveKeyPair(ikm);
    assert.equal(toHex(new Uint8Array(await kem.serializePublicKey(pair.publicKey))), toHex(ours.publicKey));
  }
});

test('malformed X-Wing keys are refused by the plugged KEM', async () => {
  const kem = xwingHpkeKem();
  await assert.rejects(kem.deserializePublicKey(new Uint8Array(1215)));
  await assert.rejects(kem.deserializePrivateKey(new Uint8Array(33)));
});

for (const id of [SUITE_XWING_DEFAULT, SUITE_XWING_OPENMLS] as const) {
  test(`EncryptWithLabel interop, ts-mls <-> Sealed (suite ${suiteLabel(id)})`, async () => {
    const impl = await tsMlsSuite(id);
    const suite = cipherSuite(id, nodeProvider);
    const keys = XWING.generateKeyPair(nodeProvider);
    const context = new TextEncoder().encode('context');
    const plaintext = new TextEncoder().encode('group secrets');
    const fromTs = await tsEncryptWithLabel(await impl.hpke.importPublicKey(keys.publicKey), 'Welcome', context, plaintext, impl.hpke);
    assert.deepEqual(decryptWithLabel(suite, keys.privateKey, 'Welcome', context, fromTs.enc, fromTs.ct), plaintext);
    const fromSealed = encryptWithLabel(suite, keys.publicKey, 'Welcome', context, plaintext);
    const opened = await tsDecryptWithLabel(await impl.hpke.importPrivateKey(keys.privateKey), 'Welcome', context, fromSealed.kemOutput, fromSealed.ciphertext, impl.hpke);
    assert.deepEqual(opened, plaintext);
  });
}
