/**
 * Turning one run of the key schedule (RFC 9420 §8) into the per-epoch parts of a
 * GroupState: the secrets kept for the epoch, the secret tree (§9) and the transcript.
 */
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import type { EpochSecrets } from '../key-schedule/epoch-secrets.ts';
import { SecretTree } from '../secret-tree/secret-tree.ts';
import type { GroupContext } from '../structs/group-context.ts';
import type { RatchetTree } from '../tree/ratchet-tree.ts';
import { MAX_PAST_EPOCHS, MAX_RESUMPTION_PSKS } from './limits.ts';
import type { EpochKeys, GroupState, PastEpoch, ResumptionPsk } from './state.ts';

/** The secrets of `secrets` a state keeps; the rest (joiner, welcome, epoch, encryption secrets) are zeroed. */
export function epochKeysOf(secrets: EpochSecrets): EpochKeys {
  const { senderDataSecret, exporterSecret, externalSecret, confirmationKey, membershipKey, resumptionPsk, epochAuthenticator, initSecret } = secrets;
  return { senderDataSecret, exporterSecret, externalSecret, confirmationKey, membershipKey, resumptionPsk, epochAuthenticator, initSecret };
}

/** A fresh secret tree for the epoch (§9): leaf count of the new ratchet tree. Zeroes encryption_secret. */
export function secretTreeOf(suite: CipherSuite, secrets: EpochSecrets, tree: RatchetTree): SecretTree {
  const secretTree = new SecretTree(suite, secrets.encryptionSecret, tree.leafCount);
  secrets.encryptionSecret.fill(0);
  return secretTree;
}

/** Zeroes the secrets of a key schedule run that no state keeps (§9.2 deletion). */
export function forgetTransientSecrets(secrets: EpochSecrets): void {
  secrets.epochSecret.fill(0);
  secrets.welcomeSecret.fill(0);
}

/** The past epochs after `state`'s epoch ends: it goes first, the oldest beyond MAX_PAST_EPOCHS drops. */
export function pastEpochsAfter(state: GroupState): PastEpoch[] {
  const current: PastEpoch = { groupContext: state.groupContext, tree: state.tree, secretTree: state.secretTree, senderDataSecret: state.keys.senderDataSecret };
  return [current, ...state.pastEpochs].slice(0, MAX_PAST_EPOCHS);
}

/** The resumption PSKs after `state`'s epoch ends (§8.6). */
export function resumptionPsksAfter(state: GroupState): ResumptionPsk[] {
  return [{ epoch: state.groupContext.epoch, psk: state.keys.resumptionPsk }, ...state.resumptionPsks].slice(0, MAX_RESUMPTION_PSKS);
}

/** Context of the next epoch before its confirmed transcript hash is known. */
export function nextContext(context: GroupContext, treeHash: Uint8Array, extensions: GroupContext['extensions']): GroupContext {
  return { ...context, epoch: context.epoch + 1n, treeHash, extensions };
}
