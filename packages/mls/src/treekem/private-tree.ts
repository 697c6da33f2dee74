/**
 * Our private view of the ratchet tree (RFC 9420 §4.2, §7.4): the HPKE private key of our
 * leaf and of the nodes on our direct path whose path secrets we learnt. Each key is kept
 * with its public key, so keys whose node was blanked or replaced are found and deleted
 * (§7.5: "each recipient MUST delete outdated key material").
 *
 * Secrets never leave through JSON or inspection: both print a placeholder.
 */
import type { KeyPair } from '@sealed/crypto/provider';
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import type { RatchetTree } from '../tree/ratchet-tree.ts';
import { TreeKemError } from './errors.ts';
import { nextPathSecret, nodeKeyPair } from './path-secrets.ts';

export class PrivateTree {
  private constructor(
    /** Our leaf index. */
    readonly leafIndex: number,
    private readonly keys: Map<number, KeyPair>,
  ) {}

  /** The private view of a member that knows only its leaf key pair. */
  static forLeaf(leafIndex: number, leafKeyPair: KeyPair): PrivateTree {
    return new PrivateTree(leafIndex, new Map([[2 * leafIndex, leafKeyPair]]));
  }

  /** A copy whose changes do not affect this one (key pairs are immutable and shared). */
  clone(): PrivateTree {
    return new PrivateTree(this.leafIndex, new Map(this.keys));
  }

  /** Public key of our leaf's key pair. */
  leafPublicKey(): Uint8Array {
    return this.keys.get(2 * this.leafIndex)!.publicKey;
  }

  /** The private key of node `nodeIndex`, if we hold it. */
  privateKey(nodeIndex: number): Uint8Array | undefined {
    return this.keys.get(nodeIndex)?.privateKey;
  }

  /** Node indices we hold keys for, ascending. */
  nodes(): number[] {
    return [...this.keys.keys()].sort((a, b) => a - b);
  }

  /** Stores the key pair of node `nodeIndex` (replacing any older one). */
  setKeyPair(nodeIndex: number, keyPair: KeyPair): void {
    this.keys.set(nodeIndex, keyPair);
  }

  /** Deletes the key of node `nodeIndex`. */
  deleteKey(nodeIndex: number): void {
    this.keys.delete(nodeIndex);
  }

  /**
   * Deletes every key whose node is now blank or holds another public key in `tree`
   * (after proposals blanked paths or a commit replaced them).
   */
  prune(suite: CipherSuite, tree: RatchetTree): void {
    for (const [x, pair] of this.keys) {
      const current = x < tree.nodeCount ? tree.encryptionKey(x) : undefined;
      if (current === undefined || !suite.provider.constantTimeEqual(current, pair.publicKey)) this.keys.delete(x);
    }
  }

  /**
   * Sets the keys of node `startNode` and every non-blank node above it on our direct path
   * from `pathSecret`, deriving the next path secret at each (§12.4.3.1: joining with the
   * GroupSecrets path_secret; §7.5 step 4-7 after decrypting one). Each derived public key
   * must equal the tree's (§12.4.3.1 "MUST be the private key that corresponds").
   * Returns the last path secret (the root's), from which the commit secret follows.
   * @throws TreeKemError('public-key-mismatch') naming the node; nothing is stored then
   */
  setPathSecret(suite: CipherSuite, tree: RatchetTree, startNode: number, pathSecret: Uint8Array): Uint8Array {
    const path = [2 * this.leafIndex, ...tree.directPath(this.leafIndex)];
    const from = path.indexOf(startNode);
    if (from <= 0) throw new TreeKemError('public-key-mismatch', `node ${startNode} is not above leaf ${this.leafIndex}`);
    const derived: [number, KeyPair][] = [];
    let secret = pathSecret;
    let first = true;
    for (const x of path.slice(from)) {
      if (tree.isBlank(x)) continue;
      if (!first) secret = nextPathSecret(suite, secret);
      first = false;
      const pair = nodeKeyPair(suite, secret);
      if (!suite.provider.constantTimeEqual(pair.publicKey, tree.encryptionKey(x)!)) throw new TreeKemError('public-key-mismatch', `node ${x}`);
      derived.push([x, pair]);
    }
    if (first) throw new TreeKemError('public-key-mismatch', `node ${startNode} is blank`);
    for (const [x, pair] of derived) this.keys.set(x, pair);
    return secret;
  }

  /**
   * Checks that every key we hold belongs to a non-blank node of `tree` with the same
   * public key (the treekem vectors' consistency rule; §12.4.3.1 on joining).
   * @throws TreeKemError('public-key-mismatch')
   */
  verifyAgainst(suite: CipherSuite, tree: RatchetTree): void {
    for (const [x, pair] of this.keys) {
      const current = x < tree.nodeCount ? tree.encryptionKey(x) : undefined;
      if (current === undefined || !suite.provider.constantTimeEqual(current, pair.publicKey)) throw new TreeKemError('public-key-mismatch', `node ${x}`);
    }
  }

  /** Never serialise keys by accident. */
  toJSON(): string {
    return '[PrivateTree]';
  }

  /** Node's util.inspect hook (by its registered symbol; no node: import needed). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `PrivateTree(leaf ${this.leafIndex}, ${this.keys.size} keys)`;
  }
}
