/**
 * The state of one member in one epoch of a group (RFC 9420 §8, §9, §12).
 *
 * Immutable by convention: every group operation takes a GroupState and returns a new one,
 * built from copies, only after all checks passed, so a rejected message leaves the state
 * the caller holds untouched. The one exception is the secret tree of an epoch, which is
 * shared by the states of that epoch: consuming a key deletes it (§9.2, so a replayed
 * message fails), and consumption happens only after the message authenticated.
 *
 * Everything here is secret or private; GroupState never reaches logs or JSON. Saving it
 * is `serializeGroupState` (serialize.ts), whose output the caller must encrypt.
 */
import type { KeyPair } from '@sealed/crypto/provider';
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import type { SecretTree } from '../secret-tree/secret-tree.ts';
import type { Sender } from '../structs/framing.ts';
import type { GroupContext } from '../structs/group-context.ts';
import type { Proposal, ReInit } from '../structs/proposals.ts';
import type { RatchetTree } from '../tree/ratchet-tree.ts';
import type { PrivateTree } from '../treekem/private-tree.ts';

/** The secrets of an epoch that outlive the key schedule run (§8, Table 4). */
export interface EpochKeys {
  readonly senderDataSecret: Uint8Array;
  readonly exporterSecret: Uint8Array;
  readonly externalSecret: Uint8Array;
  readonly confirmationKey: Uint8Array;
  readonly membershipKey: Uint8Array;
  readonly resumptionPsk: Uint8Array;
  readonly epochAuthenticator: Uint8Array;
  /** init_secret of this epoch: the input of the next epoch's key schedule. */
  readonly initSecret: Uint8Array;
}

/** What only we hold: our leaf, our signature key and our private view of the tree (§4, §7.4). */
export interface OwnMember {
  /** Our leaf index (equal to `privateTree.leafIndex`). */
  readonly leafIndex: number;
  /** Private key of our leaf's signature_key. */
  readonly signatureKey: Uint8Array;
  /** HPKE private keys of our leaf and of the nodes on our direct path we know. Never mutated once in a state: clone first. */
  readonly privateTree: PrivateTree;
}

/** A proposal received (or sent) in this epoch and kept for a commit by reference (§12.4). */
export interface PendingProposal {
  /** ProposalRef = RefHash("MLS 1.0 Proposal Reference", AuthenticatedContent) (§5.2). */
  readonly ref: Uint8Array;
  readonly proposal: Proposal;
  readonly sender: Sender;
}

/** What is kept of a past epoch to decrypt late application messages (§12.4.2). */
export interface PastEpoch {
  readonly groupContext: GroupContext;
  /** The tree of that epoch, for the senders' signature keys. */
  readonly tree: RatchetTree;
  readonly secretTree: SecretTree;
  readonly senderDataSecret: Uint8Array;
}

/** A resumption PSK of a past epoch of this group (§8.6). */
export interface ResumptionPsk {
  readonly epoch: bigint;
  readonly psk: Uint8Array;
}

export interface GroupState {
  readonly suite: CipherSuite;
  readonly groupContext: GroupContext;
  /** The public ratchet tree; replaced (never mutated) when the epoch changes. */
  readonly tree: RatchetTree;
  readonly own: OwnMember;
  readonly keys: EpochKeys;
  readonly secretTree: SecretTree;
  readonly interimTranscriptHash: Uint8Array;
  /** Confirmation tag of the commit that began this epoch (or of group creation), for GroupInfo (§12.4.3). */
  readonly confirmationTag: Uint8Array;
  readonly pendingProposals: readonly PendingProposal[];
  /** Newest first, at most MAX_PAST_EPOCHS. */
  readonly pastEpochs: readonly PastEpoch[];
  /** Newest first, at most MAX_RESUMPTION_PSKS; the current epoch's is in `keys`. */
  readonly resumptionPsks: readonly ResumptionPsk[];
  /**
   * Key pairs of the leaves our own Update proposals of this epoch carry (§12.1.2): when a
   * commit applies one, its private key becomes our leaf key. Cleared with the epoch.
   */
  readonly ownUpdates?: readonly KeyPair[] | undefined;
  /** Set once a commit with a ReInit proposal was applied: the group may not send any more (§12.4.2). */
  readonly reinit?: ReInit | undefined;
}

const REDACTED = '[GroupState: secret]';

/**
 * Marks a freshly built state so that it never leaks through JSON or inspection: a
 * non-enumerable `toJSON` and Node's inspect hook both print a placeholder (DESIGN
 * STYLE rule 9). Every function that returns a GroupState passes it through here.
 */
export function sealState(state: GroupState): GroupState {
  Object.defineProperty(state, 'toJSON', { value: () => REDACTED, enumerable: false });
  Object.defineProperty(state, Symbol.for('nodejs.util.inspect.custom'), { value: () => REDACTED, enumerable: false });
  return state;
}
