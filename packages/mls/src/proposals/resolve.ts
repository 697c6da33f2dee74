/**
 * Resolving a commit's ProposalOrRef list (RFC 9420 §12.4): proposals by value are the
 * committer's; proposals by reference are looked up among the proposals stored in this
 * epoch, by ProposalRef (§5.2).
 */
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { makeProposalRef } from '../crypto/kdf.ts';
import type { AuthenticatedContent, Sender } from '../structs/framing.ts';
import { authenticatedContentBytes } from '../structs/framing.ts';
import type { Proposal, ProposalOrRef } from '../structs/proposals.ts';
import { GroupError } from '../group/errors.ts';
import type { PendingProposal } from '../group/state.ts';

/** A proposal of a commit with who proposed it. */
export interface ResolvedProposal {
  readonly proposal: Proposal;
  readonly sender: Sender;
  /** True when the commit referenced it (then `sender` is whoever sent the proposal). */
  readonly byReference: boolean;
}

/** ProposalRef of a proposal's AuthenticatedContent (§5.2). */
export function proposalRef(suite: CipherSuite, authenticated: AuthenticatedContent): Uint8Array {
  return makeProposalRef(suite, authenticatedContentBytes(authenticated));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/**
 * Resolves `list` for a commit sent by `committer`.
 * @throws GroupError('unknown-proposal-reference') when a reference matches no stored proposal
 * @throws GroupError('invalid-proposal-list') when the same reference appears twice
 */
export function resolveProposals(list: readonly ProposalOrRef[], committer: Sender, pending: readonly PendingProposal[]): ResolvedProposal[] {
  const used = new Set<PendingProposal>();
  return list.map((entry, index) => {
    if (entry.type === 'proposal') return { proposal: entry.proposal, sender: committer, byReference: false };
    const found = pending.find((p) => sameBytes(p.ref, entry.reference));
    if (found === undefined) throw new GroupError('unknown-proposal-reference', `proposal ${index} references no proposal of this epoch`);
    if (used.has(found)) throw new GroupError('invalid-proposal-list', `proposal ${index} references a proposal twice`);
    used.add(found);
    return { proposal: found.proposal, sender: found.sender, byReference: true };
  });
}
