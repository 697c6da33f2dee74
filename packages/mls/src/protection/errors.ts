/**
 * Errors of message protection (RFC 9420 §6.1-6.3). When one is thrown from an unprotect
 * function the group's state (its secret tree) is unchanged. Messages name public values
 * only (group epoch, leaf index, generation), never keys or plaintext.
 */
export type ProtectionErrorCode =
  | 'wrong-group' // group_id is not this group's
  | 'wrong-epoch' // epoch is not the epoch of the state given
  | 'wrong-wire-format' // content signed for the other wire format
  | 'application-as-public' // application data may only travel in a PrivateMessage (§6.2)
  | 'unsupported-sender' // a sender type this operation cannot serve (e.g. a non-member in a PrivateMessage)
  | 'unknown-sender' // leaf index outside the tree or without a signature key
  | 'sender-data-auth' // encrypted_sender_data did not decrypt (altered, or another epoch's key)
  | 'malformed-sender-data' // decrypted SenderData has the wrong size
  | 'content-auth' // ciphertext did not decrypt (altered ciphertext or AAD, wrong key)
  | 'malformed-content' // decrypted PrivateMessageContent does not parse (incl. non-zero padding)
  | 'replayed-generation' // the generation's key was already consumed (or evicted as too old)
  | 'generation-too-far' // the generation is beyond MAX_GENERATION_GAP
  | 'invalid-signature' // the FramedContentTBS signature does not verify
  | 'invalid-membership-tag' // the PublicMessage membership tag does not verify
  | 'missing-confirmation-tag'; // a commit without its confirmation tag

/** One error type for protect/unprotect; branch on `code`. */
export class ProtectionError extends Error {
  override readonly name = 'ProtectionError';
  constructor(
    readonly code: ProtectionErrorCode,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}
