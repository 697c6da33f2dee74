/**
 * The MLS exporter (RFC 9420 §8.5): secrets for the application, bound to the epoch.
 *
 *   MLS-Exporter(Label, Context, Length) =
 *     ExpandWithLabel(DeriveSecret(exporter_secret, Label), "exported", Hash(Context), Length)
 */
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { deriveSecret, expandWithLabel, hash } from '../crypto/kdf.ts';

/**
 * MLS-Exporter (§8.5).
 * @throws MlsCryptoError('invalid-length') when `length` is above what ExpandWithLabel allows (a uint16 and 255 * Nh).
 */
export function mlsExporter(suite: CipherSuite, exporterSecret: Uint8Array, label: string, context: Uint8Array, length: number): Uint8Array {
  return expandWithLabel(suite, deriveSecret(suite, exporterSecret, label), 'exported', hash(suite, context), length);
}
