// Driver of the passive-client vectors (test-vectors.md "Passive Client Scenarios"): join
// from the Welcome, then follow each epoch's proposals and commit, checking the epoch
// authenticator after each step.
import assert from 'node:assert/strict';
import type { CryptoProvider } from '@sealed/crypto/provider';
import { hex, toHex } from '../../../../tools/testvectors.ts';
import { cipherSuite } from '../../src/crypto/cipher-suite.ts';
import type { PskResolver } from '../../src/group/psks.ts';
import type { GroupState } from '../../src/group/state.ts';
import { parseMLSMessage } from '../../src/structs/mls-message.ts';
import { parseRatchetTree } from '../../src/structs/ratchet-tree.ts';
import type { LeafValidationPolicy } from '../../src/validation/leaf-node.ts';
import { joinFromWelcome } from '../../src/welcome/join.ts';
import { processMessage } from '../../src/group/process.ts';

export interface PassiveClientVector {
  cipher_suite: number;
  external_psks: { psk_id: string; psk: string }[];
  key_package: string;
  signature_priv: string;
  encryption_priv: string;
  init_priv: string;
  welcome: string;
  ratchet_tree: string | null;
  initial_epoch_authenticator: string;
  epochs: { proposals: string[]; commit: string; epoch_authenticator: string }[];
}

/** The vectors' leaves were made long ago; the passive client checks MLS rules, not the clock or credentials. */
const POLICY: LeafValidationPolicy = { validateCredential: () => true, now: 1_700_000_000n, maxLifetimeSeconds: 2n ** 64n };

/** Processes one incoming handshake MLSMessage; supplied by the caller so this file does not depend on code not yet written. */
export type HandshakeStep = (state: GroupState, message: Uint8Array, resolvePsk: PskResolver) => GroupState;

/**
 * The vectors write P-521 private scalars without leading zero bytes (65 bytes when the top
 * byte is 0); the provider interface takes the fixed 66-byte encoding, so left-pad.
 */
function privateKey(suiteId: number, text: string): Uint8Array {
  const raw = hex(text);
  const size = suiteId === 5 ? 66 : raw.length;
  if (raw.length >= size) return raw;
  const out = new Uint8Array(size);
  out.set(raw, size - raw.length);
  return out;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Runs one vector; returns the number of epochs followed. */
export function runPassiveClient(provider: CryptoProvider, v: PassiveClientVector, index: number, step?: HandshakeStep): number {
  const suite = cipherSuite(v.cipher_suite, provider);
  const kp = parseMLSMessage(hex(v.key_package));
  const wm = parseMLSMessage(hex(v.welcome));
  assert.ok(kp.wireFormat === 'mls_key_package' && wm.wireFormat === 'mls_welcome', `case ${index}: message kinds`);
  const psks = v.external_psks.map((p) => ({ id: hex(p.psk_id), psk: hex(p.psk) }));
  const resolvePsk: PskResolver = (id) => (id.type === 'external' ? psks.find((p) => bytesEqual(p.id, id.pskId))?.psk : undefined);
  let state = joinFromWelcome({
    suite,
    welcome: wm.welcome,
    keyPackage: { keyPackage: kp.keyPackage, initPrivateKey: privateKey(v.cipher_suite, v.init_priv), encryptionPrivateKey: privateKey(v.cipher_suite, v.encryption_priv), signaturePrivateKey: privateKey(v.cipher_suite, v.signature_priv) },
    ratchetTree: v.ratchet_tree === null ? undefined : parseRatchetTree(hex(v.ratchet_tree)),
    policy: POLICY,
    resolvePsk,
  });
  assert.equal(toHex(state.keys.epochAuthenticator), v.initial_epoch_authenticator, `case ${index}: initial epoch authenticator`);
  if (v.epochs.length === 0) return 0;
  assert.ok(step !== undefined, `case ${index}: has epochs but no handshake step`);
  for (const [e, epoch] of v.epochs.entries()) {
    for (const proposal of epoch.proposals) state = step(state, hex(proposal), resolvePsk);
    state = step(state, hex(epoch.commit), resolvePsk);
    assert.equal(toHex(state.keys.epochAuthenticator), epoch.epoch_authenticator, `case ${index} epoch ${e}: epoch authenticator`);
  }
  return v.epochs.length;
}

/** The handshake step of a passive client: process the message, keep the new state. */
export const passiveStep: HandshakeStep = (state, message, resolvePsk) => {
  const result = processMessage(state, message, { policy: POLICY, resolvePsk });
  assert.ok(result.kind === 'proposal' || result.kind === 'commit', `unexpected result ${result.kind}`);
  return result.state;
};
