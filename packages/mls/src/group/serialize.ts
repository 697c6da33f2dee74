/**
 * Saving and loading a GroupState: a strict, versioned binary layout in the TLS
 * presentation language of RFC 9420 §2.1, version byte first.
 *
 *   uint8 format_version = 1;
 *   uint16 cipher_suite;
 *   GroupContext group_context;
 *   optional<Node> ratchet_tree<V>;
 *   uint32 own_leaf; opaque signature_key<V>;
 *   PrivateKey private_keys<V>;         struct { uint32 node; opaque key<V>; } (our leaf first; public keys are the tree's)
 *   opaque epoch_keys[8]<V>;            (EpochKeys in declaration order)
 *   SecretTreeState secret_tree;
 *   opaque interim_transcript_hash<V>; opaque confirmation_tag<V>;
 *   PendingProposal pending<V>;         struct { opaque ref<V>; Proposal proposal; Sender sender; }
 *   PastEpoch past_epochs<V>;           struct { GroupContext; optional<Node> tree<V>; SecretTreeState; opaque sender_data_secret<V>; }
 *   ResumptionPsk resumption_psks<V>;   struct { uint64 epoch; opaque psk<V>; }
 *   optional<ReInit> reinit;
 *   OwnUpdate own_updates<V>;           struct { opaque private_key<V>; opaque public_key<V>; }
 *
 * The output holds every secret of the group: the caller encrypts it before it touches a
 * disk (the client's encrypted stores do).
 */
import type { CryptoProvider } from '@sealed/crypto/provider';
import { DecodeError } from '../codec/errors.ts';
import { decode, type Reader } from '../codec/reader.ts';
import { encode, type Writer } from '../codec/writer.ts';
import { cipherSuite, type CipherSuite } from '../crypto/cipher-suite.ts';
import { MlsCryptoError } from '../crypto/errors.ts';
import { SecretTreeError } from '../secret-tree/errors.ts';
import { SecretTree, type RatchetSnapshot, type SecretTreeSnapshot } from '../secret-tree/secret-tree.ts';
import { decodeSender, encodeSender } from '../structs/framing.ts';
import { decodeGroupContext, encodeGroupContext } from '../structs/group-context.ts';
import { MAX_HASH_BYTES, MAX_PUBLIC_KEY_BYTES, MAX_TREE_DEPTH, MAX_TREE_LEAVES } from '../structs/limits.ts';
import { decodeProposal, decodeReInit, encodeProposal, encodeReInit } from '../structs/proposals.ts';
import { decodeRatchetTree, encodeRatchetTree } from '../structs/ratchet-tree.ts';
import { TreeError } from '../tree/errors.ts';
import { RatchetTree } from '../tree/ratchet-tree.ts';
import { PrivateTree } from '../treekem/private-tree.ts';
import { GroupError } from './errors.ts';
import { MAX_PAST_EPOCHS, MAX_PENDING_PROPOSALS, MAX_RESUMPTION_PSKS, MAX_SERIALIZED_STATE_BYTES } from './limits.ts';
import { type EpochKeys, type GroupState, type PastEpoch, sealState } from './state.ts';

/** The layout this release writes. Older layouts it still reads would be listed beside it. */
export const GROUP_STATE_FORMAT_VERSION = 1;

/** Private keys are at most this long (ML-KEM/X-Wing seeds are 32-64 bytes; P-521 66). */
const MAX_PRIVATE_KEY_BYTES = MAX_PUBLIC_KEY_BYTES;
/** Skipped keys per ratchet are bounded by the secret tree (MAX_RETAINED_KEYS); this only bounds decoding. */
const MAX_RETAINED_PER_RATCHET = 4096;

const EPOCH_KEY_NAMES = [
  'senderDataSecret',
  'exporterSecret',
  'externalSecret',
  'confirmationKey',
  'membershipKey',
  'resumptionPsk',
  'epochAuthenticator',
  'initSecret',
] as const satisfies readonly (keyof EpochKeys)[];

function encodeRatchet(w: Writer, r: RatchetSnapshot): void {
  w.uint32(r.generation).opaque(r.secret);
  w.vector(r.retained, (w2, k) => w2.uint32(k.generation).opaque(k.key).opaque(k.nonce));
}

function decodeRatchet(r: Reader): RatchetSnapshot {
  const generation = r.uint32('ratchet.generation');
  const secret = r.opaque('ratchet.secret', MAX_HASH_BYTES);
  const retained = r.vector(
    (r2) => ({ generation: r2.uint32('key.generation'), key: r2.opaque('key.key', MAX_HASH_BYTES), nonce: r2.opaque('key.nonce', MAX_HASH_BYTES) }),
    'ratchet.retained',
    MAX_RETAINED_PER_RATCHET,
  );
  return { generation, secret, retained };
}

function encodeSecretTree(w: Writer, s: SecretTreeSnapshot): void {
  w.uint32(s.leafCount);
  w.vector(s.nodeSecrets, (w2, n) => w2.uint32(n.node).opaque(n.secret));
  w.vector(s.leaves, (w2, l) => {
    w2.uint32(l.leaf);
    encodeRatchet(w2, l.handshake);
    encodeRatchet(w2, l.application);
  });
}

/** How a state is saved (see `serializeGroupState`). */
export interface SerializeOptions {
  /**
   * Save our own application ratchet of the current epoch at this position (from
   * `SecretTree.ratchetSecretAt`) instead of its live one: the generations before it are
   * reserved, so a state restored from these bytes never encrypts with one of them again,
   * whatever was sent after they were written. Our leaf's ratchets must be initialised.
   */
  readonly ownApplicationAt?: RatchetSnapshot;
}

/** The current epoch's secret tree as saved: our application ratchet moved to the reserved position. */
function savedSecretTree(state: GroupState, options: SerializeOptions): SecretTreeSnapshot {
  const snapshot = state.secretTree.snapshot();
  const at = options.ownApplicationAt;
  if (at === undefined) return snapshot;
  const own = state.own.leafIndex;
  if (!snapshot.leaves.some((l) => l.leaf === own)) throw new GroupError('malformed-state', 'reserved position for a leaf whose ratchets are not initialised');
  return { ...snapshot, leaves: snapshot.leaves.map((l) => (l.leaf === own ? { ...l, application: at } : l)) };
}

function decodeSecretTree(r: Reader): SecretTreeSnapshot {
  const leafCount = r.uint32('secret_tree.leaf_count');
  const nodeSecrets = r.vector((r2) => ({ node: r2.uint32('node'), secret: r2.opaque('node.secret', MAX_HASH_BYTES) }), 'secret_tree.nodes', 2 * MAX_TREE_LEAVES);
  const leaves = r.vector(
    (r2) => ({ leaf: r2.uint32('leaf'), handshake: decodeRatchet(r2), application: decodeRatchet(r2) }),
    'secret_tree.leaves',
    MAX_TREE_LEAVES,
  );
  return { leafCount, nodeSecrets, leaves };
}

function encodeState(w: Writer, state: GroupState, options: SerializeOptions): void {
  w.uint8(GROUP_STATE_FORMAT_VERSION).uint16(state.suite.id);
  encodeGroupContext(w, state.groupContext);
  encodeRatchetTree(w, state.tree.toNodes());
  const privateTree = state.own.privateTree;
  w.uint32(state.own.leafIndex).opaque(state.own.signatureKey);
  w.vector(privateTree.nodes(), (w2, node) => w2.uint32(node).opaque(privateTree.privateKey(node)!));
  for (const name of EPOCH_KEY_NAMES) w.opaque(state.keys[name]);
  encodeSecretTree(w, savedSecretTree(state, options));
  w.opaque(state.interimTranscriptHash).opaque(state.confirmationTag);
  w.vector(state.pendingProposals, (w2, p) => {
    w2.opaque(p.ref);
    encodeProposal(w2, p.proposal);
    encodeSender(w2, p.sender);
  });
  w.vector(state.pastEpochs, (w2, past) => {
    encodeGroupContext(w2, past.groupContext);
    encodeRatchetTree(w2, past.tree.toNodes());
    encodeSecretTree(w2, past.secretTree.snapshot());
    w2.opaque(past.senderDataSecret);
  });
  w.vector(state.resumptionPsks, (w2, p) => w2.uint64(p.epoch).opaque(p.psk));
  w.optional(state.reinit, encodeReInit);
  w.vector(state.ownUpdates ?? [], (w2, pair) => w2.opaque(pair.privateKey).opaque(pair.publicKey));
}

/**
 * The bytes of `state` (format version GROUP_STATE_FORMAT_VERSION). Secret: encrypt before storing.
 * @throws GroupError('malformed-state') for `ownApplicationAt` while our leaf's ratchets are not initialised
 */
export function serializeGroupState(state: GroupState, options: SerializeOptions = {}): Uint8Array {
  return encode((w, s: GroupState) => encodeState(w, s, options), state);
}

function decodeState(r: Reader, provider: CryptoProvider): GroupState {
  const suiteId = r.uint16('cipher_suite');
  let suite: CipherSuite;
  try {
    suite = cipherSuite(suiteId, provider);
  } catch (error) {
    if (error instanceof MlsCryptoError) throw new DecodeError('invalid-value', `unknown cipher suite ${suiteId}`);
    throw error;
  }
  const groupContext = decodeGroupContext(r);
  const tree = RatchetTree.fromNodes(decodeRatchetTree(r));
  const leafIndex = r.uint32('own_leaf');
  const signatureKey = r.opaque('signature_key', MAX_PRIVATE_KEY_BYTES);
  const privateKeys = r.vector((r2) => [r2.uint32('private_key.node'), r2.opaque('private_key.key', MAX_PRIVATE_KEY_BYTES)] as const, 'private_keys', MAX_TREE_DEPTH + 1);
  const keyValues = EPOCH_KEY_NAMES.map((name) => r.opaque(name, MAX_HASH_BYTES));
  const keys = Object.fromEntries(EPOCH_KEY_NAMES.map((name, i) => [name, keyValues[i]!])) as unknown as EpochKeys;
  const secretTree = SecretTree.fromSnapshot(suite, decodeSecretTree(r));
  const interimTranscriptHash = r.opaque('interim_transcript_hash', MAX_HASH_BYTES);
  const confirmationTag = r.opaque('confirmation_tag', MAX_HASH_BYTES);
  const pendingProposals = r.vector(
    (r2) => ({ ref: r2.opaque('ref', MAX_HASH_BYTES), proposal: decodeProposal(r2), sender: decodeSender(r2) }),
    'pending_proposals',
    MAX_PENDING_PROPOSALS,
  );
  const pastEpochs = r.vector(
    (r2): PastEpoch => ({
      groupContext: decodeGroupContext(r2),
      tree: RatchetTree.fromNodes(decodeRatchetTree(r2)),
      secretTree: SecretTree.fromSnapshot(suite, decodeSecretTree(r2)),
      senderDataSecret: r2.opaque('sender_data_secret', MAX_HASH_BYTES),
    }),
    'past_epochs',
    MAX_PAST_EPOCHS,
  );
  const resumptionPsks = r.vector((r2) => ({ epoch: r2.uint64('psk.epoch'), psk: r2.opaque('psk', MAX_HASH_BYTES) }), 'resumption_psks', MAX_RESUMPTION_PSKS);
  const reinit = r.optional(decodeReInit, 'reinit');
  const ownUpdates = r.vector(
    (r2) => ({ privateKey: r2.opaque('own_update.private_key', MAX_PRIVATE_KEY_BYTES), publicKey: r2.opaque('own_update.public_key', MAX_PUBLIC_KEY_BYTES) }),
    'own_updates',
    MAX_PENDING_PROPOSALS,
  );
  const privateTree = restorePrivateTree(tree, leafIndex, privateKeys);
  return sealState({
    suite,
    groupContext,
    tree,
    own: { leafIndex, signatureKey, privateTree },
    keys,
    secretTree,
    interimTranscriptHash,
    confirmationTag,
    pendingProposals,
    pastEpochs,
    resumptionPsks,
    ...(reinit === undefined ? {} : { reinit }),
    ...(ownUpdates.length === 0 ? {} : { ownUpdates }),
  });
}

/** Our private tree from saved private keys; each public key is the tree's at that node. */
function restorePrivateTree(tree: RatchetTree, leafIndex: number, keys: readonly (readonly [number, Uint8Array])[]): PrivateTree {
  const leafPublic = tree.leaf(leafIndex)?.encryptionKey;
  const leafPrivate = keys.find(([node]) => node === 2 * leafIndex)?.[1];
  if (leafPublic === undefined || leafPrivate === undefined) throw new DecodeError('invalid-value', `own leaf ${leafIndex} is blank or has no key`);
  const privateTree = PrivateTree.forLeaf(leafIndex, { privateKey: leafPrivate, publicKey: leafPublic });
  for (const [node, privateKey] of keys) {
    if (node === 2 * leafIndex) continue;
    const publicKey = node < tree.nodeCount ? tree.encryptionKey(node) : undefined;
    if (publicKey === undefined) throw new DecodeError('invalid-value', `private key for blank node ${node}`);
    privateTree.setKeyPair(node, { privateKey, publicKey });
  }
  return privateTree;
}

/**
 * Loads a state saved by `serializeGroupState`. The version byte is checked before
 * anything else is read.
 * @throws GroupError('unknown-version') for a format newer than this release knows
 * @throws GroupError('unsupported-version') for version 0 (never written) or a retired one
 * @throws GroupError('malformed-state') for anything that does not decode exactly
 */
export function deserializeGroupState(bytes: Uint8Array, provider: CryptoProvider): GroupState {
  if (bytes.length > MAX_SERIALIZED_STATE_BYTES) throw new GroupError('malformed-state', `${bytes.length} bytes > ${MAX_SERIALIZED_STATE_BYTES}`);
  if (bytes.length === 0) throw new GroupError('malformed-state', 'empty');
  const version = bytes[0]!;
  if (version > GROUP_STATE_FORMAT_VERSION) throw new GroupError('unknown-version', `format ${version}, this release reads up to ${GROUP_STATE_FORMAT_VERSION}`);
  if (version < GROUP_STATE_FORMAT_VERSION) throw new GroupError('unsupported-version', `format ${version}`);
  try {
    return decode(
      (r) => {
        r.uint8('format_version');
        return decodeState(r, provider);
      },
      bytes,
      'GroupState',
    );
  } catch (error) {
    if (error instanceof DecodeError || error instanceof TreeError || error instanceof SecretTreeError) {
      throw new GroupError('malformed-state', error.message, error);
    }
    throw error;
  }
}
