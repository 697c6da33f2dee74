/**
 * The PSK secret (RFC 9420 §8.4): PSKs chained with KDF.Extract, each bound to its
 * PreSharedKeyID, its position and the number of PSKs.
 *
 *   struct { PreSharedKeyID id; uint16 index; uint16 count; } PSKLabel;
 *
 *   psk_extracted_[i] = KDF.Extract(0, psk_[i])
 *   psk_input_[i]     = ExpandWithLabel(psk_extracted_[i], "derived psk", PSKLabel, KDF.Nh)
 *   psk_secret_[0]    = 0
 *   psk_secret_[i]    = KDF.Extract(psk_input_[i-1], psk_secret_[i-1])
 *   psk_secret        = psk_secret_[n]
 */
import { Writer } from '../codec/writer.ts';
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { MlsCryptoError } from '../crypto/errors.ts';
import { expandWithLabel, extract } from '../crypto/kdf.ts';
import { MAX_PSKS } from '../structs/limits.ts';

/** One PSK to inject: its encoded PreSharedKeyID (§8.4) and the PSK value. */
export interface PskInput {
  /** The TLS encoding of the PreSharedKeyID, as it appears in the Commit or GroupSecrets. */
  readonly encodedId: Uint8Array;
  readonly psk: Uint8Array;
}

/**
 * psk_secret for `psks` in the order of the Commit (or GroupSecrets). An empty list gives
 * the all-zero vector of Nh bytes.
 * @throws MlsCryptoError('too-many-psks') above MAX_PSKS (checked before any derivation).
 */
export function pskSecret(suite: CipherSuite, psks: readonly PskInput[]): Uint8Array {
  if (psks.length > MAX_PSKS) throw new MlsCryptoError('too-many-psks', `${psks.length} PSKs, limit ${MAX_PSKS}`);
  const zero = new Uint8Array(suite.Nh);
  let secret: Uint8Array = zero;
  psks.forEach((entry, index) => {
    const label = new Writer(entry.encodedId.length + 4).bytes(entry.encodedId).uint16(index).uint16(psks.length).finish();
    const extracted = extract(suite, zero, entry.psk);
    const input = expandWithLabel(suite, extracted, 'derived psk', label, suite.Nh);
    secret = extract(suite, input, secret);
  });
  return secret;
}
