/**
 * An earlier logged device list of a verified contact, proven by a fixed-version search
 * (kt verifyFixedVersionSearch): what lets a client accept a commit made before the contact
 * removed a device, while it was offline. The commit added a device the latest list no
 * longer names; an earlier version of the account label that names it shows the device was
 * logged (so the owner's monitoring saw it) and is merely removed since.
 *
 * The earlier list must be of the same account, signed by the identity key the log vouches
 * for now, and older than the latest list. Anything else is refused; nothing is retained.
 */
import type { CryptoProvider } from '@sealed/crypto/provider';
import { accountLabel, decodeAccountValue } from '@sealed/kt/labels/labels';
import { hashEquals } from '@sealed/kt/log/merkle-hash';
import type { VerifyPolicy } from '@sealed/kt/verify/checkpoint-verify';
import { verifyFixedVersionSearch } from '@sealed/kt/verify/search-verify';
import type { SearchResponseShape } from '@sealed/kt/verify/shapes';
import { decodeSignedDeviceList, type DeviceList } from '@sealed/protocol/device-list';
import { type VerifiedAccount, verified } from './contact-verify.ts';
import { retain, type RetainedCheckpoint } from './retained-checkpoint.ts';
import { TransparencyError } from './transparency-error.ts';

/**
 * Versions of an account label one lookup searches back at most. A device added and
 * removed while a contact was offline is usually one or two versions back; an account
 * whose list changed more often than this since is refused (the contact's commit fails as
 * if the device were a ghost, and the conversation warns).
 */
export const MAX_FORMER_LIST_SEARCHES = 8;

export interface FormerList {
  readonly signedDeviceList: Uint8Array;
  readonly deviceList: DeviceList;
  readonly checkpoint: RetainedCheckpoint;
}

/**
 * Verifies `response` as version `version` of `account`'s label.
 * @throws {TransparencyError} `not-in-log` (and the checkpoint codes of a search) when the
 *   proof fails; `wrong-value` when the value is not an earlier list of this account.
 */
export function verifyFormerList(
  provider: CryptoProvider,
  policy: VerifyPolicy,
  retained: RetainedCheckpoint | undefined,
  account: VerifiedAccount,
  version: number,
  response: SearchResponseShape,
): FormerList {
  const label = accountLabel(account.accountId);
  const found = verified(policy.config, retained, response, () => verifyFixedVersionSearch(policy, retained, label, version, response));
  let signedBytes: Uint8Array;
  let signed;
  try {
    signedBytes = decodeAccountValue(found.value);
    signed = decodeSignedDeviceList(signedBytes);
  } catch {
    throw new TransparencyError('wrong-value', 'the earlier account value is not a signed device list');
  }
  const { list } = signed;
  if (list.username !== account.username) throw new TransparencyError('wrong-value', 'the earlier device list names another account');
  if (!hashEquals(list.identityKey, account.identityKey)) throw new TransparencyError('wrong-value', 'the earlier device list has another identity key');
  if (list.version >= account.deviceList.version) throw new TransparencyError('wrong-value', 'the earlier device list is not older than the latest one');
  if (!provider.verify('Ed25519', list.identityKey, signed.signingInput, signed.signature)) throw new TransparencyError('wrong-value', 'the earlier device list is not signed by its identity key');
  return { signedDeviceList: signedBytes, deviceList: list, checkpoint: retain(found.checkpoint, response.fullTreeHead, retained) };
}
