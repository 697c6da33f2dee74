/**
 * The code points of RFC 9420 and how they are read from the wire.
 *
 * Two kinds:
 * - Closed enums (ContentType, SenderType, WireFormat, LeafNodeSource, NodeType, PSKType,
 *   ResumptionPSKUsage, ProposalOrRefType): a value outside the table makes the enclosing
 *   select undecodable, so the decoder rejects it with DecodeError('invalid-value'). Their
 *   TypeScript type is the name (`'commit'`), used as the tag of discriminated unions.
 * - Open registries (ProtocolVersion, ProposalType, ExtensionType, CredentialType, and the
 *   cipher suites): unknown values are legal where §13.4/§13.5 say receivers ignore them
 *   (capabilities lists, extension lists, GREASE), so their type is `number` and they
 *   round-trip unchanged.
 *
 * Reserved value 0 is left out of every table: it is never valid on the wire.
 */
import { DecodeError } from '../codec/errors.ts';
import type { Reader } from '../codec/reader.ts';
import type { Writer } from '../codec/writer.ts';

// ---------------------------------------------------------------------------------------
// Open registries (uint16, §17): the type is the number.

/** ProtocolVersion (§6, uint16). */
export const ProtocolVersion = { mls10: 1 } as const;
/** A ProtocolVersion code point (RFC 9420 §6, uint16); values this code does not know are legal. */
export type ProtocolVersion = number;

/** ProposalType (§12.1, §17.4, uint16). */
export const ProposalType = {
  add: 1,
  update: 2,
  remove: 3,
  psk: 4,
  reinit: 5,
  external_init: 6,
  group_context_extensions: 7,
} as const;
/** A ProposalType code point (RFC 9420 §12.1, uint16); values this code does not know are legal. */
export type ProposalType = number;
/** Name of a proposal type this code knows. */
export type KnownProposalType = keyof typeof ProposalType;

/** ExtensionType (§13.3, §17.3, uint16). */
export const ExtensionType = {
  application_id: 1,
  ratchet_tree: 2,
  required_capabilities: 3,
  external_pub: 4,
  external_senders: 5,
} as const;
/** A ExtensionType code point (RFC 9420 §13.3, uint16); values this code does not know are legal. */
export type ExtensionType = number;

/** CredentialType (§5.3, §17.5, uint16). */
export const CredentialType = { basic: 1, x509: 2 } as const;
/** A CredentialType code point (RFC 9420 §5.3, uint16); values this code does not know are legal. */
export type CredentialType = number;

/** The GREASE code points of §13.5 (0x0A0A, 0x1A1A, ..., 0xEAEA), valid in every open registry. */
export const GREASE_VALUES: readonly number[] = Array.from({ length: 15 }, (_, i) => i * 0x1010 + 0x0a0a);

/** True for a GREASE code point (§13.5). */
export function isGrease(value: number): boolean {
  return greaseSet.has(value);
}
const greaseSet: ReadonlySet<number> = new Set(GREASE_VALUES);

// ---------------------------------------------------------------------------------------
// Closed enums: the type is the name.

/** ContentType (§6, uint8). */
export const ContentType = { application: 1, proposal: 2, commit: 3 } as const;
/** A ContentType by name (RFC 9420 §6). */
export type ContentType = keyof typeof ContentType;

/** SenderType (§6, uint8). */
export const SenderType = { member: 1, external: 2, new_member_proposal: 3, new_member_commit: 4 } as const;
/** A SenderType by name (RFC 9420 §6). */
export type SenderType = keyof typeof SenderType;

/**
 * WireFormat (§6, §17.2, uint16). An open registry in IANA terms, but a wire format this
 * code does not know cannot be parsed, so decoders reject it.
 */
export const WireFormat = {
  mls_public_message: 1,
  mls_private_message: 2,
  mls_welcome: 3,
  mls_group_info: 4,
  mls_key_package: 5,
} as const;
/** A WireFormat by name (RFC 9420 §6). */
export type WireFormat = keyof typeof WireFormat;

/** LeafNodeSource (§7.2, uint8). */
export const LeafNodeSource = { key_package: 1, update: 2, commit: 3 } as const;
/** A LeafNodeSource by name (RFC 9420 §7.2). */
export type LeafNodeSource = keyof typeof LeafNodeSource;

/** NodeType (§7.8, uint8). */
export const NodeType = { leaf: 1, parent: 2 } as const;
/** A NodeType by name (RFC 9420 §7.8). */
export type NodeType = keyof typeof NodeType;

/** PSKType (§8.4, uint8). */
export const PSKType = { external: 1, resumption: 2 } as const;
/** A PSKType by name (RFC 9420 §8.4). */
export type PSKType = keyof typeof PSKType;

/** ResumptionPSKUsage (§8.4, uint8). */
export const ResumptionPSKUsage = { application: 1, reinit: 2, branch: 3 } as const;
/** A ResumptionPSKUsage by name (RFC 9420 §8.4). */
export type ResumptionPSKUsage = keyof typeof ResumptionPSKUsage;

/** ProposalOrRefType (§12.4, uint8). */
export const ProposalOrRefType = { proposal: 1, reference: 2 } as const;
/** A ProposalOrRefType by name (RFC 9420 §12.4). */
export type ProposalOrRefType = keyof typeof ProposalOrRefType;

/** Reads and writes one closed enum of the given width. */
export interface EnumCodec<Name extends string> {
  /** @throws DecodeError('truncated' | 'invalid-value') */
  read(reader: Reader): Name;
  /** @throws RangeError when `name` is not in the table (a programming error) */
  write(writer: Writer, name: Name): void;
  /** The name of a wire value, or undefined when the table does not have it. */
  nameOf(value: number): Name | undefined;
}

function closedEnum<Name extends string>(table: Readonly<Record<Name, number>>, width: 8 | 16, what: string): EnumCodec<Name> {
  const names = new Map<number, Name>();
  for (const name of Object.keys(table) as Name[]) names.set(table[name], name);
  return {
    read(reader) {
      const value = width === 8 ? reader.uint8(what) : reader.uint16(what);
      const name = names.get(value);
      if (name === undefined) throw new DecodeError('invalid-value', `${what}: unknown value ${value}`);
      return name;
    },
    write(writer, name) {
      const value = Object.hasOwn(table, name) ? table[name] : undefined;
      if (value === undefined) throw new RangeError(`${what}: unknown name ${String(name)}`);
      if (width === 8) writer.uint8(value);
      else writer.uint16(value);
    },
    nameOf: (value) => names.get(value),
  };
}

/** Reads and writes ContentType (RFC 9420 §6). */
export const contentTypeCodec = closedEnum(ContentType, 8, 'ContentType');
/** Reads and writes SenderType (RFC 9420 §6). */
export const senderTypeCodec = closedEnum(SenderType, 8, 'SenderType');
/** Reads and writes WireFormat (RFC 9420 §6). */
export const wireFormatCodec = closedEnum(WireFormat, 16, 'WireFormat');
/** Reads and writes LeafNodeSource (RFC 9420 §7.2). */
export const leafNodeSourceCodec = closedEnum(LeafNodeSource, 8, 'LeafNodeSource');
/** Reads and writes NodeType (RFC 9420 §7.8). */
export const nodeTypeCodec = closedEnum(NodeType, 8, 'NodeType');
/** Reads and writes PSKType (RFC 9420 §8.4). */
export const pskTypeCodec = closedEnum(PSKType, 8, 'PSKType');
/** Reads and writes ResumptionPSKUsage (RFC 9420 §8.4). */
export const resumptionPskUsageCodec = closedEnum(ResumptionPSKUsage, 8, 'ResumptionPSKUsage');
/** Reads and writes ProposalOrRefType (RFC 9420 §12.4). */
export const proposalOrRefTypeCodec = closedEnum(ProposalOrRefType, 8, 'ProposalOrRefType');
