/** The one error of the label and value encodings (labels.ts). Messages carry no label bytes. */
export type LabelErrorCode =
  | 'invalid-account-id' // not ACCOUNT_ID_LEN octets
  | 'invalid-username' // not 3..32 printable ASCII octets
  | 'invalid-label' // neither an account nor a username label
  | 'invalid-value'; // a value of another format or with wrong field lengths

export class LabelError extends Error {
  override readonly name = 'LabelError';
  constructor(
    readonly code: LabelErrorCode,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}
