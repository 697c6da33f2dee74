/**
 * The host in Node: the vault in a data directory (DirectoryVaultStorage), node:crypto,
 * NodeTransport, and a session lock so one device's state is driven by one process at a
 * time (two engines on the same records would reuse MLS keys and fork the group states).
 *
 * Data directory (mode 0700): vault.header, records.sqlite* (the vault), session.lock
 * (pid of the process that has the vault unlocked), lock.request (written by `sealed lock`
 * to ask that process to lock and exit).
 */
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { nodeProvider } from '@sealed/crypto/node/provider';
import type { Engine } from '../engine/engine.ts';
import { DirectoryVaultStorage, HEADER_FILE } from '../store/node/directory-vault-storage.ts';
import { VaultError } from '../vault/errors.ts';
import { NodeTransport } from '../transport/node-transport.ts';
import { Vault, type VaultCreateOptions } from '../vault/vault.ts';
import { decodeHeader } from '../vault/header.ts';
import type { Argon2Params } from '../vault/argon2.ts';
import type { HostListener } from './events.ts';
import { SealedHost, type HostOptions, type TransportFactory } from './host.ts';

export const SESSION_LOCK_FILE = 'session.lock';
export const LOCK_REQUEST_FILE = 'lock.request';
/** How often a running host looks for a lock request. */
export const LOCK_REQUEST_POLL_MS = 200;

/** The data directory: an explicit one, else $SEALED_HOME, else ~/.sealed. */
export function dataDirectory(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(explicit ?? env['SEALED_HOME'] ?? join(homedir(), '.sealed'));
}

export class SessionBusyError extends Error {
  override readonly name = 'SessionBusyError';
  constructor(readonly pid: number) {
    super(`another process (pid ${pid}) has this device unlocked`);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid holding the session lock, if that process is alive. */
export async function sessionHolder(directory: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt(await readFile(join(directory, SESSION_LOCK_FILE), 'utf8'), 10);
    return Number.isSafeInteger(pid) && pid > 0 && alive(pid) ? pid : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Takes the session lock (O_EXCL file with our pid); a lock whose process is gone is taken
 * over. Returns the release function.
 * @throws SessionBusyError when a live process holds it
 */
export async function acquireSession(directory: string): Promise<() => Promise<void>> {
  const path = join(directory, SESSION_LOCK_FILE);
  await mkdir(directory, { recursive: true, mode: 0o700 });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      // A lock request left over from before is not for this session.
      await rm(join(directory, LOCK_REQUEST_FILE), { force: true });
      return async () => {
        await rm(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = await sessionHolder(directory);
      if (holder !== undefined && holder !== process.pid) throw new SessionBusyError(holder);
      await rm(path, { force: true }); // its owner died: take it over
    }
  }
  throw new SessionBusyError(0);
}

/** Asks the process holding the session to lock; true when one was running. */
export async function requestLock(directory: string): Promise<boolean> {
  if ((await sessionHolder(directory)) === undefined) return false;
  await writeFile(join(directory, LOCK_REQUEST_FILE), String(process.pid), { mode: 0o600 });
  return true;
}

export function nodeTransportFactory(): TransportFactory {
  return (parts) =>
    new NodeTransport({
      baseUrl: parts.baseUrl,
      // NodeTransport calls only `handle`; the host observes every event through it.
      engine: { handle: parts.handle } as unknown as Engine,
      store: parts.store,
      onAction: parts.onAction,
      transparency: parts.transparency,
    });
}

export interface VaultState {
  readonly exists: boolean;
  readonly wiped: boolean;
  readonly failures: number;
  readonly maxAttempts: number;
  readonly params: Argon2Params | undefined;
}

/** What the header says, without a passcode. @throws VaultError('header-*') for a damaged header */
export async function readVaultState(directory: string, allowWeakParametersForTests = false): Promise<VaultState> {
  if (!existsSync(join(directory, HEADER_FILE))) return { exists: false, wiped: false, failures: 0, maxAttempts: 0, params: undefined };
  const bytes = await new DirectoryVaultStorage(directory).readHeader();
  if (bytes === undefined) return { exists: false, wiped: false, failures: 0, maxAttempts: 0, params: undefined };
  const header = decodeHeader(nodeProvider, bytes, allowWeakParametersForTests ? 'weak-for-tests' : 'production');
  if (header.state === 'wiped') return { exists: true, wiped: true, failures: 0, maxAttempts: 0, params: undefined };
  return { exists: true, wiped: false, failures: header.failures, maxAttempts: header.maxAttempts, params: header.params };
}

export interface NodeHostOptions {
  readonly directory: string;
  /** Tests only: Argon2id below the production floor (see docs/vault.md). */
  readonly weakArgon2ForTests?: Argon2Params | undefined;
  readonly keyPackageTarget?: number;
  /** Called when `sealed lock` asks this session to lock (after the host closed). */
  readonly onLockRequest?: () => void;
  /** Key transparency: the trust to pin (account creation, link) and timing overrides (tests). */
  readonly transparency?: HostOptions['transparency'];
}

/** An open Node session: the host, and the release of the session lock. */
export interface NodeSession {
  readonly host: SealedHost;
  readonly directory: string;
  /** Closes the host (locks the vault) and releases the session lock. Idempotent. */
  close(): Promise<void>;
}

function hostOptions(vault: Vault, options: NodeHostOptions): HostOptions {
  return {
    provider: nodeProvider,
    vault,
    transport: nodeTransportFactory(),
    ...(options.keyPackageTarget === undefined ? {} : { keyPackageTarget: options.keyPackageTarget }),
    ...(options.transparency === undefined ? {} : { transparency: options.transparency }),
  };
}

function session(host: SealedHost, options: NodeHostOptions, release: () => Promise<void>): NodeSession {
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    clearInterval(watch);
    await host.close();
    await release();
  };
  const watch = setInterval(() => {
    if (!existsSync(join(options.directory, LOCK_REQUEST_FILE))) return;
    void rm(join(options.directory, LOCK_REQUEST_FILE), { force: true })
      .then(close)
      .then(() => options.onLockRequest?.());
  }, LOCK_REQUEST_POLL_MS);
  watch.unref();
  return { host, directory: options.directory, close };
}

/**
 * Creates the vault (Argon2id calibrated on this device unless test parameters are given)
 * and the account; on any failure the new vault is destroyed, so `init` can run again.
 * @throws SessionBusyError, VaultError('already-exists' | ...), HostError('account-failed' | 'timeout')
 */
export async function createNodeAccount(
  options: NodeHostOptions & { readonly passcode: string; readonly serverUrl: string; readonly username: string; readonly maxAttempts?: number; readonly timeoutMs: number },
): Promise<NodeSession> {
  const release = await acquireSession(options.directory);
  const storage = new DirectoryVaultStorage(options.directory);
  let vault: Vault | undefined;
  try {
    const create: VaultCreateOptions = {
      provider: nodeProvider,
      storage,
      passcode: options.passcode,
      ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
      ...(options.weakArgon2ForTests === undefined ? {} : { argon2: options.weakArgon2ForTests, allowWeakParametersForTests: true }),
    };
    vault = await Vault.create(create);
    const host = await SealedHost.createAccount(hostOptions(vault, options), options.serverUrl, options.username, options.timeoutMs);
    return session(host, options, release);
  } catch (error) {
    if (vault !== undefined) {
      await vault.lock().catch(() => undefined);
      await storage.destroyRecords().catch(() => undefined);
      await rm(join(options.directory, HEADER_FILE), { force: true }).catch(() => undefined);
    }
    await release();
    throw error;
  }
}

/**
 * New device: creates the vault and links this device to an existing account (the code is
 * shown through `onEvent`'s `link-offer`); on failure the new vault is destroyed.
 * @throws SessionBusyError, VaultError('already-exists' | ...), HostError('account-failed' | 'timeout')
 */
export async function linkNodeDevice(
  options: NodeHostOptions & { readonly passcode: string; readonly serverUrl: string; readonly maxAttempts?: number; readonly timeoutMs: number; readonly onEvent: HostListener },
): Promise<NodeSession> {
  const release = await acquireSession(options.directory);
  const storage = new DirectoryVaultStorage(options.directory);
  let vault: Vault | undefined;
  try {
    vault = await Vault.create({
      provider: nodeProvider,
      storage,
      passcode: options.passcode,
      ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
      ...(options.weakArgon2ForTests === undefined ? {} : { argon2: options.weakArgon2ForTests, allowWeakParametersForTests: true }),
    });
    const host = await SealedHost.link(hostOptions(vault, options), options.serverUrl, options.timeoutMs, options.onEvent);
    return session(host, options, release);
  } catch (error) {
    if (vault !== undefined) {
      await vault.lock().catch(() => undefined);
      await storage.destroyRecords().catch(() => undefined);
      await rm(join(options.directory, HEADER_FILE), { force: true }).catch(() => undefined);
    }
    await release();
    throw error;
  }
}

/**
 * Unlocks the vault with `passcode` and opens the host (not yet connected: call
 * `host.start()`).
 * @throws SessionBusyError, VaultError('not-initialized' | 'wrong-passcode' | 'wiped' | ...), HostError('no-account')
 */
export async function openNodeSession(options: NodeHostOptions & { readonly passcode: string }): Promise<NodeSession> {
  // Nothing is created where no vault exists (the storage and the session lock would make the directory).
  if (!existsSync(join(options.directory, HEADER_FILE))) throw new VaultError('not-initialized', 'no vault exists here');
  const release = await acquireSession(options.directory);
  try {
    const vault = await Vault.open({ provider: nodeProvider, storage: new DirectoryVaultStorage(options.directory), allowWeakParametersForTests: options.weakArgon2ForTests !== undefined });
    await vault.unlock(options.passcode);
    try {
      const host = await SealedHost.open(hostOptions(vault, options));
      return session(host, options, release);
    } catch (error) {
      await vault.lock();
      throw error;
    }
  } catch (error) {
    await release();
    throw error;
  }
}

/**
 * Changes the passcode (re-wraps the vault key; records untouched).
 * @throws SessionBusyError, VaultError as Vault.changePasscode
 */
export async function changeNodePasscode(options: NodeHostOptions & { readonly current: string; readonly next: string }): Promise<void> {
  if (!existsSync(join(options.directory, HEADER_FILE))) throw new VaultError('not-initialized', 'no vault exists here');
  const release = await acquireSession(options.directory);
  try {
    const vault = await Vault.open({ provider: nodeProvider, storage: new DirectoryVaultStorage(options.directory), allowWeakParametersForTests: options.weakArgon2ForTests !== undefined });
    await vault.changePasscode(options.current, options.next);
    await vault.lock();
  } finally {
    await release();
  }
}
