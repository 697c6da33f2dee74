/**
 * Credential (RFC 9420 §5.3).
 *
 *   struct { opaque cert_data<V>; } Certificate;
 *   struct {
 *       CredentialType credential_type;
 *       select (Credential.credential_type) {
 *           case basic: opaque identity<V>;
 *           case x509:  Certificate certificates<V>;
 *       };
 *   } Credential;
 *
 * A credential type this code does not know is kept as its raw `opaque<V>` body: the
 * layout every credential type defined so far has on the wire (x509's `certificates<V>` is
 * one length-prefixed vector too), and the one OpenMLS and ts-mls use for custom
 * credentials. Such a leaf fails the capability checks of §7.2 later; the codec only has to
 * carry it unchanged.
 */
import { DecodeError } from '../codec/errors.ts';
import type { Reader } from '../codec/reader.ts';
import type { Writer } from '../codec/writer.ts';
import { CredentialType } from './enums.ts';
import { MAX_CERTIFICATE_BYTES, MAX_CERTIFICATES, MAX_CREDENTIAL_IDENTITY_BYTES } from './limits.ts';

/** Credential (RFC 9420 §5.3). */
export type Credential =
  | { readonly type: 'basic'; readonly identity: Uint8Array }
  /** Each entry is one Certificate.cert_data (DER), leaf first. */
  | { readonly type: 'x509'; readonly certificates: readonly Uint8Array[] }
  | { readonly type: 'unknown'; readonly credentialType: number; readonly data: Uint8Array };

/**
 * @throws RangeError when an 'unknown' credential carries a known type number (it would
 *   not decode back to the same value)
 */
export function encodeCredential(writer: Writer, value: Credential): void {
  switch (value.type) {
    case 'basic':
      writer.uint16(CredentialType.basic).opaque(value.identity);
      return;
    case 'x509':
      writer.uint16(CredentialType.x509).vector(value.certificates, (w, cert) => w.opaque(cert));
      return;
    case 'unknown':
      if (isKnownCredentialType(value.credentialType)) throw new RangeError(`credential type ${value.credentialType} is not unknown`);
      writer.uint16(value.credentialType).opaque(value.data);
      return;
  }
}

/** @throws DecodeError('truncated' | 'too-large' | 'invalid-value') */
export function decodeCredential(reader: Reader): Credential {
  const credentialType = reader.uint16('Credential.credential_type');
  switch (credentialType) {
    case CredentialType.basic:
      return { type: 'basic', identity: reader.opaque('Credential.identity', MAX_CREDENTIAL_IDENTITY_BYTES) };
    case CredentialType.x509: {
      const certificates = reader.vector((r) => r.opaque('Certificate.cert_data', MAX_CERTIFICATE_BYTES), 'Credential.certificates', MAX_CERTIFICATES);
      return { type: 'x509', certificates };
    }
    default:
      if (credentialType === 0) throw new DecodeError('invalid-value', 'Credential.credential_type: reserved 0');
      return { type: 'unknown', credentialType, data: reader.opaque('Credential (unknown type)', MAX_CERTIFICATE_BYTES) };
  }
}

/** The wire number of a credential. */
export function credentialTypeOf(value: Credential): number {
  return value.type === 'unknown' ? value.credentialType : CredentialType[value.type];
}

function isKnownCredentialType(value: number): boolean {
  return value === 0 || value === CredentialType.basic || value === CredentialType.x509;
}
