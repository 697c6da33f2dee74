/**
 * The key derivations of TreeKEM (RFC 9420 §7.4):
 *
 *   path_secret[n] = DeriveSecret(path_secret[n-1], "path")
 *   node_secret[n] = DeriveSecret(path_secret[n], "node")
 *   node_priv[n], node_pub[n] = KEM.DeriveKeyPair(node_secret[n])
 *   commit_secret = DeriveSecret(path_secret[last], "path")     (§12.4.1)
 */
import type { KeyPair } from '@sealed/crypto/provider';
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { hpkeSuiteOf } from '../crypto/hpke.ts';
import { deriveSecret } from '../crypto/kdf.ts';

/** The path secret of the next node up the filtered direct path (§7.4). */
export function nextPathSecret(suite: CipherSuite, pathSecret: Uint8Array): Uint8Array {
  return deriveSecret(suite, pathSecret, 'path');
}

/** The HPKE key pair of the node whose path secret is `pathSecret` (§7.4). */
export function nodeKeyPair(suite: CipherSuite, pathSecret: Uint8Array): KeyPair {
  const nodeSecret = deriveSecret(suite, pathSecret, 'node');
  return hpkeSuiteOf(suite).kem.deriveKeyPair(suite.provider, nodeSecret);
}

/** The commit secret: one more "path" derivation past the root's path secret (§12.4.1). */
export function commitSecretFrom(suite: CipherSuite, rootPathSecret: Uint8Array): Uint8Array {
  return deriveSecret(suite, rootPathSecret, 'path');
}
