/**
 * Checks shared by both kinds of message protection, done before any cryptography.
 */
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import type { Sender, FramedContent } from '../structs/framing.ts';
import type { GroupContext } from '../structs/group-context.ts';
import { ProtectionError } from './errors.ts';

/**
 * Finds the signature public key of a message's sender, or undefined when the sender is
 * unknown (no such member, no such external sender). For a member it is the key in the
 * sender's leaf; for new_member_* senders, the key inside the content (§6.1).
 */
export type SignatureKeyLookup = (sender: Sender, content: FramedContent) => Uint8Array | undefined;

/**
 * Throws unless `groupId` and `epoch` are those of `groupContext`. Group ids are public,
 * but compared in constant time anyway (they are equal-length in the common case).
 * @throws ProtectionError wrong-group | wrong-epoch
 */
export function checkGroupAndEpoch(suite: CipherSuite, groupContext: GroupContext, groupId: Uint8Array, epoch: bigint): void {
  if (!suite.provider.constantTimeEqual(groupId, groupContext.groupId)) throw new ProtectionError('wrong-group', 'group_id differs from the group');
  if (epoch !== groupContext.epoch) throw new ProtectionError('wrong-epoch', `epoch ${epoch}, state is epoch ${groupContext.epoch}`);
}
