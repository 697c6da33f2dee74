import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, verify as nodeVerify } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { toHex } from '../../../../tools/testvectors.ts';
import { KT_128_SHA256_ED25519, encodeConfiguration, type Configuration } from '../../src/checkpoint/configuration.ts';
import {
  encodeAuditorTreeHeadTbs,
  encodeTreeHeadTbs,
  signAuditorTreeHead,
  signTreeHead,
  verifyAuditorTreeHeadSignature,
  verifyTreeHeadSignature,
} from '../../src/checkpoint/tree-head.ts';
import { CheckpointError, type CheckpointErrorCode } from '../../src/checkpoint/checkpoint-error.ts';

const code = (c: CheckpointErrorCode) => (e: unknown) => e instanceof CheckpointError && e.code === c;
const logSk = new Uint8Array(32).fill(1);
const auditorSk = new Uint8Array(32).fill(2);
const config: Configuration = {
  ciphersuite: KT_128_SHA256_ED25519,
  mode: { kind: 'thirdPartyAuditing', maxAuditorLag: 120_000, auditorStartPos: 5, auditorPublicKey: ed25519.getPublicKey(auditorSk) },
  signaturePublicKey: ed25519.getPublicKey(logSk),
  vrfPublicKey: new Uint8Array(32).fill(9),
  maxAhead: 10_000,
  maxBehind: 86_400_000,
  reasonableMonitoringWindow: 604_800_000,
};
const root = new Uint8Array(32).fill(0xcd);

test('draft "Tree Head Signature": Configuration encoding, field by field', () => {
  const expected =
    '0002' + '03' +
    '0020' + toHex(config.signaturePublicKey) +
    '0020' + '09'.repeat(32) +
    '000000000001d4c0' + '0000000000000005' + '0020' + toHex((config.mode as { auditorPublicKey: Uint8Array }).auditorPublicKey) +
    '0000000000002710' + '0000000005265c00' + '00000000240c8400' +
    '00';
  assert.equal(toHex(encodeConfiguration(config)), expected);
  assert.equal(toHex(encodeConfiguration({ ...config, maximumLifetime: 1 })), expected.slice(0, -2) + '01' + '0000000000000001');
  const contact = encodeConfiguration({ ...config, mode: { kind: 'contactMonitoring' } });
  assert.equal(toHex(contact), '0002' + '01' + '0020' + toHex(config.signaturePublicKey) + '0020' + '09'.repeat(32) + '0000000000002710' + '0000000005265c00' + '00000000240c8400' + '00');
  const tbs = encodeTreeHeadTbs(config, 7, root);
  assert.equal(toHex(tbs), expected + '0000000000000007' + 'cd'.repeat(32));
  assert.equal(toHex(encodeAuditorTreeHeadTbs(config, 1000, 7, root)), expected + '00000000000003e8' + '0000000000000007' + 'cd'.repeat(32));
});

test('TreeHead: signed by the log, verified; node:crypto agrees; any change is rejected', () => {
  const sig = signTreeHead(logSk, config, 7, root);
  verifyTreeHeadSignature(config, 7, root, sig);
  // Independent Ed25519 check with node:crypto (PKCS#8 wrapping of the raw seed).
  const pkcs8 = Uint8Array.of(...Buffer.from('302e020100300506032b657004220420', 'hex'), ...logSk);
  const pub = createPublicKey(createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' }));
  assert.ok(nodeVerify(null, encodeTreeHeadTbs(config, 7, root), pub, sig));
  assert.throws(() => verifyTreeHeadSignature(config, 8, root, sig), code('bad-signature'));
  assert.throws(() => verifyTreeHeadSignature(config, 7, Uint8Array.from(root, (b, i) => (i === 0 ? b ^ 1 : b)), sig), code('bad-signature'));
  assert.throws(() => verifyTreeHeadSignature({ ...config, maxAhead: 10_001 }, 7, root, sig), code('bad-signature'));
  assert.throws(() => verifyTreeHeadSignature({ ...config, signaturePublicKey: ed25519.getPublicKey(auditorSk) }, 7, root, sig), code('bad-signature'));
  for (let bit = 0; bit < 512; bit++) {
    const bad = sig.slice();
    bad[bit >> 3] = (bad[bit >> 3] ?? 0) ^ (1 << (bit & 7));
    assert.throws(() => verifyTreeHeadSignature(config, 7, root, bad), code('bad-signature'));
  }
  assert.throws(() => verifyTreeHeadSignature(config, 7, root, sig.subarray(1)), code('bad-signature'));
  assert.throws(() => verifyTreeHeadSignature({ ...config, signaturePublicKey: new Uint8Array(3) }, 7, root, sig), code('bad-signature'));
});

test('AuditorTreeHead: countersigned by the auditor key of the Configuration', () => {
  const sig = signAuditorTreeHead(auditorSk, config, 1000, 7, root);
  verifyAuditorTreeHeadSignature(config, 1000, 7, root, sig);
  assert.throws(() => verifyAuditorTreeHeadSignature(config, 1001, 7, root, sig), code('bad-signature'));
  assert.throws(() => verifyAuditorTreeHeadSignature(config, 1000, 7, root, signAuditorTreeHead(logSk, config, 1000, 7, root)), code('bad-signature'));
  assert.throws(() => verifyAuditorTreeHeadSignature({ ...config, mode: { kind: 'contactMonitoring' } }, 1000, 7, root, sig), code('invalid-configuration'));
});

test('out-of-range fields give typed errors', () => {
  assert.throws(() => encodeTreeHeadTbs(config, -1, root), code('invalid-tree-head'));
  assert.throws(() => encodeTreeHeadTbs(config, 2 ** 53, root), code('invalid-tree-head'));
  assert.throws(() => encodeTreeHeadTbs(config, 1, root.subarray(1)), code('invalid-tree-head'));
  assert.throws(() => encodeAuditorTreeHeadTbs(config, -5, 1, root), code('invalid-tree-head'));
  assert.throws(() => encodeConfiguration({ ...config, ciphersuite: 0x10000 }), code('invalid-configuration'));
  assert.throws(() => encodeConfiguration({ ...config, maxAhead: 0.5 }), code('invalid-configuration'));
  assert.throws(() => encodeConfiguration({ ...config, vrfPublicKey: new Uint8Array(0x10000) }), code('invalid-configuration'));
});
