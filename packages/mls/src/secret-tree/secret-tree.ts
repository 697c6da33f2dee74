/**
 * The secret tree of an epoch (RFC 9420 §9): per-sender hash ratchets for handshake and
 * application messages, derived lazily from the epoch's `encryption_secret`.
 *
 *   tree_node_[root]_secret = encryption_secret
 *   tree_node_[left(x)]_secret  = ExpandWithLabel(tree_node_[x]_secret, "tree", "left",  Nh)
 *   tree_node_[right(x)]_secret = ExpandWithLabel(tree_node_[x]_secret, "tree", "right", Nh)
 *   handshake_ratchet_secret_[N]_[0]   = ExpandWithLabel(tree_node_[N]_secret, "handshake",   "", Nh)
 *   application_ratchet_secret_[N]_[0] = ExpandWithLabel(tree_node_[N]_secret, "application", "", Nh)
 *
 * Deletion schedule (§9.2), which gives forward secrecy within the epoch:
 * - a node secret is deleted as soon as both child secrets are derived from it;
 * - a leaf's node secret is deleted once its two ratchets are initialised;
 * - a ratchet secret is replaced by the next one once a generation's key is derived;
 * - a key is deleted when it is consumed (one message) and skipped keys are kept only up
 *   to MAX_RETAINED_KEYS per ratchet.
 *
 * Consumption is two-phase so that a receiver commits state only after the message
 * authenticates: `prepareReceive` computes a key without touching the tree and returns a
 * `PendingKey`; its `commit()` applies the deletions and ratchet steps. A forged message
 * (AEAD failure) simply never commits, and the tree is unchanged.
 */
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { expandWithLabel } from '../crypto/kdf.ts';
import { directPath, leafToNode, left, MAX_LEAVES, nodeToLeaf, right, root } from '../tree-math.ts';
import { SecretTreeError } from './errors.ts';
import { MAX_GENERATION, MAX_GENERATION_GAP, MAX_RETAINED_KEYS } from './limits.ts';
import type { RatchetKey } from './ratchet.ts';
import { nextRatchetSecret, ratchetKey } from './ratchet.ts';

/** Which of a sender's two ratchets (§9.1): handshake for proposals and commits, application for application data. */
export type RatchetType = 'handshake' | 'application';

interface RatchetState {
  /** The next generation whose key has not been derived yet. */
  generation: number;
  /** ratchet_secret_[leaf]_[generation]. */
  secret: Uint8Array;
  /** Keys of skipped generations (< generation), oldest first (Map keeps insertion order). */
  readonly retained: Map<number, RatchetKey>;
}

interface LeafRatchets {
  readonly handshake: RatchetState;
  readonly application: RatchetState;
}

/** A key computed but not yet consumed. Call `commit()` only after the message authenticates. */
export interface PendingKey extends RatchetKey {
  /**
   * Applies the consumption to the tree (deletes the key and everything the deletion
   * schedule says may go).
   * @throws SecretTreeError('stale-state') when the tree changed since this key was prepared.
   */
  commit(): void;
}

const EMPTY = new Uint8Array(0);
const LEFT = new TextEncoder().encode('left');
const RIGHT = new TextEncoder().encode('right');

/** One ratchet of a snapshot. */
export interface RatchetSnapshot {
  readonly generation: number;
  readonly secret: Uint8Array;
  readonly retained: readonly RatchetKey[];
}

/** The secrets a SecretTree holds, as plain data (see `SecretTree.snapshot`). */
export interface SecretTreeSnapshot {
  readonly leafCount: number;
  readonly nodeSecrets: readonly { readonly node: number; readonly secret: Uint8Array }[];
  readonly leaves: readonly { readonly leaf: number; readonly handshake: RatchetSnapshot; readonly application: RatchetSnapshot }[];
}

export class SecretTree {
  /** Node secrets not yet consumed: the frontier of the lazy derivation. */
  private readonly nodeSecrets = new Map<number, Uint8Array>();
  private readonly leaves = new Map<number, LeafRatchets>();
  /** Bumped by every commit; a PendingKey prepared against another version is refused. */
  private version = 0;

  /**
   * A fresh tree for an epoch with `leafCount` leaves (§9). The secret tree has the shape
   * of the ratchet tree, whose leaf count is always a power of two (§7.7).
   * @throws SecretTreeError('invalid-leaf-count') for a count that is not a power of two in 1 ..= MAX_LEAVES.
   */
  constructor(
    private readonly suite: CipherSuite,
    encryptionSecret: Uint8Array,
    readonly leafCount: number,
  ) {
    if (!Number.isInteger(leafCount) || leafCount < 1 || leafCount > MAX_LEAVES || (leafCount & (leafCount - 1)) !== 0) {
      throw new SecretTreeError('invalid-leaf-count', `${leafCount} leaves`);
    }
    this.nodeSecrets.set(root(leafCount), encryptionSecret.slice());
  }

  /**
   * The key for `generation` of `leaf`'s `type` ratchet, for decrypting a received
   * message. Nothing changes until the returned key's `commit()`.
   * @throws SecretTreeError invalid-leaf | generation-consumed | generation-too-far
   */
  prepareReceive(leaf: number, type: RatchetType, generation: number): PendingKey {
    this.checkLeaf(leaf);
    if (!Number.isInteger(generation) || generation < 0 || generation > MAX_GENERATION) {
      throw new SecretTreeError('generation-too-far', `generation ${generation} is not a uint32`);
    }
    const initialised = this.leaves.get(leaf);
    const pendingLeaf = initialised === undefined ? this.deriveLeaf(leaf) : undefined;
    const ratchet = (initialised ?? pendingLeaf!.ratchets)[type];

    if (generation < ratchet.generation) {
      const key = ratchet.retained.get(generation);
      if (key === undefined) throw new SecretTreeError('generation-consumed', `leaf ${leaf} ${type} generation ${generation}`);
      return this.pending(key, () => {
        ratchet.retained.delete(generation);
      });
    }

    if (generation - ratchet.generation > MAX_GENERATION_GAP) {
      throw new SecretTreeError('generation-too-far', `leaf ${leaf} ${type} generation ${generation}, next is ${ratchet.generation}, gap limit ${MAX_GENERATION_GAP}`);
    }
    // Walk forward on copies; skipped keys are kept only for the last MAX_RETAINED_KEYS generations.
    const firstKept = Math.max(ratchet.generation, generation - MAX_RETAINED_KEYS);
    const skipped: RatchetKey[] = [];
    let secret = ratchet.secret;
    for (let g = ratchet.generation; g < generation; g++) {
      if (g >= firstKept) skipped.push(ratchetKey(this.suite, secret, g));
      secret = nextRatchetSecret(this.suite, secret, g);
    }
    const key = ratchetKey(this.suite, secret, generation);
    const next = generation < MAX_GENERATION ? nextRatchetSecret(this.suite, secret, generation) : EMPTY;
    return this.pending(key, () => {
      if (pendingLeaf !== undefined) pendingLeaf.apply();
      for (const k of skipped) ratchet.retained.set(k.generation, k);
      while (ratchet.retained.size > MAX_RETAINED_KEYS) {
        const oldest = ratchet.retained.keys().next().value as number;
        zeroKey(ratchet.retained.get(oldest)!);
        ratchet.retained.delete(oldest);
      }
      ratchet.secret.fill(0);
      ratchet.secret = next;
      ratchet.generation = generation + 1;
    });
  }

  /**
   * The next unused key of `leaf`'s own `type` ratchet, for protecting a message we send.
   * Skipped keys are never kept for our own ratchets.
   * @throws SecretTreeError invalid-leaf | generation-exhausted
   */
  prepareSend(leaf: number, type: RatchetType): PendingKey {
    this.checkLeaf(leaf);
    const ratchets = this.leaves.get(leaf);
    const generation = (ratchets ?? this.deriveLeaf(leaf).ratchets)[type].generation;
    if (generation >= MAX_GENERATION) throw new SecretTreeError('generation-exhausted', `leaf ${leaf} ${type}`);
    return this.prepareReceive(leaf, type, generation);
  }

  /**
   * The ratchet secret `leaf`'s `type` ratchet will hold at `generation` (ahead of its next
   * unused generation), without changing the tree. A sender that saves this position
   * instead of its live one reserves the generations in between: restored from it, it can
   * never use one of them again (client send reservations). The leaf's ratchets must be
   * initialised (the leaf sent or received in this epoch).
   * @throws SecretTreeError invalid-leaf | stale-state (leaf not initialised) | generation-too-far
   *   (behind the ratchet, past MAX_GENERATION, or more than MAX_GENERATION_GAP ahead)
   */
  ratchetSecretAt(leaf: number, type: RatchetType, generation: number): RatchetSnapshot {
    this.checkLeaf(leaf);
    const ratchet = this.leaves.get(leaf)?.[type];
    if (ratchet === undefined) throw new SecretTreeError('stale-state', `leaf ${leaf} ratchets not initialised`);
    if (!Number.isInteger(generation) || generation < ratchet.generation || generation > MAX_GENERATION || generation - ratchet.generation > MAX_GENERATION_GAP) {
      throw new SecretTreeError('generation-too-far', `leaf ${leaf} ${type} generation ${generation}, next is ${ratchet.generation}`);
    }
    let secret: Uint8Array = ratchet.secret.slice();
    for (let g = ratchet.generation; g < generation; g++) {
      const next = nextRatchetSecret(this.suite, secret, g);
      secret.fill(0);
      secret = next;
    }
    return { generation, secret, retained: [] };
  }

  /**
   * Every secret the tree still holds, as plain data, for saving group state (the caller
   * encrypts it). Restoring with `SecretTree.fromSnapshot` gives a tree that derives the
   * same keys and refuses the same consumed generations. The arrays are copies.
   */
  snapshot(): SecretTreeSnapshot {
    const copyRatchet = (r: RatchetState): RatchetSnapshot => ({
      generation: r.generation,
      secret: r.secret.slice(),
      retained: [...r.retained.values()].map((k) => ({ generation: k.generation, key: k.key.slice(), nonce: k.nonce.slice() })),
    });
    return {
      leafCount: this.leafCount,
      nodeSecrets: [...this.nodeSecrets].map(([node, secret]) => ({ node, secret: secret.slice() })),
      leaves: [...this.leaves].map(([leaf, r]) => ({ leaf, handshake: copyRatchet(r.handshake), application: copyRatchet(r.application) })),
    };
  }

  /**
   * A tree from a snapshot taken by `snapshot()`.
   * @throws SecretTreeError('invalid-leaf-count' | 'invalid-leaf') for a snapshot that does not fit the tree shape
   */
  static fromSnapshot(suite: CipherSuite, snapshot: SecretTreeSnapshot): SecretTree {
    const tree = new SecretTree(suite, new Uint8Array(suite.Nh), snapshot.leafCount);
    tree.nodeSecrets.clear();
    const nodeCount = 2 * snapshot.leafCount - 1;
    for (const { node, secret } of snapshot.nodeSecrets) {
      if (!Number.isInteger(node) || node < 0 || node >= nodeCount) throw new SecretTreeError('invalid-leaf', `node ${node} of ${nodeCount}`);
      tree.nodeSecrets.set(node, secret.slice());
    }
    const restore = (r: RatchetSnapshot): RatchetState => ({
      generation: r.generation,
      secret: r.secret.slice(),
      retained: new Map(r.retained.map((k) => [k.generation, { generation: k.generation, key: k.key.slice(), nonce: k.nonce.slice() }])),
    });
    for (const entry of snapshot.leaves) {
      tree.checkLeaf(entry.leaf);
      tree.leaves.set(entry.leaf, { handshake: restore(entry.handshake), application: restore(entry.application) });
    }
    return tree;
  }

  /** The next generation `leaf`'s `type` ratchet would use (for tests and diagnostics). */
  nextGeneration(leaf: number, type: RatchetType): number {
    this.checkLeaf(leaf);
    return this.leaves.get(leaf)?.[type].generation ?? 0;
  }

  /** How many skipped keys `leaf`'s `type` ratchet holds. */
  retainedCount(leaf: number, type: RatchetType): number {
    this.checkLeaf(leaf);
    return this.leaves.get(leaf)?.[type].retained.size ?? 0;
  }

  /** Secrets never reach logs or JSON: both show the shape of the tree only. */
  toJSON(): { leafCount: number; nodeSecrets: number; leaves: number } {
    return { leafCount: this.leafCount, nodeSecrets: this.nodeSecrets.size, leaves: this.leaves.size };
  }

  /** What Node's `util.inspect` (and so `console.log`) prints: no secret bytes. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `SecretTree(${this.leafCount} leaves, ${this.nodeSecrets.size} node secrets held)`;
  }

  toString(): string {
    return `SecretTree(${this.leafCount} leaves)`;
  }

  /** How many node secrets are still held (the deletion schedule is observable through it). */
  get nodeSecretCount(): number {
    return this.nodeSecrets.size;
  }

  private checkLeaf(leaf: number): void {
    if (!Number.isInteger(leaf) || leaf < 0 || leaf >= this.leafCount) {
      throw new SecretTreeError('invalid-leaf', `leaf ${leaf} of ${this.leafCount}`);
    }
  }

  private pending(key: RatchetKey, apply: () => void): PendingKey {
    const version = this.version;
    return {
      ...key,
      commit: () => {
        if (this.version !== version) throw new SecretTreeError('stale-state', `generation ${key.generation}`);
        apply();
        this.version++;
      },
    };
  }

  /**
   * Derives `leaf`'s two ratchets from the nearest ancestor secret still held, without
   * changing the tree; `apply()` stores the derived siblings and deletes consumed secrets.
   */
  private deriveLeaf(leaf: number): { ratchets: LeafRatchets; apply: () => void } {
    const n = this.leafCount;
    const leafNode = leafToNode(leaf);
    // Ancestors from the root down to the leaf itself.
    const path = [...directPath(leafNode, n).reverse(), leafNode];
    let start = path.findIndex((node) => this.nodeSecrets.has(node));
    if (start < 0) {
      // Both ratchets of this leaf were initialised earlier (checked by the caller) or the tree is corrupt.
      throw new SecretTreeError('stale-state', `no secret left for leaf ${leaf}`);
    }
    const created = new Map<number, Uint8Array>();
    const consumed: number[] = [];
    let secret = this.nodeSecrets.get(path[start]!)!;
    for (; start < path.length - 1; start++) {
      const node = path[start]!;
      const child = path[start + 1]!;
      const leftSecret = expandWithLabel(this.suite, secret, 'tree', LEFT, this.suite.Nh);
      const rightSecret = expandWithLabel(this.suite, secret, 'tree', RIGHT, this.suite.Nh);
      const leftNode = left(node, n);
      const rightNode = right(node, n);
      consumed.push(node);
      created.set(leftNode, leftSecret);
      created.set(rightNode, rightSecret);
      secret = child === leftNode ? leftSecret : rightSecret;
    }
    consumed.push(leafNode);
    const ratchets: LeafRatchets = {
      handshake: { generation: 0, secret: expandWithLabel(this.suite, secret, 'handshake', EMPTY, this.suite.Nh), retained: new Map() },
      application: { generation: 0, secret: expandWithLabel(this.suite, secret, 'application', EMPTY, this.suite.Nh), retained: new Map() },
    };
    return {
      ratchets,
      apply: () => {
        for (const [node, value] of created) this.nodeSecrets.set(node, value);
        for (const node of consumed) {
          this.nodeSecrets.get(node)?.fill(0);
          this.nodeSecrets.delete(node);
        }
        this.leaves.set(nodeToLeaf(leafNode), ratchets);
      },
    };
  }
}

function zeroKey(key: RatchetKey): void {
  key.key.fill(0);
  key.nonce.fill(0);
}
