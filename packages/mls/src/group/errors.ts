/**
 * Errors of group operations (RFC 9420 §11-§13). When one is thrown by a function that
 * takes a GroupState, that state is unchanged: every operation works on copies and
 * returns a new state only after every check passed. Details name public values (epochs,
 * leaf indices, proposal types), never keys, secrets or plaintext.
 */
export type GroupErrorCode =
  // state serialisation
  | 'unknown-version' // saved by a newer release: this code does not know the layout
  | 'unsupported-version' // an old layout this release no longer reads
  | 'malformed-state' // saved state does not decode
  // messages
  | 'message-too-large' // above MAX_MESSAGE_BYTES
  | 'malformed-message' // does not decode, or the wrong kind of message here
  | 'wrong-group' // group_id of another group
  | 'wrong-epoch' // not the current epoch (nor a kept past epoch, for application data)
  | 'unknown-sender' // sender leaf blank or outside the tree, unknown external sender
  | 'unsupported-sender' // a sender type that may not send this content (§6, §12.1.8)
  | 'own-commit' // a commit from our own leaf: apply it with the pending-commit result instead
  | 'invalid-signature'
  | 'invalid-membership-tag'
  | 'authentication-failed' // PrivateMessage decryption failed
  | 'replayed-message' // key already used (§9.2 deletion)
  | 'invalid-confirmation-tag' // §12.4.2
  // proposals (§12.1, §12.2)
  | 'invalid-proposal' // a proposal invalid on its own (§12.1)
  | 'invalid-proposal-list' // a list rule of §12.2 broken
  | 'unknown-proposal-reference' // ProposalRef of no stored proposal
  | 'too-many-proposals' // above MAX_PENDING_PROPOSALS / MAX_PROPOSALS_PER_COMMIT
  | 'path-required' // §12.4: this commit needs an UpdatePath
  | 'invalid-path' // UpdatePath does not fit the tree, keys duplicated, decrypt failed, ...
  | 'committer-removed' // a commit removes its sender (§12.2)
  | 'missing-psk' // a PreSharedKey the caller cannot provide (§12.4.2)
  | 'reinit-pending' // the group was reinitialised: it may not be used any more (§12.4.2)
  | 'not-a-member' // we were removed (or the state has no leaf of ours)
  // welcome and external join (§12.4.3)
  | 'welcome-not-for-us' // no EncryptedGroupSecrets for our KeyPackageRef
  | 'invalid-welcome' // decrypts but does not describe a valid group
  | 'invalid-group-info' // signature, tree or external_pub do not check out
  | 'missing-ratchet-tree' // no ratchet_tree extension and none given
  | 'invalid-tree' // the tree fails §12.4.3.1 integrity checks
  | 'invalid-leaf' // a leaf node fails §7.3
  | 'unsupported-cipher-suite'
  | 'invalid-extensions' // an extension list we were asked to use breaks §13.4/§17.3 (duplicate, misplaced, malformed)
  | 'too-many-members'; // above MAX_MEMBERS

/** One error type for group operations; branch on `code`. */
export class GroupError extends Error {
  override readonly name = 'GroupError';
  constructor(
    readonly code: GroupErrorCode,
    /** What failed, with public values only. */
    readonly detail: string,
    /** The lower-level typed error that caused it, if any (DecodeError, ValidationError, TreeError, ...). */
    override readonly cause?: Error,
  ) {
    super(`${code}: ${detail}`);
  }
}
