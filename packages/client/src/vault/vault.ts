/**
 * The device vault: a random 256-bit vault key encrypts every record at rest; the vault
 * key is stored only wrapped (AES-256-GCM) under Argon2id(passcode). After `maxAttempts`
 * wrong passcodes in a row the vault wipes itself, as a locked phone erases itself.
 *
 * The failure counter is written (durably) before Argon2id runs, so killing the process
 * during a check cannot undo the attempt, and it is reset only by a correct passcode.
 * See docs/vault.md for the parameters and what an attacker who copies the files can do.
 */
import { CryptoError } from '@sealed/crypto/errors';
import type { CryptoProvider } from '@sealed/crypto/provider';
import type { RecordBackend } from '../store/backend.ts';
import { RecordKeys } from '../store/record-keys.ts';
import { createVaultStores, type VaultStores } from '../store/vault-stores.ts';
import { WriteBuffer } from '../store/write-buffer.ts';
import { checkArgon2Params, deriveWrappingKey, type Argon2Floor, type Argon2Params } from './argon2.ts';
import { calibrateArgon2, type CalibrationOptions } from './calibrate.ts';
import { VaultError } from './errors.ts';
import { decodeHeader, encodeHeader, wrapAad, type ActiveHeader } from './header.ts';
import { ARGON2_SALT_LENGTH, DEFAULT_MAX_ATTEMPTS, MAX_ATTEMPTS_LIMIT, VAULT_KEY_LENGTH } from './limits.ts';
import { passcodeBytes } from './passcode.ts';
import type { VaultStorage } from './vault-storage.ts';

export interface VaultOpenOptions {
  readonly provider: CryptoProvider;
  readonly storage: VaultStorage;
  /**
   * Accept Argon2id parameters below the production floor (64 MiB, 3 passes), in what
   * create() is given and in headers read. Tests only: never set it in an app.
   */
  readonly allowWeakParametersForTests?: boolean;
}

export interface VaultCreateOptions extends VaultOpenOptions {
  readonly passcode: string;
  /** Wrong passcodes in a row before the wipe, 1..MAX_ATTEMPTS_LIMIT (default 10). */
  readonly maxAttempts?: number;
  /** Explicit Argon2id parameters; when absent they are calibrated on this device. */
  readonly argon2?: Argon2Params;
  /** Options for the calibration (target time, memory); ignored when `argon2` is given. */
  readonly calibration?: CalibrationOptions;
}

export type VaultState = 'locked' | 'unlocked';

const WRAP_AEAD = 'AES-256-GCM';

export class Vault {
  readonly #provider: CryptoProvider;
  readonly #storage: VaultStorage;
  readonly #floor: Argon2Floor;
  #keys: RecordKeys | undefined;
  #backend: RecordBackend | undefined;
  #stores: VaultStores | undefined;
  /** Serialises unlock/lock/change so the counter is read and written by one call at a time. */
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(options: VaultOpenOptions) {
    this.#provider = options.provider;
    this.#storage = options.storage;
    this.#floor = options.allowWeakParametersForTests === true ? 'weak-for-tests' : 'production';
  }

  /**
   * Creates a vault with a fresh random vault key and returns it unlocked. Allowed where no
   * vault exists or where one was wiped (its records are destroyed first).
   * @throws VaultError('already-exists' | 'weak-parameters' | 'invalid-argument' | 'header-*').
   */
  static async create(options: VaultCreateOptions): Promise<Vault> {
    const vault = new Vault(options);
    const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS_LIMIT) {
      throw new VaultError('invalid-argument', `maxAttempts must be in [1, ${MAX_ATTEMPTS_LIMIT}]`);
    }
    const passcode = passcodeBytes(options.passcode);
    try {
      if (options.argon2 !== undefined) checkArgon2Params(options.argon2, vault.#floor);
      // Checked here to fail fast (before seconds of calibration) and again under the lock.
      const existing = await vault.#storage.readHeader();
      if (existing !== undefined && decodeHeader(vault.#provider, existing, vault.#floor).state !== 'wiped') {
        throw new VaultError('already-exists', 'a vault already exists here');
      }
      const params = options.argon2 ?? (await calibrateArgon2(options.calibration));
      const vaultKey = vault.#provider.randomBytes(VAULT_KEY_LENGTH);
      try {
        const header = await vault.#wrap(vaultKey, passcode, params, maxAttempts);
        await vault.#storage.exclusive(async () => {
          const existing = await vault.#storage.readHeader();
          if (existing !== undefined) {
            const current = decodeHeader(vault.#provider, existing, vault.#floor);
            if (current.state !== 'wiped') throw new VaultError('already-exists', 'a vault already exists here');
          }
          await vault.#storage.destroyRecords();
          await vault.#storage.writeHeader(encodeHeader(vault.#provider, header));
        });
        await vault.#openWith(vaultKey);
      } finally {
        vaultKey.fill(0);
      }
      return vault;
    } finally {
      passcode.fill(0);
    }
  }

  /**
   * Opens an existing vault, locked. Reads and checks the header; changes nothing.
   * @throws VaultError('not-initialized' | 'wiped' | 'header-*').
   */
  static async open(options: VaultOpenOptions): Promise<Vault> {
    const vault = new Vault(options);
    await vault.#readActiveHeader();
    return vault;
  }

  get state(): VaultState {
    return this.#keys === undefined ? 'locked' : 'unlocked';
  }

  /**
   * The encrypted stores of the unlocked vault. They throw VaultError('locked') once the
   * vault is locked; ask again after the next unlock.
   * @throws VaultError('locked').
   */
  stores(): VaultStores {
    if (this.#stores === undefined) throw new VaultError('locked', 'the vault is locked');
    return this.#stores;
  }

  /**
   * Unlocks with `passcode`. The attempt is counted durably before Argon2id runs; a correct
   * passcode resets the count; the `maxAttempts`-th wrong one in a row wipes the vault.
   * Unlocking an unlocked vault checks the passcode again (and counts it) all the same.
   * @throws VaultError('wrong-passcode') with `attemptsRemaining`; ('wiped') when this
   *   attempt or an earlier one exhausted the limit; ('invalid-argument') for an empty or
   *   too long passcode (not counted); ('not-initialized' | 'header-*'): nothing changed.
   */
  unlock(passcode: string): Promise<void> {
    return this.#serial(async () => {
      const vaultKey = await this.#checkPasscode(passcode);
      try {
        if (this.#keys === undefined) await this.#openWith(vaultKey);
      } finally {
        vaultKey.fill(0);
      }
    });
  }

  /**
   * Re-wraps the vault key under `next` (fresh salt and nonce, same Argon2id parameters
   * unless `argon2` is given). Records are not touched. `current` is checked and counted
   * exactly like unlock(). The lock state is left as it was.
   * @throws as unlock(), and VaultError('invalid-argument' | 'weak-parameters') for `next`/`argon2`.
   */
  changePasscode(current: string, next: string, argon2?: Argon2Params): Promise<void> {
    return this.#serial(async () => {
      const nextBytes = passcodeBytes(next);
      try {
        if (argon2 !== undefined) checkArgon2Params(argon2, this.#floor);
        const vaultKey = await this.#checkPasscode(current);
        try {
          const old = await this.#readActiveHeader();
          const header = await this.#wrap(vaultKey, nextBytes, argon2 ?? old.params, old.maxAttempts);
          await this.#storage.exclusive(async () => {
            // Another process may have counted attempts meanwhile; they belong to the old
            // passcode, and the right current passcode was just given, so they reset.
            await this.#readActiveHeader();
            await this.#storage.writeHeader(encodeHeader(this.#provider, header));
          });
        } finally {
          vaultKey.fill(0);
        }
      } finally {
        nextBytes.fill(0);
      }
    });
  }

  /**
   * Drops the keys from memory (zeroed, best effort: see docs/vault.md) and closes the
   * record store. Idempotent.
   */
  lock(): Promise<void> {
    return this.#serial(() => this.#close());
  }

  /** Never prints keys or state details. */
  toJSON(): string {
    return `[Vault ${this.state}]`;
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #readActiveHeader(): Promise<ActiveHeader> {
    const bytes = await this.#storage.readHeader();
    if (bytes === undefined) throw new VaultError('not-initialized', 'no vault exists here');
    const header = decodeHeader(this.#provider, bytes, this.#floor);
    if (header.state === 'wiped') throw new VaultError('wiped', 'the vault was wiped after too many wrong passcodes');
    return header;
  }

  /** The counted check shared by unlock and changePasscode; returns the vault key (caller zeroes it). */
  async #checkPasscode(passcode: string): Promise<Uint8Array> {
    const secret = passcodeBytes(passcode);
    try {
      // Read, count and write under the cross-process lock, durably, BEFORE the check:
      // killing the process during Argon2id cannot undo the attempt, and parallel
      // processes cannot each count from the same old value.
      const header = await this.#storage.exclusive(async () => {
        const current = await this.#readActiveHeader();
        if (current.failures >= current.maxAttempts) {
          // The limit was reached by an attempt whose process died before it could wipe.
          await this.#wipe();
          throw new VaultError('wiped', 'the vault was wiped after too many wrong passcodes');
        }
        await this.#storage.writeHeader(encodeHeader(this.#provider, { ...current, failures: current.failures + 1 }));
        return current;
      });
      const wrappingKey = await deriveWrappingKey(secret, header.salt, header.params);
      let vaultKey: Uint8Array;
      try {
        // Authenticated unwrap: the GCM tag check is the passcode check (no stored verifier).
        vaultKey = this.#provider.aeadOpen(WRAP_AEAD, wrappingKey, header.nonce, header.wrappedKey, wrapAad(header));
      } catch (error) {
        if (!(error instanceof CryptoError && error.code === 'aead-auth')) throw error;
        throw await this.#storage.exclusive(async () => {
          const current = await this.#readActiveHeader();
          if (current.failures >= current.maxAttempts) {
            await this.#wipe();
            return new VaultError('wiped', 'too many wrong passcodes: the vault was wiped');
          }
          return new VaultError('wrong-passcode', 'wrong passcode', current.maxAttempts - current.failures);
        });
      } finally {
        wrappingKey.fill(0);
      }
      try {
        await this.#storage.exclusive(async () => {
          const current = await this.#readActiveHeader();
          await this.#storage.writeHeader(encodeHeader(this.#provider, { ...current, failures: 0 }));
        });
      } catch (error) {
        vaultKey.fill(0);
        throw error;
      }
      return vaultKey;
    } finally {
      secret.fill(0);
    }
  }

  async #wrap(vaultKey: Uint8Array, passcode: Uint8Array, params: Argon2Params, maxAttempts: number): Promise<ActiveHeader> {
    const salt = this.#provider.randomBytes(ARGON2_SALT_LENGTH);
    const nonce = this.#provider.randomBytes(12);
    const wrappingKey = await deriveWrappingKey(passcode, salt, params);
    try {
      const fields = { state: 'active' as const, params, maxAttempts, salt, nonce };
      const wrappedKey = this.#provider.aeadSeal(WRAP_AEAD, wrappingKey, nonce, vaultKey, wrapAad(fields));
      return { ...fields, wrappedKey, failures: 0 };
    } finally {
      wrappingKey.fill(0);
    }
  }

  async #openWith(vaultKey: Uint8Array): Promise<void> {
    const keys = new RecordKeys(this.#provider, vaultKey);
    try {
      // Writes outside a batch go straight through; the host batches the message path.
      this.#backend = new WriteBuffer(await this.#storage.openRecords());
    } catch (error) {
      keys.destroy();
      throw error;
    }
    this.#keys = keys;
    this.#stores = createVaultStores(this.#provider, this.#backend, keys);
  }

  async #close(): Promise<void> {
    this.#keys?.destroy();
    this.#keys = undefined;
    this.#stores = undefined;
    const backend = this.#backend;
    this.#backend = undefined;
    await backend?.close();
  }

  /** Crypto-erase first (the wrapped key is replaced by a tombstone), then the records. */
  async #wipe(): Promise<void> {
    await this.#storage.writeHeader(encodeHeader(this.#provider, { state: 'wiped' }));
    await this.#close();
    await this.#storage.destroyRecords();
  }
}
