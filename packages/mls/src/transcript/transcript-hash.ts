/**
 * Transcript hashes and the confirmation tag (RFC 9420 §8.2, §6.1).
 *
 *   confirmed_transcript_hash_[n] = Hash(interim_transcript_hash_[n-1] || ConfirmedTranscriptHashInput_[n])
 *   interim_transcript_hash_[n]   = Hash(confirmed_transcript_hash_[n] || InterimTranscriptHashInput_[n])
 *   confirmation_tag              = MAC(confirmation_key, confirmed_transcript_hash_[n])
 *
 *   struct { WireFormat wire_format; FramedContent content; opaque signature<V>; } ConfirmedTranscriptHashInput;
 *   struct { MAC confirmation_tag; } InterimTranscriptHashInput;
 */
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { hash, mac } from '../crypto/kdf.ts';
import type { AuthenticatedContent } from '../structs/framing.ts';
import { confirmedTranscriptHashInputBytes, interimTranscriptHashInputBytes } from '../structs/framing.ts';
import { TranscriptError } from './errors.ts';

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * confirmed_transcript_hash of the epoch a commit creates (§8.2).
 * @throws TranscriptError('not-a-commit') when the content is not a Commit.
 */
export function confirmedTranscriptHash(suite: CipherSuite, interimBefore: Uint8Array, commit: AuthenticatedContent): Uint8Array {
  if (commit.content.content.type !== 'commit') throw new TranscriptError('not-a-commit', `content type ${commit.content.content.type}`);
  const input = confirmedTranscriptHashInputBytes({ wireFormat: commit.wireFormat, content: commit.content, signature: commit.auth.signature });
  return hash(suite, concat(interimBefore, input));
}

/** interim_transcript_hash of an epoch from its confirmed hash and confirmation tag (§8.2). */
export function interimTranscriptHash(suite: CipherSuite, confirmed: Uint8Array, confirmationTag: Uint8Array): Uint8Array {
  return hash(suite, concat(confirmed, interimTranscriptHashInputBytes({ confirmationTag })));
}

/** confirmation_tag = MAC(confirmation_key, confirmed_transcript_hash) (§6.1). */
export function confirmationTag(suite: CipherSuite, confirmationKey: Uint8Array, confirmed: Uint8Array): Uint8Array {
  return mac(suite, confirmationKey, confirmed);
}

/** True when `tag` is the confirmation tag of `confirmed`, compared in constant time (§6.1). */
export function verifyConfirmationTag(suite: CipherSuite, confirmationKey: Uint8Array, confirmed: Uint8Array, tag: Uint8Array): boolean {
  return suite.provider.constantTimeEqual(confirmationTag(suite, confirmationKey, confirmed), tag);
}

/** Both hashes after a commit, as a receiver needs them. */
export interface TranscriptHashes {
  readonly confirmed: Uint8Array;
  readonly interim: Uint8Array;
}

/**
 * The confirmed and interim transcript hashes after `commit` (§8.2). The commit's
 * confirmation tag is taken from its auth data; verify it with `verifyConfirmationTag`
 * once the new epoch's confirmation_key is known.
 * @throws TranscriptError('not-a-commit') | TranscriptError('missing-confirmation-tag')
 */
export function transcriptHashesAfter(suite: CipherSuite, interimBefore: Uint8Array, commit: AuthenticatedContent): TranscriptHashes {
  const tag = commit.auth.confirmationTag;
  if (tag === undefined) throw new TranscriptError('missing-confirmation-tag', 'commit without confirmation_tag');
  const confirmed = confirmedTranscriptHash(suite, interimBefore, commit);
  return { confirmed, interim: interimTranscriptHash(suite, confirmed, tag) };
}
