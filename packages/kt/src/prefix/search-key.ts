/**
 * The search key of a label-version pair (draft-ietf-keytrans-protocol, "Verifiable
 * Random Function"): the ECVRF-EDWARDS25519-SHA512-TAI output over VrfInput, truncated to
 * VRF.Nh = 32 octets (cipher suite KT_128_SHA256_Ed25519). The VRF hides labels from
 * whoever sees the tree, while the proof lets a client check the key it is given.
 */
import { vrfOutput32, vrfProofToHash, vrfProve, vrfVerify } from '../vrf/ecvrf.ts';
import { encodeVrfInput } from './commitment.ts';

export interface SearchKeyWithProof {
  /** The 32-octet search key (truncated VRF output). */
  readonly key: Uint8Array;
  /** The 80-octet VRF proof. */
  readonly proof: Uint8Array;
}

/**
 * The log's side: the search key and its VRF proof.
 * @throws {PrefixError} `label-too-long` / `invalid-version`; {@link VrfError} from proving.
 */
export function proveSearchKey(vrfSecretKey: Uint8Array, label: Uint8Array, version: number): SearchKeyWithProof {
  const proof = vrfProve(vrfSecretKey, encodeVrfInput(label, version));
  return { key: vrfOutput32(vrfProofToHash(proof)), proof };
}

/**
 * The client's side: verifies the VRF proof (RFC 9381 §5.3) and returns the search key.
 * @throws {PrefixError} `label-too-long` / `invalid-version`; {@link VrfError} when the
 *   proof or key is invalid.
 */
export function verifySearchKey(vrfPublicKey: Uint8Array, label: Uint8Array, version: number, proof: Uint8Array): Uint8Array {
  return vrfOutput32(vrfVerify(vrfPublicKey, encodeVrfInput(label, version), proof));
}
