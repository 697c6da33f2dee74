// The post-quantum suites Sealed adds beside RFC 9420's: MLS_128_MLKEM768X25519_AES128GCM_SHA256_Ed25519
// (draft-ietf-mls-pq-ciphersuites-06, private-use code point until IANA assigns one) and
// OpenMLS's 0x004D. No official vectors exist, so these are round trips through every
// layer: HPKE EncryptWithLabel, external init, key schedule, Public and PrivateMessage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kemFromId } from '@sealed/crypto/kem/registry';
import {
  CIPHER_SUITES,
  DEFAULT_CIPHER_SUITE,
  KemId,
  MLS_128_MLKEM768X25519_AES128GCM_SHA256_Ed25519,
  MLS_128_XWING_CHACHA20POLY1305_SHA256_Ed25519_OPENMLS,
  cipherSuite,
} from '../../src/crypto/cipher-suite.ts';
import { MlsCryptoError } from '../../src/crypto/errors.ts';
import { decryptWithLabel, encryptWithLabel } from '../../src/crypto/hpke.ts';
import { externalInitReceive, externalInitSend, externalKeyPair } from '../../src/key-schedule/external-key.ts';
import { protectPrivateMessage, unprotectPrivateMessage } from '../../src/protection/private-message.ts';
import { protectPublicMessage, unprotectPublicMessage } from '../../src/protection/public-message.ts';
import { signFramedContent } from '../../src/protection/signing.ts';
import type { FramedContent } from '../../src/structs/framing.ts';
import { PROVIDERS } from '../vectors/providers.ts';
import { twoMemberEpoch } from './fixtures.ts';

test('PQ suite definitions', () => {
  // The draft's code point is a private-use placeholder (0xF000-0xFFFF) until IANA assigns one.
  assert.ok(MLS_128_MLKEM768X25519_AES128GCM_SHA256_Ed25519 >= 0xf000 && MLS_128_MLKEM768X25519_AES128GCM_SHA256_Ed25519 <= 0xffff);
  assert.equal(DEFAULT_CIPHER_SUITE, MLS_128_MLKEM768X25519_AES128GCM_SHA256_Ed25519);
  const draft = CIPHER_SUITES.get(MLS_128_MLKEM768X25519_AES128GCM_SHA256_Ed25519)!;
  assert.deepEqual([draft.kem, draft.hash, draft.aead, draft.signature], [KemId.X_WING, 'SHA-256', 'AES-128-GCM', 'Ed25519']);
  const openmls = CIPHER_SUITES.get(0x004d)!;
  assert.equal(MLS_128_XWING_CHACHA20POLY1305_SHA256_Ed25519_OPENMLS, 0x004d);
  assert.deepEqual([openmls.kem, openmls.hash, openmls.aead, openmls.signature], [0x647a, 'SHA-256', 'ChaCha20-Poly1305', 'Ed25519']);
  const suite = cipherSuite(0x004d, PROVIDERS[0]!);
  assert.deepEqual([suite.Nh, suite.Nk, suite.Nn], [32, 32, 12]);
  for (const unknown of [0, 8, 0x004c, 0xf0a0, 0xffff]) {
    assert.throws(() => cipherSuite(unknown, PROVIDERS[0]!), (e: unknown) => e instanceof MlsCryptoError && e.code === 'unknown-cipher-suite');
  }
});

for (const provider of PROVIDERS) {
  for (const suiteId of [MLS_128_MLKEM768X25519_AES128GCM_SHA256_Ed25519, MLS_128_XWING_CHACHA20POLY1305_SHA256_Ed25519_OPENMLS]) {
    const name = `suite 0x${suiteId.toString(16).padStart(4, '0')} (${provider.name})`;

    test(`${name}: EncryptWithLabel and external init round trip over X-Wing`, () => {
      const suite = cipherSuite(suiteId, provider);
      const keys = kemFromId(suite.kem).generateKeyPair(provider);
      const context = new Uint8Array([1, 2, 3]);
      const plaintext = new TextEncoder().encode('path secret');
      const sealed = encryptWithLabel(suite, keys.publicKey, 'UpdatePathNode', context, plaintext);
      assert.equal(sealed.kemOutput.length, 1120);
      assert.deepEqual(decryptWithLabel(suite, keys.privateKey, 'UpdatePathNode', context, sealed.kemOutput, sealed.ciphertext), plaintext);
      assert.throws(() => decryptWithLabel(suite, keys.privateKey, 'Welcome', context, sealed.kemOutput, sealed.ciphertext), MlsCryptoError);

      const external = externalKeyPair(suite, new Uint8Array(32).fill(9));
      const sent = externalInitSend(suite, external.publicKey);
      assert.deepEqual(externalInitReceive(suite, external.privateKey, sent.kemOutput), sent.initSecret);
    });

    test(`${name}: PublicMessage and PrivateMessage round trip`, () => {
      const epoch = twoMemberEpoch(suiteId, provider);
      const { suite, groupContext } = epoch;
      const content = (leafIndex: number, body: FramedContent['content']): FramedContent => ({
        groupId: groupContext.groupId,
        epoch: groupContext.epoch,
        sender: { type: 'member', leafIndex },
        authenticatedData: new Uint8Array([7]),
        content: body,
      });
      const alice = epoch.state();
      const bob = epoch.state();
      for (let i = 0; i < 3; i++) {
        const text = new TextEncoder().encode(`hello ${i}`);
        const signed = signFramedContent(suite, 'mls_private_message', content(0, { type: 'application', applicationData: text }), groupContext, epoch.signatureKeys[0]!.privateKey);
        const message = protectPrivateMessage(suite, signed, alice);
        const received = unprotectPrivateMessage(suite, message, bob, epoch.keyOf);
        assert.deepEqual(received.content.content, { type: 'application', applicationData: text });
      }
      const proposal = content(1, { type: 'proposal', proposal: { type: 'remove', removed: 0 } });
      const signed = signFramedContent(suite, 'mls_public_message', proposal, groupContext, epoch.signatureKeys[1]!.privateKey);
      const pub = protectPublicMessage(suite, signed, groupContext, epoch.membershipKey);
      assert.deepEqual(unprotectPublicMessage(suite, pub, groupContext, epoch.membershipKey, epoch.keyOf).content, proposal);
    });
  }
}
