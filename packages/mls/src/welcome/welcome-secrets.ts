/**
 * The secrets of a Welcome (RFC 9420 §12.4.3.1):
 *
 *   member_secret = KDF.Extract(joiner_secret, psk_secret)
 *   welcome_secret = DeriveSecret(member_secret, "welcome")
 *   welcome_key = ExpandWithLabel(welcome_secret, "key", "", AEAD.Nk)
 *   welcome_nonce = ExpandWithLabel(welcome_secret, "nonce", "", AEAD.Nn)
 *   encrypted_group_info = AEAD.Seal(welcome_key, welcome_nonce, "", GroupInfo)
 *   encrypted_group_secrets = EncryptWithLabel(init_key, "Welcome", encrypted_group_info, GroupSecrets)
 */
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { deriveSecret, extract } from '../crypto/kdf.ts';
import { welcomeKeyAndNonce } from '../key-schedule/epoch-secrets.ts';

/** The label of EncryptWithLabel for GroupSecrets (§12.4.3.1). */
export const WELCOME_LABEL = 'Welcome';

const EMPTY = new Uint8Array(0);

/** welcome_secret from joiner_secret and psk_secret (undefined = zero vector). */
export function welcomeSecretOf(suite: CipherSuite, joinerSecret: Uint8Array, pskSecret: Uint8Array | undefined): Uint8Array {
  const memberSecret = extract(suite, joinerSecret, pskSecret ?? new Uint8Array(suite.Nh));
  const welcomeSecret = deriveSecret(suite, memberSecret, 'welcome');
  memberSecret.fill(0);
  return welcomeSecret;
}

/** encrypted_group_info (§12.4.3.1). */
export function encryptGroupInfo(suite: CipherSuite, welcomeSecret: Uint8Array, groupInfo: Uint8Array): Uint8Array {
  const { key, nonce } = welcomeKeyAndNonce(suite, welcomeSecret);
  const sealed = suite.provider.aeadSeal(suite.aead, key, nonce, groupInfo, EMPTY);
  key.fill(0);
  return sealed;
}

/** Opens encrypted_group_info; throws the provider's CryptoError('aead-auth') when it does not authenticate. */
export function decryptGroupInfo(suite: CipherSuite, welcomeSecret: Uint8Array, encryptedGroupInfo: Uint8Array): Uint8Array {
  const { key, nonce } = welcomeKeyAndNonce(suite, welcomeSecret);
  try {
    return suite.provider.aeadOpen(suite.aead, key, nonce, encryptedGroupInfo, EMPTY);
  } finally {
    key.fill(0);
  }
}
