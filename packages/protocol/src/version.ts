/**
 * Protocol versions. Every binary frame and every signed structure starts with a version
 * byte, checked before anything else is decoded. A version below the oldest we accept is
 * "too old" (the peer must upgrade); above the newest is "unknown" (we must upgrade).
 */

/** The version this code writes. */
export const PROTOCOL_VERSION = 1;
/** The oldest version this code still reads. */
export const MIN_PROTOCOL_VERSION = 1;
/** Path prefix of every HTTP endpoint of this version. */
export const HTTP_PREFIX = '/v1';
