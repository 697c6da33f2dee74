/**
 * Extension (RFC 9420 §7.2, §13) and the typed bodies of the extensions the RFC defines.
 *
 *   struct { ExtensionType extension_type; opaque extension_data<V>; } Extension;
 *
 * An Extension keeps its extension_data as raw bytes, so every extension, known, unknown or
 * GREASE (§13.5), re-encodes to exactly what was received. The typed bodies are parsed on
 * demand with the functions below:
 *
 *   opaque application_id<V>;                                         §5.3.3
 *   struct { ExtensionType extension_types<V>; ProposalType proposal_types<V>;
 *            CredentialType credential_types<V>; } RequiredCapabilities;  §11.1
 *   struct { HPKEPublicKey external_pub; } ExternalPub;                 §12.4.3.2
 *   struct { SignaturePublicKey signature_key; Credential credential; } ExternalSender;
 *   ExternalSender external_senders<V>;                                 §12.1.8.1
 *
 * The ratchet_tree extension body (`optional<Node> ratchet_tree<V>`, §12.4.3.3) lives in
 * ratchet-tree.ts beside Node, to keep the import graph acyclic.
 */
import { decode, type Reader } from '../codec/reader.ts';
import { encode, type Writer } from '../codec/writer.ts';
import { type Credential, decodeCredential, encodeCredential } from './credential.ts';
import { decodeUint16List, encodeUint16List } from './capabilities.ts';
import { ExtensionType } from './enums.ts';
import { MAX_EXTENSIONS, MAX_EXTERNAL_SENDERS } from './limits.ts';
import { decodePublicKey, type HPKEPublicKey, type SignaturePublicKey } from './primitives.ts';

/** Extension (RFC 9420 §7.2). */
export interface Extension {
  readonly extensionType: number;
  readonly extensionData: Uint8Array;
}

/**
 * Writes Extension (RFC 9420 §7.2).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function encodeExtension(writer: Writer, value: Extension): void {
  writer.uint16(value.extensionType).opaque(value.extensionData);
}

/** @throws DecodeError('truncated' | 'too-large') */
export function decodeExtension(reader: Reader): Extension {
  const extensionType = reader.uint16('Extension.extension_type');
  const extensionData = reader.opaque('Extension.extension_data');
  return { extensionType, extensionData };
}

/** Writes `Extension extensions<V>`. */
export function encodeExtensions(writer: Writer, values: readonly Extension[]): void {
  writer.vector(values, encodeExtension);
}

/**
 * Reads `Extension extensions<V>` of at most MAX_EXTENSIONS entries.
 * @throws DecodeError('truncated' | 'too-large' | 'trailing-bytes')
 */
export function decodeExtensions(reader: Reader, what: string): Extension[] {
  return reader.vector(decodeExtension, what, MAX_EXTENSIONS);
}

/** The first extension of `type` in `list`, if any. */
export function findExtension(list: readonly Extension[], type: number): Extension | undefined {
  return list.find((e) => e.extensionType === type);
}

// ---------------------------------------------------------------------------------------
// application_id

/** An application_id extension carrying `applicationId`. */
export function applicationIdExtension(applicationId: Uint8Array): Extension {
  return { extensionType: ExtensionType.application_id, extensionData: encode((w, v: Uint8Array) => w.opaque(v), applicationId) };
}

/** @throws DecodeError when `data` is not exactly one `opaque application_id<V>` */
export function parseApplicationId(data: Uint8Array): Uint8Array {
  return decode((r) => r.opaque('application_id'), data, 'application_id');
}

// ---------------------------------------------------------------------------------------
// required_capabilities

/** RequiredCapabilities (RFC 9420 §11.1). */
export interface RequiredCapabilities {
  readonly extensionTypes: readonly number[];
  readonly proposalTypes: readonly number[];
  readonly credentialTypes: readonly number[];
}

/**
 * Writes RequiredCapabilities (RFC 9420 §11.1).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function encodeRequiredCapabilities(writer: Writer, value: RequiredCapabilities): void {
  encodeUint16List(writer, value.extensionTypes);
  encodeUint16List(writer, value.proposalTypes);
  encodeUint16List(writer, value.credentialTypes);
}

/** @throws DecodeError('truncated' | 'too-large' | 'trailing-bytes') */
export function decodeRequiredCapabilities(reader: Reader): RequiredCapabilities {
  const extensionTypes = decodeUint16List(reader, 'RequiredCapabilities.extension_types');
  const proposalTypes = decodeUint16List(reader, 'RequiredCapabilities.proposal_types');
  const credentialTypes = decodeUint16List(reader, 'RequiredCapabilities.credential_types');
  return { extensionTypes, proposalTypes, credentialTypes };
}

/** An Extension carrying RequiredCapabilities as its extension_data (RFC 9420 §11.1). */
export function requiredCapabilitiesExtension(value: RequiredCapabilities): Extension {
  return { extensionType: ExtensionType.required_capabilities, extensionData: encode(encodeRequiredCapabilities, value) };
}

/** @throws DecodeError when `data` is not exactly one RequiredCapabilities */
export function parseRequiredCapabilities(data: Uint8Array): RequiredCapabilities {
  return decode(decodeRequiredCapabilities, data, 'RequiredCapabilities');
}

// ---------------------------------------------------------------------------------------
// external_pub

/** ExternalPub (RFC 9420 §12.4.3.2). */
export interface ExternalPub {
  readonly externalPub: HPKEPublicKey;
}

/**
 * Writes ExternalPub (RFC 9420 §12.4.3.2).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function encodeExternalPub(writer: Writer, value: ExternalPub): void {
  writer.opaque(value.externalPub);
}

/** @throws DecodeError('truncated' | 'too-large') */
export function decodeExternalPub(reader: Reader): ExternalPub {
  return { externalPub: decodePublicKey(reader, 'ExternalPub.external_pub') };
}

/** An Extension carrying ExternalPub as its extension_data (RFC 9420 §12.4.3.2). */
export function externalPubExtension(value: ExternalPub): Extension {
  return { extensionType: ExtensionType.external_pub, extensionData: encode(encodeExternalPub, value) };
}

/** @throws DecodeError when `data` is not exactly one ExternalPub */
export function parseExternalPub(data: Uint8Array): ExternalPub {
  return decode(decodeExternalPub, data, 'ExternalPub');
}

// ---------------------------------------------------------------------------------------
// external_senders

/** ExternalSender (RFC 9420 §12.1.8.1). */
export interface ExternalSender {
  readonly signatureKey: SignaturePublicKey;
  readonly credential: Credential;
}

/**
 * Writes ExternalSender (RFC 9420 §12.1.8.1).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function encodeExternalSender(writer: Writer, value: ExternalSender): void {
  writer.opaque(value.signatureKey);
  encodeCredential(writer, value.credential);
}

/** @throws DecodeError('truncated' | 'too-large' | 'invalid-value') */
export function decodeExternalSender(reader: Reader): ExternalSender {
  const signatureKey = decodePublicKey(reader, 'ExternalSender.signature_key');
  const credential = decodeCredential(reader);
  return { signatureKey, credential };
}

/**
 * Writes ExternalSenders (RFC 9420 §12.1.8.1).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function encodeExternalSenders(writer: Writer, values: readonly ExternalSender[]): void {
  writer.vector(values, encodeExternalSender);
}

/** @throws DecodeError('truncated' | 'too-large' | 'invalid-value' | 'trailing-bytes') */
export function decodeExternalSenders(reader: Reader): ExternalSender[] {
  return reader.vector(decodeExternalSender, 'external_senders', MAX_EXTERNAL_SENDERS);
}

/** An Extension carrying ExternalSenders as its extension_data (RFC 9420 §12.1.8.1). */
export function externalSendersExtension(values: readonly ExternalSender[]): Extension {
  return { extensionType: ExtensionType.external_senders, extensionData: encode(encodeExternalSenders, values) };
}

/** @throws DecodeError when `data` is not exactly one `ExternalSender external_senders<V>` */
export function parseExternalSenders(data: Uint8Array): ExternalSender[] {
  return decode(decodeExternalSenders, data, 'external_senders');
}
