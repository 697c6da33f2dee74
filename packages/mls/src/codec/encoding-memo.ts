/**
 * The exact bytes a decoded struct came from, so that encoding it again (to verify its
 * signature, to hash it into the transcript) copies them instead of walking the struct.
 * A received commit of a large group carries about a thousand HPKE ciphertexts (1.1 MB on
 * the post-quantum suite) and is encoded twice while being processed.
 *
 * Sound because the decoder is strict (minimal varints, 0/1 optional flags, exact lengths,
 * no trailing bytes; see reader.ts): every accepted input is the one encoding of the value
 * it decodes to, so the remembered bytes equal what the encoder would write. Decoded values
 * are never mutated (changes build new objects, which have no memo), so the memo cannot go
 * stale. Held in a WeakMap: it lives as long as the value.
 */
const memo = new WeakMap<object, Uint8Array>();

/** Records that `value` was decoded from exactly `bytes` (which the caller no longer changes). */
export function rememberEncoding(value: object, bytes: Uint8Array): void {
  memo.set(value, bytes);
}

/** The bytes `value` was decoded from, if it was decoded (and not built) here. */
export function rememberedEncoding(value: object): Uint8Array | undefined {
  return memo.get(value);
}
