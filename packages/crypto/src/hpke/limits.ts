/**
 * Size limits of the HPKE layer (RFC 9180 §7.2.1 lets an implementation bound its inputs).
 * Each is checked before any work is done, so an oversized input costs nothing but the check.
 *
 * Plaintext, ciphertext and aad have no limit here: the AEADs' own limits (2^36 bytes for
 * GCM) exceed any JavaScript buffer, and the message layer above (MLS, the relay protocol)
 * bounds message sizes before they reach HPKE. Keys, `enc` and KEM randomness have exact
 * lengths, checked by each KEM.
 */

/**
 * Longest accepted `info` and exporter context: 16 MiB. MLS (RFC 9420 §12.4.3.1) passes the
 * encrypted GroupInfo, which may carry the whole ratchet tree, as HPKE info; it is hashed
 * once, so the cost is linear. Anything larger is not a message Sealed would relay.
 */
export const MAX_INFO_LENGTH = 16 * 1024 * 1024;

/** Longest accepted exporter context; same reasoning as `MAX_INFO_LENGTH`. */
export const MAX_EXPORTER_CONTEXT_LENGTH = 16 * 1024 * 1024;

/**
 * Longest accepted key-derivation input (`ikm` of DeriveKeyPair, §7.1.3): 64 KiB. Callers
 * pass secrets of a hash length or two; the bound only stops absurd inputs.
 */
export const MAX_IKM_LENGTH = 64 * 1024;

/** Longest accepted PSK and PSK id (§5.1.2): 64 KiB, for the same reason as `MAX_IKM_LENGTH`. */
export const MAX_PSK_LENGTH = 64 * 1024;
export const MAX_PSK_ID_LENGTH = 64 * 1024;

/**
 * Shortest accepted PSK: RFC 9180 §5.1.2 requires at least 32 bytes of entropy, and §9.5
 * explains why a low-entropy PSK is dangerous in psk mode (offline guessing).
 */
export const MIN_PSK_LENGTH = 32;
