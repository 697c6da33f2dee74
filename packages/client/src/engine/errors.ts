/**
 * Errors of engine intents and incoming data. Details name public values (usernames,
 * counts, codes), never keys or plaintext.
 */
export type EngineErrorCode =
  | 'no-account' // an intent that needs an account before one exists
  | 'account-exists' // createAccount twice
  | 'unknown-conversation'
  | 'not-a-participant' // removeMember of someone not in the conversation
  | 'already-a-participant' // addMember of someone whose devices are all members already (another member added them first)
  | 'too-many-users' // above MAX_CONVERSATION_USERS
  | 'outbox-full' // above MAX_OUTBOX
  | 'invalid-device-list' // a device list that does not decode, verify or match its account
  | 'identity-changed' // an account's identity key differs from the one we saw before
  | 'not-in-transparency-log' // a device list key transparency has not vouched for (client/transparency)
  | 'invalid-key-package' // a claimed key package that does not match its account's device list
  | 'no-key-packages' // a user with no device to add
  | 'unknown-contact' // a safety number or verification for an account whose device list we never fetched
  | 'conversation-left' // sending or changing a conversation this device is leaving
  | 'removed-before-sent' // a message (id in detail) that could not go out: we were removed from its conversation before the relay stored it
  | 'invalid-link-code' // text that is not a device-link code
  | 'link-expired' // a link mailbox that is unknown, expired or already used
  | 'link-rejected' // a link offer or answer that does not decode, authenticate or match
  | 'unknown-device' // removeDevice of a device not in our list
  | 'cannot-remove-self' // removeDevice of this device (unlink from another device)
  | 'too-many-devices' // a link above MAX_DEVICES_PER_ACCOUNT
  | 'relay-error' // the relay answered an intent with an error (code in detail)
  | 'commit-retries-exhausted'; // lost the commit race MAX_COMMIT_RETRIES times

export class EngineError extends Error {
  override readonly name = 'EngineError';
  constructor(
    readonly code: EngineErrorCode,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}

/**
 * Why an incoming entry could not be shown. Each is counted (the goal is zero) and
 * reported with the seq it came in; none changes any state.
 */
export type DecryptFailureReason =
  | 'malformed' // not an MLSMessage, or content that does not decode (MIMI/CBOR)
  | 'unknown-group' // a group message for a group we are not in
  | 'wrong-epoch' // an epoch we no longer (or do not yet) hold keys for
  | 'authentication-failed' // decryption, signature or membership check failed
  | 'invalid-commit' // a commit that MLS refuses
  | 'welcome-not-for-us' // no key package of ours matches
  | 'invalid-welcome'
  | 'unsupported-content' // content of a kind this version does not show
  | 'forged-edit'; // an edit or delete of another account's message
