// Detects unbounded allocation while decoding: for the duration of `run`, constructing a
// Uint8Array or ArrayBuffer is measured (the construction still happens, so the code under
// test behaves as usual) and the largest size is returned. A decoder that trusts a hostile
// length prefix shows up here however fast the allocation is.
const OriginalUint8Array = globalThis.Uint8Array;
const OriginalArrayBuffer = globalThis.ArrayBuffer;

export function largestAllocation(run: () => void): number {
  let largest = 0;
  const note = (size: unknown): void => {
    if (typeof size === 'number' && size > largest) largest = size;
  };
  // `instanceof Uint8Array` must stay true for arrays made before the swap (byte checks rely on it).
  class GuardedUint8Array extends OriginalUint8Array {
    static override [Symbol.hasInstance](value: unknown): boolean {
      return value instanceof OriginalUint8Array;
    }
    constructor(...args: unknown[]) {
      note(args[0]);
      super(...(args as [number]));
    }
  }
  class GuardedArrayBuffer extends OriginalArrayBuffer {
    static override [Symbol.hasInstance](value: unknown): boolean {
      return value instanceof OriginalArrayBuffer;
    }
    constructor(...args: unknown[]) {
      note(args[0]);
      super(...(args as [number]));
    }
  }
  globalThis.Uint8Array = GuardedUint8Array as unknown as Uint8ArrayConstructor;
  globalThis.ArrayBuffer = GuardedArrayBuffer as unknown as ArrayBufferConstructor;
  try {
    run();
  } finally {
    globalThis.Uint8Array = OriginalUint8Array;
    globalThis.ArrayBuffer = OriginalArrayBuffer;
  }
  return largest;
}
