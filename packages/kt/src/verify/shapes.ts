/**
 * The decoded proof structures the verifiers take. They have the same shape as the wire
 * types of @sealed/protocol/transparency (which decode them strictly), so a decoded response
 * is passed as is; kt stays free of a dependency on the protocol package.
 */
import type { PrefixBatchProof } from '../prefix/prefix-batch.ts';

export interface TreeHeadShape {
  readonly treeSize: number;
  readonly signature: Uint8Array;
}

export interface AuditorTreeHeadShape {
  readonly auditorPublicKey: Uint8Array;
  readonly timestamp: number;
  readonly treeSize: number;
  readonly signature: Uint8Array;
}

export type FullTreeHeadShape =
  | { readonly headType: 'same' }
  | { readonly headType: 'updated'; readonly treeHead: TreeHeadShape; readonly auditorTreeHeads: readonly AuditorTreeHeadShape[] };

export interface LogEntryProofShape {
  readonly timestamp: number;
  readonly prefixRoot: Uint8Array;
  readonly inclusion: readonly Uint8Array[];
}

export interface LatestEntryProofShape extends LogEntryProofShape {
  readonly consistency: readonly Uint8Array[];
}

export interface LadderStepShape {
  readonly proof: Uint8Array;
  readonly commitment?: Uint8Array;
}

export interface SearchProofShape {
  readonly latest: LatestEntryProofShape;
  readonly prefix: PrefixBatchProof;
}

export interface SearchResponseShape {
  readonly fullTreeHead: FullTreeHeadShape;
  readonly version: number;
  readonly opening: Uint8Array;
  readonly value: Uint8Array;
  readonly binaryLadder: readonly LadderStepShape[];
  readonly search: SearchProofShape;
}

export interface MonitoredVersionShape {
  readonly vrfProof: Uint8Array;
  readonly opening: Uint8Array;
  readonly value: Uint8Array;
  readonly position: number;
  readonly inserted: LogEntryProofShape;
  readonly insertedProof: PrefixBatchProof;
  readonly prior?: { readonly entry: LogEntryProofShape; readonly absentProof: PrefixBatchProof };
}

export interface MonitorResponseShape {
  readonly fullTreeHead: FullTreeHeadShape;
  readonly greatestVersion: number;
  readonly binaryLadder: readonly LadderStepShape[];
  readonly search: SearchProofShape;
  readonly versions: readonly MonitoredVersionShape[];
}

export interface CheckpointResponseShape {
  readonly fullTreeHead: FullTreeHeadShape;
  readonly latest: LatestEntryProofShape;
}
