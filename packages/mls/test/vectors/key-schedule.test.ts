// RFC 9420 §8 key schedule against the official `key-schedule.json` vectors: epoch by
// epoch, every derived secret, the exporter and the external public key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hex, loadVectors, toHex } from '../../../../tools/testvectors.ts';
import { cipherSuite } from '../../src/crypto/cipher-suite.ts';
import { MlsCryptoError } from '../../src/crypto/errors.ts';
import { deriveEpochSecrets, epochSecretsFromJoiner } from '../../src/key-schedule/epoch-secrets.ts';
import { mlsExporter } from '../../src/key-schedule/exporter.ts';
import { externalKeyPair } from '../../src/key-schedule/external-key.ts';
import { groupContextBytes } from '../../src/structs/group-context.ts';
import { PROVIDERS } from './providers.ts';

interface Epoch {
  tree_hash: string;
  commit_secret: string;
  psk_secret: string;
  confirmed_transcript_hash: string;
  group_context: string;
  joiner_secret: string;
  welcome_secret: string;
  init_secret: string;
  sender_data_secret: string;
  encryption_secret: string;
  exporter_secret: string;
  epoch_authenticator: string;
  external_secret: string;
  confirmation_key: string;
  membership_key: string;
  resumption_psk: string;
  external_pub: string;
  exporter: { label: string; context: string; length: number; secret: string };
}

interface KeyScheduleVector {
  cipher_suite: number;
  group_id: string;
  initial_init_secret: string;
  epochs: Epoch[];
}

const vectors = loadVectors<KeyScheduleVector[]>('mls/key-schedule.json');

for (const provider of PROVIDERS) {
  test(`key-schedule.json (${provider.name}): ${vectors.length} cases`, () => {
    const suites = new Set<number>();
    let epochs = 0;
    for (const v of vectors) {
      const suite = cipherSuite(v.cipher_suite, provider);
      suites.add(suite.id);
      let initSecret = hex(v.initial_init_secret);
      v.epochs.forEach((e, index) => {
        const where = `suite ${v.cipher_suite} epoch ${index}`;
        const groupContext = groupContextBytes({
          version: 1,
          cipherSuite: v.cipher_suite,
          groupId: hex(v.group_id),
          epoch: BigInt(index),
          treeHash: hex(e.tree_hash),
          confirmedTranscriptHash: hex(e.confirmed_transcript_hash),
          extensions: [],
        });
        assert.equal(toHex(groupContext), e.group_context, `${where} group_context`);
        const s = deriveEpochSecrets(suite, { initSecret, commitSecret: hex(e.commit_secret), pskSecret: hex(e.psk_secret), groupContext });
        assert.equal(toHex(s.joinerSecret), e.joiner_secret, `${where} joiner_secret`);
        assert.equal(toHex(s.welcomeSecret), e.welcome_secret, `${where} welcome_secret`);
        assert.equal(toHex(s.initSecret), e.init_secret, `${where} init_secret`);
        assert.equal(toHex(s.senderDataSecret), e.sender_data_secret, `${where} sender_data_secret`);
        assert.equal(toHex(s.encryptionSecret), e.encryption_secret, `${where} encryption_secret`);
        assert.equal(toHex(s.exporterSecret), e.exporter_secret, `${where} exporter_secret`);
        assert.equal(toHex(s.epochAuthenticator), e.epoch_authenticator, `${where} epoch_authenticator`);
        assert.equal(toHex(s.externalSecret), e.external_secret, `${where} external_secret`);
        assert.equal(toHex(s.confirmationKey), e.confirmation_key, `${where} confirmation_key`);
        assert.equal(toHex(s.membershipKey), e.membership_key, `${where} membership_key`);
        assert.equal(toHex(s.resumptionPsk), e.resumption_psk, `${where} resumption_psk`);
        assert.equal(toHex(externalKeyPair(suite, s.externalSecret).publicKey), e.external_pub, `${where} external_pub`);
        // The exporter label is a string (its characters happen to look like hex).
        assert.equal(toHex(mlsExporter(suite, s.exporterSecret, e.exporter.label, hex(e.exporter.context), e.exporter.length)), e.exporter.secret, `${where} exporter`);
        // A joiner starting from joiner_secret reaches the same epoch.
        const joined = epochSecretsFromJoiner(suite, s.joinerSecret, hex(e.psk_secret), groupContext);
        assert.deepEqual(joined, s);
        initSecret = s.initSecret;
        epochs++;
      });
    }
    assert.deepEqual([...suites].sort(), [1, 2, 3, 4, 5, 6, 7]);
    console.log(`key-schedule (${provider.name}): ${vectors.length} cases, ${epochs} epochs`);
  });
}

test('key schedule: secrets of the wrong length are typed errors', () => {
  const suite = cipherSuite(1, PROVIDERS[0]!);
  const ok = new Uint8Array(32);
  const bad = new Uint8Array(31);
  const isLength = (e: unknown) => e instanceof MlsCryptoError && e.code === 'invalid-length';
  assert.throws(() => deriveEpochSecrets(suite, { initSecret: bad, commitSecret: ok, pskSecret: ok, groupContext: ok }), isLength);
  assert.throws(() => deriveEpochSecrets(suite, { initSecret: ok, commitSecret: bad, pskSecret: ok, groupContext: ok }), isLength);
  assert.throws(() => deriveEpochSecrets(suite, { initSecret: ok, commitSecret: ok, pskSecret: bad, groupContext: ok }), isLength);
  assert.throws(() => mlsExporter(suite, ok, 'x', ok, 255 * 32 + 1), isLength);
  // Absent commit and PSK secrets are the all-zero vector (§8).
  const zero = deriveEpochSecrets(suite, { initSecret: ok, commitSecret: undefined, pskSecret: undefined, groupContext: ok });
  const explicit = deriveEpochSecrets(suite, { initSecret: ok, commitSecret: new Uint8Array(32), pskSecret: new Uint8Array(32), groupContext: ok });
  assert.deepEqual(zero, explicit);
});
