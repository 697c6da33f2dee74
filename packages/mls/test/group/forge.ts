// Builds messages that break RFC 9420 rules on purpose, signed and MACed correctly so that
// only the rule under test can reject them.
import { encode } from '../../src/codec/writer.ts';
import { protect, signContent } from '../../src/group/frame.ts';
import type { GroupState } from '../../src/group/state.ts';
import type { Commit } from '../../src/structs/commit.ts';
import type { AuthenticatedContent, FramingWireFormat } from '../../src/structs/framing.ts';
import { encodeMLSMessage } from '../../src/structs/mls-message.ts';
import { protectPublicMessage } from '../../src/protection/public-message.ts';

/** A commit from `state`'s leaf with whatever proposals and path, and a dummy confirmation tag. */
export function forgeCommit(state: GroupState, commit: Commit, wireFormat: FramingWireFormat = 'mls_public_message'): Uint8Array {
  const signed = signContent(state, { type: 'commit', commit }, wireFormat, new Uint8Array(0));
  return protect(state, { ...signed, auth: { ...signed.auth, confirmationTag: new Uint8Array(state.suite.Nh) } });
}

/** Re-MACs (for the membership tag) an edited AuthenticatedContent as a PublicMessage of `state`'s epoch. */
export function asPublicMessage(state: GroupState, authenticated: AuthenticatedContent): Uint8Array {
  const publicMessage = protectPublicMessage(state.suite, authenticated, state.groupContext, state.keys.membershipKey);
  return encode(encodeMLSMessage, { wireFormat: 'mls_public_message', publicMessage });
}
