// RFC 9420 §12.4.3.1 (Welcome processing: GroupSecrets with the init key, GroupInfo with the
// welcome key, GroupInfo signature, confirmation tag) against the official welcome.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hex, loadVectors } from '../../../../tools/testvectors.ts';
import { cipherSuite } from '../../src/crypto/cipher-suite.ts';
import { epochSecretsFromJoiner } from '../../src/key-schedule/epoch-secrets.ts';
import { groupContextBytes } from '../../src/structs/group-context.ts';
import { parseMLSMessage } from '../../src/structs/mls-message.ts';
import { verifyConfirmationTag } from '../../src/transcript/transcript-hash.ts';
import { verifyGroupInfo } from '../../src/welcome/group-info.ts';
import { openWelcome } from '../../src/welcome/join.ts';
import { PROVIDERS } from './providers.ts';

interface WelcomeVector {
  cipher_suite: number;
  init_priv: string;
  signer_pub: string;
  key_package: string;
  welcome: string;
}

const vectors = loadVectors<WelcomeVector[]>('mls/welcome.json');
const EMPTY = new Uint8Array(0);

for (const provider of PROVIDERS) {
  test(`welcome.json (${provider.name}): ${vectors.length} cases`, () => {
    const suites: number[] = [];
    for (const [index, v] of vectors.entries()) {
      const suite = cipherSuite(v.cipher_suite, provider);
      const kp = parseMLSMessage(hex(v.key_package));
      const wm = parseMLSMessage(hex(v.welcome));
      assert.equal(kp.wireFormat, 'mls_key_package');
      assert.equal(wm.wireFormat, 'mls_welcome');
      if (kp.wireFormat !== 'mls_key_package' || wm.wireFormat !== 'mls_welcome') continue;
      const bundle = { keyPackage: kp.keyPackage, initPrivateKey: hex(v.init_priv), encryptionPrivateKey: EMPTY, signaturePrivateKey: EMPTY };
      const { groupSecrets, groupInfo, pskSecret } = openWelcome(suite, wm.welcome, bundle);
      assert.ok(verifyGroupInfo(suite, groupInfo, hex(v.signer_pub)), `case ${index}: GroupInfo signature`);
      const secrets = epochSecretsFromJoiner(suite, groupSecrets.joinerSecret, pskSecret, groupContextBytes(groupInfo.groupContext));
      assert.ok(
        verifyConfirmationTag(suite, secrets.confirmationKey, groupInfo.groupContext.confirmedTranscriptHash, groupInfo.confirmationTag),
        `case ${index}: confirmation tag`,
      );
      suites.push(v.cipher_suite);
    }
    assert.equal(suites.length, vectors.length);
    console.log(`welcome (${provider.name}): ${suites.length} cases, suites ${[...new Set(suites)].join(',')}`);
  });
}
