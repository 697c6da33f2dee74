/**
 * Encoders for the small structs that RFC 9420 §5 feeds to the KDF, hash, signature and
 * HPKE: KDFLabel, RefHashInput, SignContent and EncryptContext. They are only ever
 * encoded (never decoded), so they live here beside their one user.
 *
 *   struct { uint16 length; opaque label<V>; opaque context<V>; } KDFLabel;          §5.1
 *   struct { opaque label<V>; opaque value<V>; } RefHashInput;                        §5.2
 *   struct { opaque label<V>; opaque content<V>; } SignContent;                       §5.1.2
 *   struct { opaque label<V>; opaque context<V>; } EncryptContext;                    §5.1.3
 *
 * In KDFLabel, SignContent and EncryptContext the label on the wire is "MLS 1.0 " + Label;
 * RefHash takes its label verbatim (the callers' labels already start with "MLS 1.0").
 */
import { Writer } from '../codec/writer.ts';

/** The protocol prefix of every label (RFC 9420 §5.1). */
const LABEL_PREFIX = 'MLS 1.0 ';

const utf8 = new TextEncoder();
const prefixedLabelCache = new Map<string, Uint8Array>();

/**
 * UTF-8 of "MLS 1.0 " + `label`. Labels are compile-time constants of this package (plus
 * exporter labels chosen by the application), so the cache stays small; it is bounded
 * anyway so an application that invents labels cannot grow it.
 */
const MAX_CACHED_LABELS = 64;
export function prefixedLabel(label: string): Uint8Array {
  let bytes = prefixedLabelCache.get(label);
  if (bytes === undefined) {
    bytes = utf8.encode(LABEL_PREFIX + label);
    if (prefixedLabelCache.size < MAX_CACHED_LABELS) prefixedLabelCache.set(label, bytes);
  }
  return bytes;
}

/** KDFLabel for ExpandWithLabel (§5.1). */
export function encodeKdfLabel(label: string, context: Uint8Array, length: number): Uint8Array {
  const labelBytes = prefixedLabel(label);
  return new Writer(2 + 4 + labelBytes.length + 4 + context.length).uint16(length).opaque(labelBytes).opaque(context).finish();
}

/** RefHashInput (§5.2); `label` is used verbatim. */
export function encodeRefHashInput(label: string, value: Uint8Array): Uint8Array {
  const labelBytes = utf8.encode(label);
  return new Writer(8 + labelBytes.length + value.length).opaque(labelBytes).opaque(value).finish();
}

/** SignContent (§5.1.2). */
export function encodeSignContent(label: string, content: Uint8Array): Uint8Array {
  const labelBytes = prefixedLabel(label);
  return new Writer(8 + labelBytes.length + content.length).opaque(labelBytes).opaque(content).finish();
}

/** EncryptContext (§5.1.3). */
export function encodeEncryptContext(label: string, context: Uint8Array): Uint8Array {
  const labelBytes = prefixedLabel(label);
  return new Writer(8 + labelBytes.length + context.length).opaque(labelBytes).opaque(context).finish();
}
