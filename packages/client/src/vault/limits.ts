/**
 * Every limit of the device vault, each with its reason. Values read from a vault header
 * (attacker-controlled when someone plants or edits the file) are checked against these
 * before any work is done.
 */

/** 1 KiB = 1024 bytes; Argon2 memory is counted in KiB (RFC 9106 §3.1, parameter m). */
export const KIB = 1024;

/**
 * Production floor for Argon2id memory: 64 MiB. RFC 9106 §4 names m = 2^16 KiB (64 MiB)
 * with t = 3 as the "uniformly safe" choice when memory is constrained; less memory makes
 * each offline guess cheaper on GPUs and ASICs. Calibration and the default never go below.
 */
export const MIN_ARGON2_MEMORY_KIB = 64 * 1024;

/**
 * Production floor for Argon2id passes (RFC 9106 §4, second recommended option: t = 3 at
 * 64 MiB). Calibration only raises it.
 */
export const MIN_ARGON2_ITERATIONS = 3;

/**
 * Largest Argon2id memory a header may ask for: 1 GiB. A planted header must not make us
 * allocate without bound; phone-class devices cannot spare more for an unlock anyway.
 */
export const MAX_ARGON2_MEMORY_KIB = 1024 * 1024;

/**
 * Most Argon2id passes a header may ask for: 64. At ~80 ms per 64 MiB pass in WASM this is
 * already several seconds per unlock; a planted header must not stall the app for minutes.
 */
export const MAX_ARGON2_ITERATIONS = 64;

/**
 * Most Argon2id lanes a header may name: 16. The WASM implementation runs lanes one after
 * another, so more lanes only cost us; the bound keeps a planted value meaningless.
 */
export const MAX_ARGON2_PARALLELISM = 16;

/**
 * Smallest memory tests may pass explicitly (with `allowWeakParametersForTests`): RFC 9106
 * §3.1 requires m >= 8 * p KiB; 8 KiB at p = 1 keeps unit tests fast.
 */
export const MIN_TEST_ARGON2_MEMORY_KIB = 8;

/** Argon2id salt length: 16 bytes, as RFC 9106 §3.1 recommends for password hashing. */
export const ARGON2_SALT_LENGTH = 16;

/** The vault key: 256 random bits (AES-256-GCM key length). */
export const VAULT_KEY_LENGTH = 32;

/** Default wrong passcodes in a row before the vault wipes itself (issue 5: 10, as phones do). */
export const DEFAULT_MAX_ATTEMPTS = 10;

/**
 * Highest configurable attempt limit: 1000. The counter is a u16 in the header; a limit
 * this high already makes the wipe useless against guessing, so higher values are refused.
 */
export const MAX_ATTEMPTS_LIMIT = 1000;

/**
 * Longest passcode accepted, in UTF-8 bytes after NFC normalisation: 1024. Bounds the input
 * Argon2id hashes; no human types more.
 */
export const MAX_PASSCODE_BYTES = 1024;

/**
 * Default time the calibration aims for on first use: 1000 ms per unlock. Each unlock pays
 * it once; every offline guess pays it too (on the attacker's hardware).
 */
export const DEFAULT_CALIBRATION_TARGET_MS = 1000;

/**
 * Longest calibration target accepted: 10 s. More would make unlocking unusable; the bound
 * also keeps a wrong unit (microseconds) from freezing the first run.
 */
export const MAX_CALIBRATION_TARGET_MS = 10_000;
