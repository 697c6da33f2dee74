/**
 * Signing and verifying GroupInfo (RFC 9420 §12.4.3):
 *
 *   signature = SignWithLabel(signer's signature key, "GroupInfoTBS", GroupInfoTBS)
 */
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { signWithLabel, verifyWithLabel } from '../crypto/signature.ts';
import { type GroupInfo, type GroupInfoTBS, groupInfoTBSBytes } from '../structs/group-info.ts';

const GROUP_INFO_TBS_LABEL = 'GroupInfoTBS';

/** Signs `tbs` with the signer's private key (§12.4.3). Throws the provider's CryptoError for a malformed key. */
export function signGroupInfo(suite: CipherSuite, signaturePrivateKey: Uint8Array, tbs: GroupInfoTBS): GroupInfo {
  return { ...tbs, signature: signWithLabel(suite, signaturePrivateKey, GROUP_INFO_TBS_LABEL, groupInfoTBSBytes(tbs)) };
}

/** True when the GroupInfo signature verifies under `signerPublicKey` (§12.4.3). Never throws on attacker bytes. */
export function verifyGroupInfo(suite: CipherSuite, groupInfo: GroupInfo, signerPublicKey: Uint8Array): boolean {
  return verifyWithLabel(suite, signerPublicKey, GROUP_INFO_TBS_LABEL, groupInfoTBSBytes(groupInfo), groupInfo.signature);
}
