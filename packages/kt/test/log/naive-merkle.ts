/**
 * An independent, deliberately naive RFC 9162 §2.1.1 Merkle Tree Hash for tests: it hashes
 * raw entries with node:crypto (not @noble/hashes) and splits lists the way the RFC's
 * definition reads, so a shared bug with src/log is unlikely.
 */
import { createHash } from 'node:crypto';

function sha256(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

export function naiveLeafHash(entry: Uint8Array): Uint8Array {
  return sha256(Uint8Array.of(0), entry);
}

export function naiveRoot(entries: readonly Uint8Array[]): Uint8Array {
  if (entries.length === 0) return sha256();
  if (entries.length === 1) return naiveLeafHash(entries[0] as Uint8Array);
  let k = 1;
  while (k * 2 < entries.length) k *= 2;
  return sha256(Uint8Array.of(1), naiveRoot(entries.slice(0, k)), naiveRoot(entries.slice(k)));
}

/** Entry i of a synthetic log: 4 octets of i, then i mod 7 filler octets. */
export function entry(i: number): Uint8Array {
  const out = new Uint8Array(4 + (i % 7));
  new DataView(out.buffer).setUint32(0, i);
  out.fill(0xa5, 4);
  return out;
}
