/**
 * Bounds on what a decoder will accept from the wire. Each is checked before any
 * allocation it would cause, so a hostile length prefix cannot make us allocate.
 */

/** RFC 9420 §2.1.2: a varint holds at most 30 bits. */
export const MAX_VARINT = 0x3fff_ffff;

/**
 * Largest single vector (opaque or list) we decode: 16 MiB. MLS messages of Sealed are
 * bounded far below this by the protocol layer; this is the codec's last line.
 */
export const MAX_VECTOR_BYTES = 16 * 1024 * 1024;

/** Deepest nesting of optional/vector structures a decoder follows. */
export const MAX_NESTING_DEPTH = 32;
