/**
 * One version of a binary ladder (draft-ietf-keytrans-protocol, "Search"):
 *
 *   BinaryLadderStep: proof[80] (ECVRF proof of the label-version's search key)
 *                     | optional<HashValue> commitment
 *   UpdateValue:      value<0..2^32-1>   (UpdateSuffix empty outside third-party management)
 */
import { KT_HASH_BYTES, KT_MAX_LADDER_STEPS, KT_MAX_VALUE_BYTES, KT_VRF_PROOF_BYTES } from './limits.ts';
import type { TlsReader, TlsWriter } from './tls.ts';

export interface BinaryLadderStep {
  readonly proof: Uint8Array;
  readonly commitment?: Uint8Array;
}

const STEP_MAX_BYTES = KT_VRF_PROOF_BYTES + 1 + KT_HASH_BYTES;

export function readLadderStep(r: TlsReader): BinaryLadderStep {
  const proof = r.fixed(KT_VRF_PROOF_BYTES, 'BinaryLadderStep.proof');
  const commitment = r.optional('BinaryLadderStep.commitment', (x) => x.fixed(KT_HASH_BYTES, 'BinaryLadderStep.commitment'));
  return commitment === undefined ? { proof } : { proof, commitment };
}

export function writeLadderStep(w: TlsWriter, s: BinaryLadderStep): void {
  w.bytes(s.proof).optional(s.commitment, (x, c) => x.bytes(c));
}

/**
 * binary_ladder with a 2-octet length (deviation: the draft's <0..2^8-1> octets hold only
 * two 113-octet steps); at most KT_MAX_LADDER_STEPS steps.
 */
export function readLadder(r: TlsReader, what: string): BinaryLadderStep[] {
  return r.structList(2, KT_MAX_LADDER_STEPS * STEP_MAX_BYTES, KT_MAX_LADDER_STEPS, what, readLadderStep);
}

export function writeLadder(w: TlsWriter, steps: readonly BinaryLadderStep[]): void {
  w.nested(2, (inner) => {
    for (const s of steps) writeLadderStep(inner, s);
  });
}

export function readUpdateValue(r: TlsReader, what: string): Uint8Array {
  return r.vector(4, KT_MAX_VALUE_BYTES, what);
}

export function writeUpdateValue(w: TlsWriter, value: Uint8Array): void {
  w.vector(4, value);
}
