/**
 * Credential validation is the application's (RFC 9420 §5.3.1): MLS only checks that a
 * credential's signature key signed the leaf. Sealed's client plugs key transparency in
 * here. The default rejects everything, so forgetting to configure it fails closed.
 */
import type { Credential } from '../structs/credential.ts';

/** What the application is asked about: a credential and the signature key it must vouch for. */
export interface CredentialCheck {
  readonly credential: Credential;
  readonly signatureKey: Uint8Array;
  /** The leaf the credential sits in, when it is (or will be) in a group's tree. */
  readonly leafIndex: number | undefined;
}

/** True when the application accepts `check.credential` for `check.signatureKey` (§5.3.1). */
export type CredentialValidator = (check: CredentialCheck) => boolean;

/** The default validator: accepts nothing (fail closed). */
export const rejectAllCredentials: CredentialValidator = () => false;
