/**
 * The MLS key schedule (RFC 9420 §8, Figure 22): from the previous epoch's init secret,
 * the commit secret, the PSK secret and the new GroupContext to every secret of the new
 * epoch.
 *
 *                  init_secret_[n-1]
 *                        |
 *  commit_secret --> KDF.Extract
 *                        |
 *                ExpandWithLabel(., "joiner", GroupContext_[n], Nh) = joiner_secret
 *                        |
 *  psk_secret (or 0) --> KDF.Extract = member secret
 *                        |
 *                        +--> DeriveSecret(., "welcome") = welcome_secret
 *                        |
 *                ExpandWithLabel(., "epoch", GroupContext_[n], Nh) = epoch_secret
 *                        |
 *                        +--> DeriveSecret(., <label>) = <secret>  (Table 4)
 *                        |
 *                DeriveSecret(., "init") = init_secret_[n]
 *
 * A joiner starts from `joiner_secret` (decrypted from its Welcome, §12.4.3.1) instead.
 */
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { MlsCryptoError } from '../crypto/errors.ts';
import { deriveSecret, expandWithLabel, extract } from '../crypto/kdf.ts';

/** Every secret of one epoch (§8, Table 4). Owned by the caller. */
export interface EpochSecrets {
  readonly joinerSecret: Uint8Array;
  readonly welcomeSecret: Uint8Array;
  readonly epochSecret: Uint8Array;
  readonly senderDataSecret: Uint8Array;
  readonly encryptionSecret: Uint8Array;
  readonly exporterSecret: Uint8Array;
  readonly externalSecret: Uint8Array;
  readonly confirmationKey: Uint8Array;
  readonly membershipKey: Uint8Array;
  readonly resumptionPsk: Uint8Array;
  readonly epochAuthenticator: Uint8Array;
  /** init_secret_[n], the input of the next epoch's key schedule. */
  readonly initSecret: Uint8Array;
}

/** The inputs of one epoch's key schedule (§8). */
export interface KeyScheduleInput {
  /** init_secret_[n-1]; for a new group, Nh random bytes (§11). */
  readonly initSecret: Uint8Array;
  /** commit_secret of the commit's UpdatePath, or undefined for the all-zero vector (§8). */
  readonly commitSecret: Uint8Array | undefined;
  /** psk_secret (§8.4), or undefined for the all-zero vector when no PSK is injected. */
  readonly pskSecret: Uint8Array | undefined;
  /** The encoded GroupContext of the new epoch (§8.1). */
  readonly groupContext: Uint8Array;
}

function checkSecret(suite: CipherSuite, value: Uint8Array, name: string): void {
  if (value.length !== suite.Nh) throw new MlsCryptoError('invalid-length', `${name}: ${value.length} bytes, suite needs ${suite.Nh}`);
}

/**
 * Runs the full key schedule of one epoch (§8).
 * @throws MlsCryptoError('invalid-length') when a secret is not Nh bytes.
 */
export function deriveEpochSecrets(suite: CipherSuite, input: KeyScheduleInput): EpochSecrets {
  checkSecret(suite, input.initSecret, 'init_secret');
  const commitSecret = input.commitSecret ?? new Uint8Array(suite.Nh);
  checkSecret(suite, commitSecret, 'commit_secret');
  const joinerSecret = expandWithLabel(suite, extract(suite, input.initSecret, commitSecret), 'joiner', input.groupContext, suite.Nh);
  return epochSecretsFromJoiner(suite, joinerSecret, input.pskSecret, input.groupContext);
}

/**
 * The key schedule from `joiner_secret` on: what a new member runs after decrypting its
 * Welcome (§12.4.3.1), and the second half of `deriveEpochSecrets`.
 * @throws MlsCryptoError('invalid-length') when a secret is not Nh bytes.
 */
export function epochSecretsFromJoiner(
  suite: CipherSuite,
  joinerSecret: Uint8Array,
  pskSecret: Uint8Array | undefined,
  groupContext: Uint8Array,
): EpochSecrets {
  checkSecret(suite, joinerSecret, 'joiner_secret');
  const psk = pskSecret ?? new Uint8Array(suite.Nh);
  checkSecret(suite, psk, 'psk_secret');
  const memberSecret = extract(suite, joinerSecret, psk);
  const welcomeSecret = deriveSecret(suite, memberSecret, 'welcome');
  const epochSecret = expandWithLabel(suite, memberSecret, 'epoch', groupContext, suite.Nh);
  memberSecret.fill(0);
  return {
    joinerSecret,
    welcomeSecret,
    epochSecret,
    senderDataSecret: deriveSecret(suite, epochSecret, 'sender data'),
    encryptionSecret: deriveSecret(suite, epochSecret, 'encryption'),
    exporterSecret: deriveSecret(suite, epochSecret, 'exporter'),
    externalSecret: deriveSecret(suite, epochSecret, 'external'),
    confirmationKey: deriveSecret(suite, epochSecret, 'confirm'),
    membershipKey: deriveSecret(suite, epochSecret, 'membership'),
    resumptionPsk: deriveSecret(suite, epochSecret, 'resumption'),
    epochAuthenticator: deriveSecret(suite, epochSecret, 'authentication'),
    initSecret: deriveSecret(suite, epochSecret, 'init'),
  };
}

/** The welcome_key and welcome_nonce that encrypt GroupInfo in a Welcome (§12.4.3.1). */
export function welcomeKeyAndNonce(suite: CipherSuite, welcomeSecret: Uint8Array): { key: Uint8Array; nonce: Uint8Array } {
  const empty = new Uint8Array(0);
  return {
    key: expandWithLabel(suite, welcomeSecret, 'key', empty, suite.Nk),
    nonce: expandWithLabel(suite, welcomeSecret, 'nonce', empty, suite.Nn),
  };
}
