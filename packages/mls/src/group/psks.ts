/**
 * Looking up the PSKs a commit or Welcome injects and combining them (RFC 9420 §8.4,
 * §8.6). External PSKs and resumption PSKs of other groups come from the application;
 * resumption PSKs of this group's own recent epochs come from the state.
 */
import { encode } from '../codec/writer.ts';
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { pskSecret } from '../key-schedule/psk-secret.ts';
import { MAX_PSKS } from '../structs/limits.ts';
import { encodePreSharedKeyID, type PreSharedKeyID } from '../structs/psk.ts';
import { GroupError } from './errors.ts';
import type { GroupState } from './state.ts';

/** Returns the secret of a PSK the application holds (external, or another group's resumption PSK), or undefined. */
export type PskResolver = (id: PreSharedKeyID) => Uint8Array | undefined;

/** The default resolver: knows no PSK. */
export const noPsks: PskResolver = () => undefined;

function sameBytes(suite: CipherSuite, a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && suite.provider.constantTimeEqual(a, b);
}

/** A resumption PSK of `state`'s own group, current or kept past epoch (§8.6). */
function ownResumptionPsk(state: GroupState, id: PreSharedKeyID): Uint8Array | undefined {
  if (id.type !== 'resumption' || !sameBytes(state.suite, id.pskGroupId, state.groupContext.groupId)) return undefined;
  if (id.pskEpoch === state.groupContext.epoch) return state.keys.resumptionPsk;
  return state.resumptionPsks.find((p) => p.epoch === id.pskEpoch)?.psk;
}

/**
 * psk_secret for `ids` in order (§8.4): undefined (the zero vector) when there are none.
 * @throws GroupError('too-many-proposals') above MAX_PSKS
 * @throws GroupError('missing-psk') when a PSK can be found neither in `state` nor by `resolve`
 */
export function resolvePskSecret(suite: CipherSuite, ids: readonly PreSharedKeyID[], resolve: PskResolver, state?: GroupState): Uint8Array | undefined {
  if (ids.length === 0) return undefined;
  if (ids.length > MAX_PSKS) throw new GroupError('too-many-proposals', `${ids.length} PSKs > ${MAX_PSKS}`);
  const inputs = ids.map((id, index) => {
    const psk = (state === undefined ? undefined : ownResumptionPsk(state, id)) ?? resolve(id);
    if (psk === undefined) throw new GroupError('missing-psk', `PSK ${index} (${id.type})`);
    if (id.pskNonce.length !== suite.Nh) throw new GroupError('invalid-proposal', `PSK ${index}: nonce of ${id.pskNonce.length} bytes, suite needs ${suite.Nh}`);
    return { encodedId: encode(encodePreSharedKeyID, id), psk };
  });
  return pskSecret(suite, inputs);
}
