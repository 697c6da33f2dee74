/**
 * Bounds on the counts and sizes the MLS struct decoders accept from the wire (RFC 9420
 * leaves them at 2^30 - 1). Each is checked by the Reader before the work or allocation
 * it would cause; the codec's MAX_VECTOR_BYTES (16 MiB) still caps every vector.
 */

/**
 * Depth of the largest ratchet tree we accept: 2^16 = 65,536 members. Sealed groups are
 * conversations (a few devices per person); this is far above any group we serve and keeps
 * every per-tree loop bounded.
 */
export const MAX_TREE_DEPTH = 16;

/** Leaves of the largest tree (2^MAX_TREE_DEPTH). */
export const MAX_TREE_LEAVES = 2 ** MAX_TREE_DEPTH;

/** Entries of a ratchet_tree extension (RFC 9420 §12.4.3.3): a full tree of MAX_TREE_LEAVES leaves. */
export const MAX_RATCHET_TREE_NODES = 2 * MAX_TREE_LEAVES - 1;

/** ParentNode.unmerged_leaves: at most one entry per leaf of the tree. */
export const MAX_UNMERGED_LEAVES = MAX_TREE_LEAVES;

/** UpdatePath.nodes: one per node of the filtered direct path, at most the tree depth (§7.6). */
export const MAX_UPDATE_PATH_NODES = MAX_TREE_DEPTH;

/** UpdatePathNode.encrypted_path_secret: one per node of a copath resolution, at most the leaves of a subtree. */
export const MAX_PATH_SECRET_CIPHERTEXTS = MAX_TREE_LEAVES;

/**
 * Commit.proposals: creating a large group adds every member in one commit; 4096 covers
 * that and bounds the proposal-list validation of §12.2.
 */
export const MAX_PROPOSALS_PER_COMMIT = 4096;

/** Welcome.secrets: one per member added by the commit, so no more than its proposals. */
export const MAX_WELCOME_SECRETS = MAX_PROPOSALS_PER_COMMIT;

/**
 * Any Extension list (LeafNode, KeyPackage, GroupContext, GroupInfo, ReInit, ...). The RFC
 * defines five types; GREASE (§13.5) and application extensions add a handful more.
 */
export const MAX_EXTENSIONS = 64;

/** Each list of Capabilities and RequiredCapabilities (uint16 code points, GREASE included). */
export const MAX_CAPABILITY_ENTRIES = 256;

/** external_senders extension: a few delivery/moderation services per group. */
export const MAX_EXTERNAL_SENDERS = 64;

/**
 * PreSharedKey IDs in GroupSecrets.psks. PSKLabel.count is a uint16 (§8.4) so the RFC
 * allows 65,535; a commit injecting more than a few PSKs has no use case.
 */
export const MAX_PSKS = 64;

/** Basic credential identity: Sealed names `account/device`; 4 KiB leaves room for other schemes (DIDs, URIs). */
export const MAX_CREDENTIAL_IDENTITY_BYTES = 4096;

/** Certificates in an x509 credential chain. */
export const MAX_CERTIFICATES = 16;

/** One DER certificate (cert_data), or the payload of a credential type we do not know. */
export const MAX_CERTIFICATE_BYTES = 64 * 1024;

/**
 * HPKE and signature public keys. The largest in use are post-quantum: ML-KEM-1024 1,568
 * bytes, ML-DSA-87 2,592 bytes; 8 KiB leaves headroom.
 */
export const MAX_PUBLIC_KEY_BYTES = 8 * 1024;

/** A signature: SLH-DSA-256f signatures are 49,856 bytes, the largest standard one. */
export const MAX_SIGNATURE_BYTES = 64 * 1024;

/**
 * Hash-sized values: MACs, tree and transcript hashes, parent hashes, references, PSK
 * nonces, joiner and path secrets. Every MLS hash/KDF output is at most 64 bytes (SHA-512).
 */
export const MAX_HASH_BYTES = 64;

/** A KEM output (ExternalInit, HPKECiphertext.kem_output): ML-KEM-1024 ciphertexts are 1,568 bytes. */
export const MAX_KEM_OUTPUT_BYTES = 8 * 1024;

/** group_id: Sealed uses 32 random bytes; other implementations use UUIDs or short names. */
export const MAX_GROUP_ID_BYTES = 256;

/** An external PSK's psk_id: an application-chosen name. */
export const MAX_PSK_ID_BYTES = 1024;

/**
 * PrivateMessage.encrypted_sender_data: SenderData is 12 bytes plus an AEAD tag (16 bytes
 * for every suite); 256 leaves room for any AEAD.
 */
export const MAX_SENDER_DATA_CIPHERTEXT_BYTES = 256;
