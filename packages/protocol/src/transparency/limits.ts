/**
 * Bounds of the key-transparency wire formats (docs/key-transparency.md, "Wire contract").
 * Every count and length an attacker controls is checked against one of these before
 * anything is allocated or hashed; each says why it is large enough.
 */

/** Hash.Nh of KT_128_SHA256_Ed25519: node values, roots, commitments. */
export const KT_HASH_BYTES = 32;
/** VRF.Nh: a search key is the VRF output cut to 32 octets. */
export const KT_VRF_OUTPUT_BYTES = 32;
/** VRF.Np: an ECVRF-EDWARDS25519-SHA512-TAI proof (RFC 9381 §5.5). */
export const KT_VRF_PROOF_BYTES = 80;
/** Nc: a commitment opening. */
export const KT_OPENING_BYTES = 16;
/** Ed25519 public keys (log, auditors). */
export const KT_PUBLIC_KEY_BYTES = 32;
/** Ed25519 signatures (tree heads, auditor tree heads). */
export const KT_SIGNATURE_BYTES = 64;
/** label<0..2^8-1>. */
export const KT_MAX_LABEL_BYTES = 255;
/**
 * The largest UpdateValue carried on the wire. The draft allows 2^32-1; Sealed's values are
 * a signed device list (at most MAX_DEVICE_LIST_BYTES, about 1.2 KiB) or a username binding,
 * so 64 KiB (the kt core's MAX_UPDATE_VALUE_LEN) leaves ample room and bounds hashing.
 */
export const KT_MAX_VALUE_BYTES = 64 * 1024;
/**
 * RFC 9162 audit paths and consistency proofs of a log below 2^53 leaves hold at most 2x53
 * hashes; 64 (the kt core's MAX_PROOF_HASHES) bounds both.
 */
export const KT_MAX_LOG_PROOF_HASHES = 64;
/**
 * Results of one PrefixProof: a full binary ladder has at most 33 + 32 lookups, a monitor
 * response adds one per monitored version (KT_MAX_MONITORED_VERSIONS); the draft's
 * results<0..2^8-1> caps it at 255.
 */
export const KT_MAX_PREFIX_RESULTS = 255;
/**
 * Elements of one PrefixProof: elements<0..2^16-1> holds at most 2,047 32-octet values.
 * A search key's path is about log2(accounts) + 2 deep (about 22 at 10^6 accounts) and
 * batched paths share their top, so a full 65-lookup ladder needs well under 2,047.
 */
export const KT_MAX_PREFIX_ELEMENTS = 2047;
/** binary_ladder<0..2^8-1>: one step per lookup of a full ladder (at most 65). */
export const KT_MAX_LADDER_STEPS = 65;
/**
 * Versions one monitor response may reveal. An account changes its device list a handful of
 * times a year; an owner offline for long gets the rest in the next response (it asks again
 * from the last version it verified).
 */
export const KT_MAX_MONITORED_VERSIONS = 32;
/** Auditor countersignatures on one FullTreeHead (the server's configured auditors). */
export const KT_MAX_AUDITORS = 16;
/**
 * Inserted search keys in one epoch. The server closes an epoch early (rolls the rest into
 * the next) rather than exceed it, so one audit epoch is at most 4 MiB of inserts.
 */
export const KT_MAX_INSERTS_PER_EPOCH = 65_536;
/** Epochs in one audit feed page (a page also stops once it holds KT_MAX_INSERTS_PER_EPOCH inserts). */
export const KT_MAX_AUDIT_PAGE_EPOCHS = 256;
/** The longest Configuration this protocol accepts (keys of the log, VRF and up to KT_MAX_AUDITORS auditors). */
export const KT_MAX_CONFIGURATION_BYTES = 2048;
