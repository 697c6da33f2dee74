/**
 * The two keys the stores use, both derived from the vault key with HKDF-Expand (RFC 5869
 * §2.3; the vault key is 32 uniform random bytes, so it serves as the PRK directly):
 * - the record key encrypts every record (AES-256-GCM);
 * - the index key turns ids into HMAC-SHA256 tags, so a back end never stores an id.
 * Both live only while the vault is unlocked; `destroy()` zeroes them (best effort, see
 * docs/vault.md).
 */
import type { CryptoProvider } from '@sealed/crypto/provider';
import { VaultError } from '../vault/errors.ts';

const RECORD_KEY_INFO = new TextEncoder().encode('sealed vault v1 record key');
const INDEX_KEY_INFO = new TextEncoder().encode('sealed vault v1 index key');

export class RecordKeys {
  #recordKey: Uint8Array | undefined;
  #indexKey: Uint8Array | undefined;

  /** Derives both keys; `vaultKey` is not retained (the caller zeroes it). */
  constructor(provider: CryptoProvider, vaultKey: Uint8Array) {
    this.#recordKey = provider.hkdfExpand('SHA-256', vaultKey, RECORD_KEY_INFO, 32);
    this.#indexKey = provider.hkdfExpand('SHA-256', vaultKey, INDEX_KEY_INFO, 32);
  }

  /** @throws VaultError('locked') after destroy(). */
  get recordKey(): Uint8Array {
    if (this.#recordKey === undefined) throw new VaultError('locked', 'the vault is locked');
    return this.#recordKey;
  }

  /** @throws VaultError('locked') after destroy(). */
  get indexKey(): Uint8Array {
    if (this.#indexKey === undefined) throw new VaultError('locked', 'the vault is locked');
    return this.#indexKey;
  }

  get destroyed(): boolean {
    return this.#recordKey === undefined;
  }

  /** Zeroes and drops both keys. Idempotent. */
  destroy(): void {
    this.#recordKey?.fill(0);
    this.#indexKey?.fill(0);
    this.#recordKey = undefined;
    this.#indexKey = undefined;
  }

  /** Never prints key bytes. */
  toJSON(): string {
    return '[RecordKeys]';
  }
}
