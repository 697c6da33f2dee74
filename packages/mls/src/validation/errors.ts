/**
 * The one error type of leaf node and key package validation (RFC 9420 §7.3, §10.1,
 * §12.2). Each code carries the values involved, typed per code, so callers can branch
 * and report without parsing messages. Values are public numbers and indices; never keys,
 * credentials or secrets.
 */

/** The values each code carries. */
export interface ValidationErrorValues {
  /** §5.3.1: the application's credential validator did not accept the credential. */
  'credential-rejected': { readonly credentialType: number; readonly leafIndex: number | undefined };
  /** §7.3 / §10: a LeafNode or KeyPackage signature does not verify. */
  'invalid-signature': { readonly object: 'leaf-node' | 'key-package'; readonly leafIndex: number | undefined };
  /** §10.1: KeyPackage version differs from the group's. */
  'version-mismatch': { readonly expected: number; readonly actual: number };
  /** §10.1: KeyPackage cipher suite differs from the group's. */
  'cipher-suite-mismatch': { readonly expected: number; readonly actual: number };
  /** §11.1: the leaf's capabilities do not list the group's version or cipher suite. */
  'unsupported-group-parameter': { readonly kind: 'version' | 'cipher-suite'; readonly value: number };
  /** §7.3, §11.1: the leaf does not list a type the group's required_capabilities requires. */
  'missing-required-capability': { readonly kind: 'extension' | 'proposal' | 'credential'; readonly type: number };
  /** §12.1.7, §13.4: the leaf does not list a non-default GroupContext extension in use. */
  'unsupported-group-extension': { readonly extensionType: number };
  /** §7.3: a member (`leafIndex`) does not support this leaf's credential type. */
  'credential-type-unsupported-by-member': { readonly credentialType: number; readonly leafIndex: number };
  /** §7.3: this leaf does not support a credential type another member uses. */
  'credential-type-in-use-unsupported': { readonly credentialType: number };
  /** §7.2: the leaf's credential type is not in its own capabilities. */
  'credential-type-not-in-capabilities': { readonly credentialType: number };
  /** §7.2, §7.3, §10: a non-default extension of the leaf or KeyPackage is not in the leaf's capabilities. */
  'extension-not-in-capabilities': { readonly extensionType: number; readonly object: 'leaf-node' | 'key-package' };
  /** §7.3: current time outside [not_before, not_after]. */
  'lifetime-not-current': { readonly notBefore: bigint; readonly notAfter: bigint; readonly now: bigint };
  /** §7.2: not_after - not_before exceeds the application's maximum (or is negative). */
  'lifetime-too-long': { readonly notBefore: bigint; readonly notAfter: bigint; readonly maxSeconds: bigint };
  /** §7.3: leaf_node_source is not the one required where the leaf appears. */
  'wrong-leaf-node-source': { readonly expected: string; readonly actual: string };
  /** §7.3: the encryption key is already used by node `nodeIndex` of the tree. */
  'duplicate-encryption-key': { readonly nodeIndex: number };
  /** §7.3: the signature key is already used by leaf `leafIndex`. */
  'duplicate-signature-key': { readonly leafIndex: number };
  /** §7.3: an Update (or a commit's path leaf) keeps the encryption key of the leaf it replaces. */
  'encryption-key-unchanged': { readonly leafIndex: number };
  /** §5.1.1, §7.2, §10: an HPKE public key (init_key or encryption_key) is not the KEM's Npk bytes long. */
  'invalid-hpke-public-key': { readonly object: 'init-key' | 'encryption-key'; readonly expected: number; readonly actual: number };
  /** §10.1: init_key equals leaf_node.encryption_key. */
  'init-key-equals-encryption-key': Record<string, never>;
  /** §13.4: an extension list holds two extensions of this type. */
  'duplicate-extension': { readonly extensionType: number; readonly object: 'group-context' | 'group-info' | 'leaf-node' | 'key-package' };
  /** §17.3: an RFC 9420 extension type in a list where the registry does not allow it (e.g. ratchet_tree in a GroupContext). */
  'extension-not-allowed': { readonly extensionType: number; readonly object: 'group-context' };
  /** §12.1.7, §12.1.8.1: a GroupContext extension this code reads (required_capabilities, external_senders) does not decode. */
  'malformed-extension': { readonly extensionType: number; readonly object: 'group-context' };
  /** The leaf an update/commit refers to is blank. */
  'blank-leaf': { readonly leafIndex: number };
}

export type ValidationErrorCode = keyof ValidationErrorValues;

function describe(values: object): string {
  return Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
}

/** A LeafNode or KeyPackage failed validation. Narrow on `code` to get typed `values`. */
export class ValidationError<C extends ValidationErrorCode = ValidationErrorCode> extends Error {
  override readonly name = 'ValidationError';
  constructor(
    readonly code: C,
    readonly values: ValidationErrorValues[C],
  ) {
    super(`${code}: ${describe(values)}`);
  }
}

/** Type guard narrowing an unknown error to a ValidationError with code `code`. */
export function isValidationError<C extends ValidationErrorCode>(error: unknown, code: C): error is ValidationError<C> {
  return error instanceof ValidationError && error.code === code;
}
