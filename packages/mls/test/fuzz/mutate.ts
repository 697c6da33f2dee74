// Byte-level mutations for the decoder fuzz tests: bit flips, truncations, insertions,
// overwrites with a huge QUIC-style varint length (RFC 9420 §2.1.2), and duplications. Each
// is bounded: the output is at most a few bytes longer than the input.
import fc from 'fast-check';

/** A 4-byte varint claiming 2^30 - 1 bytes: what a hostile length prefix looks like. */
export const HUGE_VARINT = Uint8Array.of(0xbf, 0xff, 0xff, 0xff);

export type ByteMutation =
  | { readonly kind: 'flip'; readonly at: number; readonly bit: number }
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'insert'; readonly at: number; readonly bytes: Uint8Array }
  | { readonly kind: 'huge-length'; readonly at: number }
  | { readonly kind: 'set'; readonly at: number; readonly value: number };

const position = fc.nat({ max: 1 << 20 });

export const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: position, bit: fc.nat({ max: 7 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({ kind: fc.constant('insert' as const), at: position, bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('huge-length' as const), at: position }),
  fc.record({ kind: fc.constant('set' as const), at: position, value: fc.constantFrom(0x00, 0x01, 0x3f, 0x40, 0x7f, 0x80, 0xbf, 0xc0, 0xff) }),
);

/** Applies 1-3 mutations in turn; positions wrap around the current length. */
export const byteMutations: fc.Arbitrary<ByteMutation[]> = fc.array(byteMutation, { minLength: 1, maxLength: 3 });

export function applyMutation(input: Uint8Array, m: ByteMutation): Uint8Array {
  const at = input.length === 0 ? 0 : m.at % input.length;
  switch (m.kind) {
    case 'flip': {
      const out = input.slice();
      if (out.length > 0) out[at] = out[at]! ^ (1 << m.bit);
      return out;
    }
    case 'truncate':
      return input.slice(0, at);
    case 'insert':
    case 'huge-length': {
      const inserted = m.kind === 'insert' ? m.bytes : HUGE_VARINT;
      const out = new Uint8Array(input.length + inserted.length);
      out.set(input.subarray(0, at));
      out.set(inserted, at);
      out.set(input.subarray(at), at + inserted.length);
      return out;
    }
    case 'set': {
      const out = input.slice();
      if (out.length > 0) out[at] = m.value;
      return out;
    }
  }
}

export function applyMutations(input: Uint8Array, ms: readonly ByteMutation[]): Uint8Array {
  return ms.reduce(applyMutation, input);
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** `input` with HUGE_VARINT written at `at`, inserted or over the bytes there. */
export function withHugeLength(input: Uint8Array, at: number, overwrite: boolean): Uint8Array {
  const head = input.subarray(0, at);
  const tail = input.subarray(Math.min(input.length, overwrite ? at + HUGE_VARINT.length : at));
  const out = new Uint8Array(head.length + HUGE_VARINT.length + tail.length);
  out.set(head);
  out.set(HUGE_VARINT, head.length);
  out.set(tail, head.length + HUGE_VARINT.length);
  return out;
}
