/**
 * Proposals and ProposalOrRef (RFC 9420 §12.1, §12.4).
 *
 *   struct { KeyPackage key_package; } Add;                                 §12.1.1
 *   struct { LeafNode leaf_node; } Update;                                  §12.1.2
 *   struct { uint32 removed; } Remove;                                      §12.1.3
 *   struct { PreSharedKeyID psk; } PreSharedKey;                            §12.1.4
 *   struct { opaque group_id<V>; ProtocolVersion version;
 *            CipherSuite cipher_suite; Extension extensions<V>; } ReInit;   §12.1.5
 *   struct { opaque kem_output<V>; } ExternalInit;                          §12.1.6
 *   struct { Extension extensions<V>; } GroupContextExtensions;             §12.1.7
 *
 *   struct { ProposalType proposal_type; select (...) { ... }; } Proposal;
 *   struct { ProposalOrRefType type;
 *            select (...) { case proposal: Proposal proposal;
 *                           case reference: ProposalRef reference; }; } ProposalOrRef;
 *
 * Unknown proposal types: the RFC gives them no wire layout (each new type defines its own
 * struct, and §13.5 forbids GREASE here). Like OpenMLS and ts-mls ("custom proposals"), we
 * read the body of a type we do not know as one `opaque<V>`, so it can round-trip and be
 * rejected where §12.2 says (a proposal type not in every member's capabilities).
 */
import { DecodeError } from '../codec/errors.ts';
import { decode, type Reader } from '../codec/reader.ts';
import { encode, type Writer } from '../codec/writer.ts';
import { type KnownProposalType, ProposalType, proposalOrRefTypeCodec } from './enums.ts';
import { decodeExtensions, encodeExtensions, type Extension } from './extensions.ts';
import { decodeKeyPackage, encodeKeyPackage, type KeyPackage } from './key-package.ts';
import { decodeLeafNode, encodeLeafNode, type LeafNode } from './leaf-node.ts';
import { MAX_GROUP_ID_BYTES, MAX_KEM_OUTPUT_BYTES } from './limits.ts';
import { decodeHashSized, type ProposalRef } from './primitives.ts';
import { decodePreSharedKeyID, encodePreSharedKeyID, type PreSharedKeyID } from './psk.ts';

/** Add (RFC 9420 §12.1.1). */
export interface Add {
  readonly keyPackage: KeyPackage;
}
/** Update (RFC 9420 §12.1.2). */
export interface Update {
  readonly leafNode: LeafNode;
}
/** Remove (RFC 9420 §12.1.3). */
export interface Remove {
  readonly removed: number;
}
/** PreSharedKey (RFC 9420 §12.1.4). */
export interface PreSharedKey {
  readonly psk: PreSharedKeyID;
}
/** ReInit (RFC 9420 §12.1.5). */
export interface ReInit {
  readonly groupId: Uint8Array;
  readonly version: number;
  readonly cipherSuite: number;
  readonly extensions: readonly Extension[];
}
/** ExternalInit (RFC 9420 §12.1.6). */
export interface ExternalInit {
  readonly kemOutput: Uint8Array;
}
/** GroupContextExtensions (RFC 9420 §12.1.7). */
export interface GroupContextExtensions {
  readonly extensions: readonly Extension[];
}
/** A proposal of a type this code does not know: its body as received. */
export interface UnknownProposal {
  readonly type: 'unknown';
  readonly proposalType: number;
  readonly data: Uint8Array;
}

/** Proposal (RFC 9420 §12.1). */
export type Proposal =
  | (Add & { readonly type: 'add' })
  | (Update & { readonly type: 'update' })
  | (Remove & { readonly type: 'remove' })
  | (PreSharedKey & { readonly type: 'psk' })
  | (ReInit & { readonly type: 'reinit' })
  | (ExternalInit & { readonly type: 'external_init' })
  | (GroupContextExtensions & { readonly type: 'group_context_extensions' })
  | UnknownProposal;

// ---------------------------------------------------------------------------------------
// The bodies (the "Serialized Add" etc. of the messages vectors)

/**
 * Writes Add (RFC 9420 §12.1.1).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function encodeAdd(writer: Writer, value: Add): void {
  encodeKeyPackage(writer, value.keyPackage);
}
/** @throws DecodeError */
export function decodeAdd(reader: Reader): Add {
  return { keyPackage: decodeKeyPackage(reader) };
}

/**
 * Writes Update (RFC 9420 §12.1.2).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function encodeUpdate(writer: Writer, value: Update): void {
  encodeLeafNode(writer, value.leafNode);
}
/** @throws DecodeError */
export function decodeUpdate(reader: Reader): Update {
  return { leafNode: decodeLeafNode(reader) };
}

/**
 * Writes Remove (RFC 9420 §12.1.3).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function encodeRemove(writer: Writer, value: Remove): void {
  writer.uint32(value.removed);
}
/** @throws DecodeError('truncated') */
export function decodeRemove(reader: Reader): Remove {
  return { removed: reader.uint32('Remove.removed') };
}

/**
 * Writes PreSharedKey (RFC 9420 §12.1.4).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function encodePreSharedKey(writer: Writer, value: PreSharedKey): void {
  encodePreSharedKeyID(writer, value.psk);
}
/** @throws DecodeError */
export function decodePreSharedKey(reader: Reader): PreSharedKey {
  return { psk: decodePreSharedKeyID(reader) };
}

/**
 * Writes ReInit (RFC 9420 §12.1.5).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function encodeReInit(writer: Writer, value: ReInit): void {
  writer.opaque(value.groupId).uint16(value.version).uint16(value.cipherSuite);
  encodeExtensions(writer, value.extensions);
}
/** @throws DecodeError */
export function decodeReInit(reader: Reader): ReInit {
  const groupId = reader.opaque('ReInit.group_id', MAX_GROUP_ID_BYTES);
  const version = reader.uint16('ReInit.version');
  const cipherSuite = reader.uint16('ReInit.cipher_suite');
  const extensions = decodeExtensions(reader, 'ReInit.extensions');
  return { groupId, version, cipherSuite, extensions };
}

/**
 * Writes ExternalInit (RFC 9420 §12.1.6).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function encodeExternalInit(writer: Writer, value: ExternalInit): void {
  writer.opaque(value.kemOutput);
}
/** @throws DecodeError */
export function decodeExternalInit(reader: Reader): ExternalInit {
  return { kemOutput: reader.opaque('ExternalInit.kem_output', MAX_KEM_OUTPUT_BYTES) };
}

/**
 * Writes GroupContextExtensions (RFC 9420 §12.1.7).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function encodeGroupContextExtensions(writer: Writer, value: GroupContextExtensions): void {
  encodeExtensions(writer, value.extensions);
}
/** @throws DecodeError */
export function decodeGroupContextExtensions(reader: Reader): GroupContextExtensions {
  return { extensions: decodeExtensions(reader, 'GroupContextExtensions.extensions') };
}

// ---------------------------------------------------------------------------------------
// Proposal

/** The wire number of a proposal's type. */
export function proposalTypeOf(value: Proposal): number {
  return value.type === 'unknown' ? value.proposalType : ProposalType[value.type];
}

/** @throws RangeError when an 'unknown' proposal carries a known or reserved type number */
export function encodeProposal(writer: Writer, value: Proposal): void {
  if (value.type === 'unknown' && proposalNames.has(value.proposalType)) {
    throw new RangeError(`proposal type ${value.proposalType} is not unknown`);
  }
  writer.uint16(proposalTypeOf(value));
  switch (value.type) {
    case 'add':
      return encodeAdd(writer, value);
    case 'update':
      return encodeUpdate(writer, value);
    case 'remove':
      return encodeRemove(writer, value);
    case 'psk':
      return encodePreSharedKey(writer, value);
    case 'reinit':
      return encodeReInit(writer, value);
    case 'external_init':
      return encodeExternalInit(writer, value);
    case 'group_context_extensions':
      return encodeGroupContextExtensions(writer, value);
    case 'unknown':
      writer.opaque(value.data);
      return;
  }
}

const proposalNames = new Map<number, KnownProposalType | 'reserved'>([
  [0, 'reserved'],
  ...(Object.entries(ProposalType) as [KnownProposalType, number][]).map(([name, value]) => [value, name] as const),
]);

/** @throws DecodeError('truncated' | 'too-large' | 'invalid-value' | 'trailing-bytes') */
export function decodeProposal(reader: Reader): Proposal {
  const proposalType = reader.uint16('Proposal.proposal_type');
  const name = proposalNames.get(proposalType);
  switch (name) {
    case 'add':
      return { type: name, ...decodeAdd(reader) };
    case 'update':
      return { type: name, ...decodeUpdate(reader) };
    case 'remove':
      return { type: name, ...decodeRemove(reader) };
    case 'psk':
      return { type: name, ...decodePreSharedKey(reader) };
    case 'reinit':
      return { type: name, ...decodeReInit(reader) };
    case 'external_init':
      return { type: name, ...decodeExternalInit(reader) };
    case 'group_context_extensions':
      return { type: name, ...decodeGroupContextExtensions(reader) };
    case 'reserved':
      throw new DecodeError('invalid-value', 'Proposal.proposal_type: reserved 0');
    case undefined:
      return { type: 'unknown', proposalType, data: reader.opaque('Proposal (unknown type)') };
  }
}

/**
 * Proposal, serialized (RFC 9420 §12.1).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function proposalBytes(value: Proposal): Uint8Array {
  return encode(encodeProposal, value);
}

/** @throws DecodeError when `bytes` is not exactly one Proposal */
export function parseProposal(bytes: Uint8Array): Proposal {
  return decode(decodeProposal, bytes, 'Proposal');
}

// ---------------------------------------------------------------------------------------
// ProposalOrRef

/** ProposalOrRef (RFC 9420 §12.4). */
export type ProposalOrRef = { readonly type: 'proposal'; readonly proposal: Proposal } | { readonly type: 'reference'; readonly reference: ProposalRef };

/**
 * Writes ProposalOrRef (RFC 9420 §12.4).
 * @throws RangeError on a value outside its wire range (a programming error)
 */
export function encodeProposalOrRef(writer: Writer, value: ProposalOrRef): void {
  proposalOrRefTypeCodec.write(writer, value.type);
  if (value.type === 'proposal') encodeProposal(writer, value.proposal);
  else writer.opaque(value.reference);
}

/** @throws DecodeError('truncated' | 'too-large' | 'invalid-value' | 'trailing-bytes') */
export function decodeProposalOrRef(reader: Reader): ProposalOrRef {
  const type = proposalOrRefTypeCodec.read(reader);
  if (type === 'proposal') return { type, proposal: decodeProposal(reader) };
  return { type, reference: decodeHashSized(reader, 'ProposalOrRef.reference') };
}
