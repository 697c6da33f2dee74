// One member of an interop group, whichever implementation drives it. Everything crosses
// between parties as MLSMessage bytes (RFC 9420 §6), never as objects, so each side parses
// what the other one encoded.
export type Implementation = 'sealed' | 'ts-mls';

/** What a party made of an incoming message. */
export type Processed =
  | { readonly kind: 'application'; readonly data: Uint8Array }
  | { readonly kind: 'commit' }
  | { readonly kind: 'proposal' }
  | { readonly kind: 'removed' };

/** A commit the party created (and already adopted: the tests have no delivery service race). */
export interface CommitMade {
  readonly commit: Uint8Array;
  readonly welcome?: Uint8Array | undefined;
}

export interface CommitRequest {
  /** MLSMessage(KeyPackage) bytes of the members to add. */
  readonly add?: readonly Uint8Array[];
  /** Leaf indices of the members to remove. */
  readonly remove?: readonly number[];
  /** Add an UpdatePath (a self-update when nothing else is asked). */
  readonly path?: boolean;
}

export interface Party {
  readonly name: string;
  readonly implementation: Implementation;
  /** A fresh KeyPackage as MLSMessage bytes; the party keeps its private keys for `join`. */
  keyPackage(): Promise<Uint8Array>;
  /** Creates a one-member group from the last KeyPackage made. */
  createGroup(groupId: Uint8Array): Promise<void>;
  /** Joins from MLSMessage(Welcome) bytes with the last KeyPackage made. */
  join(welcome: Uint8Array): Promise<void>;
  commit(request: CommitRequest): Promise<CommitMade>;
  /** An Update proposal (MLSMessage bytes), kept for a later commit by reference. */
  proposeUpdate(): Promise<Uint8Array>;
  /** A Remove proposal of `leafIndex` (MLSMessage bytes), kept for a later commit by reference. */
  proposeRemove(leafIndex: number): Promise<Uint8Array>;
  process(message: Uint8Array): Promise<Processed>;
  encrypt(data: Uint8Array): Promise<Uint8Array>;
  epoch(): bigint;
  leafIndex(): number;
  epochAuthenticator(): Uint8Array;
  exporter(label: string, context: Uint8Array, length: number): Promise<Uint8Array>;
}

/** Lifetimes both implementations accept: ts-mls caps the total at one month by default. */
export function interopLifetime(): { notBefore: bigint; notAfter: bigint } {
  const now = BigInt(Math.floor(Date.now() / 1000));
  return { notBefore: now - 3600n, notAfter: now + 7n * 24n * 3600n };
}
