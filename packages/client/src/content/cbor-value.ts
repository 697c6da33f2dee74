/**
 * The CBOR data model subset Sealed encodes (RFC 8949): unsigned and negative integers in
 * the safe-integer range, byte strings, text strings, arrays, maps with integer or text
 * keys, booleans and null. No tags, floats, undefined or indefinite lengths: MIMI content
 * needs none of them and each would be one more way to encode the same value.
 */
export type CborValue = number | Uint8Array | string | boolean | null | readonly CborValue[] | CborMap;

/** Map keys of the subset: what MIMI uses (`name = int / tstr`). */
export type CborKey = number | string;

/** A CBOR map; encoding sorts its entries into deterministic order. */
export class CborMap {
  constructor(readonly entries: readonly (readonly [CborKey, CborValue])[]) {}

  get(key: CborKey): CborValue | undefined {
    return this.entries.find(([k]) => k === key)?.[1];
  }
}
