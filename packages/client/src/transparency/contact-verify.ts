/**
 * Verifying a contact's account through the transparency log (issue 6: "the client
 * verifies a contact's account and device list at first contact and before adding any
 * device to a group"). Two greatest-version searches:
 *
 *   username label  -> (account_id, identity_key)      kt/labels "username value"
 *   account label   -> the signed device list          kt/labels "account value"
 *
 * and the list must be signed by that identity key, name that username, and be exactly the
 * list the server's account endpoint served (a list served outside the log is refused).
 * There is no "accept with a warning": any failure throws and nothing is retained.
 */
import type { CryptoProvider } from '@sealed/crypto/provider';
import { accountLabel, decodeAccountValue, decodeUsernameValue, usernameLabel } from '@sealed/kt/labels/labels';
import { hashEquals } from '@sealed/kt/log/merkle-hash';
import { verifySearch } from '@sealed/kt/verify/search-verify';
import type { VerifyPolicy } from '@sealed/kt/verify/checkpoint-verify';
import { VerifyError } from '@sealed/kt/verify/verify-error';
import type { SearchResponseShape } from '@sealed/kt/verify/shapes';
import { decodeSignedDeviceList, type DeviceList } from '@sealed/protocol/device-list';
import { normaliseUsername } from '@sealed/protocol/username';
import { retain, type RetainedCheckpoint } from './retained-checkpoint.ts';
import { TransparencyError } from './transparency-error.ts';
import { forkEvidence } from './fork-evidence.ts';

/** What the log vouches for about one contact. */
export interface VerifiedAccount {
  readonly username: string;
  readonly accountId: Uint8Array;
  readonly identityKey: Uint8Array;
  /** The canonical signed device list, byte for byte as the log holds it. */
  readonly signedDeviceList: Uint8Array;
  readonly deviceList: DeviceList;
  /** Versions of the two labels that were proven (the latest ones). */
  readonly usernameVersion: number;
  readonly accountVersion: number;
  /** The checkpoint both searches verified against (the second one). */
  readonly checkpoint: RetainedCheckpoint;
}

/** Runs a kt verifier; its VerifyError becomes a TransparencyError (with evidence for a fork). */
export function verified<T>(
  config: VerifyPolicy['config'],
  retained: RetainedCheckpoint | undefined,
  response: { fullTreeHead: SearchResponseShape['fullTreeHead']; search: SearchResponseShape['search'] },
  fn: () => T,
): T {
  try {
    return fn();
  } catch (error) {
    if (!(error instanceof VerifyError)) throw error;
    switch (error.code) {
      case 'fork': {
        const evidence = retained === undefined ? undefined : forkEvidence(retained, response.fullTreeHead, response.search.latest, config);
        throw new TransparencyError('inconsistent', error.detail, evidence);
      }
      case 'rollback':
      case 'version-rollback':
        throw new TransparencyError('rolled-back', error.detail);
      case 'stale':
        throw new TransparencyError('stale-checkpoint', error.detail);
      case 'future':
        throw new TransparencyError('checkpoint-from-future', error.detail);
      case 'not-enough-auditors':
        throw new TransparencyError('too-few-auditors', error.detail);
      case 'auditor-mismatch':
        throw new TransparencyError('bad-auditor-signature', error.detail);
      case 'wrong-version-count':
        throw new TransparencyError('version-gap', error.detail);
      default:
        throw new TransparencyError('not-in-log', `${error.code}: ${error.detail}`);
    }
  }
}

/**
 * Verifies the two search responses of `username` and, when given, that `servedDeviceList`
 * (from GET /v1/accounts/:username) is the list the log holds.
 * @param retained the client's checkpoint before the first search (its size was sent as `last`).
 * @throws {TransparencyError} `not-in-log`, `wrong-value`, `inconsistent` (with evidence),
 *   `rolled-back`, `stale-checkpoint`, `too-few-auditors`, ... Nothing is retained then.
 */
export function verifyContactAccount(
  provider: CryptoProvider,
  policy: VerifyPolicy,
  retained: RetainedCheckpoint | undefined,
  username: string,
  usernameResponse: SearchResponseShape,
  accountResponse: SearchResponseShape,
  servedDeviceList?: Uint8Array,
): VerifiedAccount {
  const normalised = normaliseUsername(username);
  if (!normalised.ok) throw new TransparencyError('malformed', 'not a valid username');
  const name = normalised.username;
  const uLabel = usernameLabel(name);
  const u = verified(policy.config, retained, usernameResponse, () => verifySearch(policy, retained, uLabel, usernameResponse));
  const afterUsername = retain(u.checkpoint, usernameResponse.fullTreeHead, retained);
  let binding;
  try {
    binding = decodeUsernameValue(u.value);
  } catch {
    throw new TransparencyError('wrong-value', 'the username value is not an account binding');
  }
  const aLabel = accountLabel(binding.accountId);
  const a = verified(policy.config, afterUsername, accountResponse, () => verifySearch(policy, afterUsername, aLabel, accountResponse));
  let signedBytes: Uint8Array;
  let signed;
  try {
    signedBytes = decodeAccountValue(a.value);
    signed = decodeSignedDeviceList(signedBytes);
  } catch {
    throw new TransparencyError('wrong-value', 'the account value is not a signed device list');
  }
  const { list } = signed;
  if (list.username !== name) throw new TransparencyError('wrong-value', 'the logged device list names another account');
  if (!hashEquals(list.identityKey, binding.identityKey)) throw new TransparencyError('wrong-value', 'the logged device list has another identity key than the username binding');
  if (!provider.verify('Ed25519', list.identityKey, signed.signingInput, signed.signature)) throw new TransparencyError('wrong-value', 'the logged device list is not signed by its identity key');
  if (servedDeviceList !== undefined && (servedDeviceList.length !== signedBytes.length || !hashEquals(servedDeviceList, signedBytes))) {
    throw new TransparencyError('not-in-log', 'the device list the server served is not the one in the log');
  }
  return {
    username: name,
    accountId: binding.accountId,
    identityKey: binding.identityKey,
    signedDeviceList: signedBytes,
    deviceList: list,
    usernameVersion: u.version,
    accountVersion: a.version,
    checkpoint: retain(a.checkpoint, accountResponse.fullTreeHead, afterUsername),
  };
}
