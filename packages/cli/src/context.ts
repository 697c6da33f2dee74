/**
 * What every command gets: the parsed command line, the data directory, the time bound,
 * where to print, and how to open the device (unlock the vault, restore, connect).
 */
import { eraseRemovedDevice, wasRemovedFromAccount } from '@sealed/client/host/node-erase';
import { dataDirectory, openNodeSession, type NodeSession } from '@sealed/client/host/node-host';
import { watchForRemoval } from '@sealed/client/host/removal-watch';
import type { Argon2Params } from '@sealed/client/vault/argon2';
import { flag, intFlag, type Parsed } from './args.ts';
import { deviceRemovedError } from './explain.ts';
import { passcodeSource, type PasscodeSource } from './passcode.ts';

/** Default bound on every wait for the server, in seconds (--timeout). */
export const DEFAULT_TIMEOUT_SECONDS = 30;
/** Largest --timeout: one hour; beyond it a script should loop itself. */
const MAX_TIMEOUT_SECONDS = 3600;

/**
 * Tests only: SEALED_TEST_WEAK_ARGON2=1 makes new vaults use 8 KiB / 1 pass so a test can
 * run dozens of commands. Such a vault is refused by every run without the variable (the
 * vault's production floor), so it cannot slip into real use unnoticed.
 */
export const WEAK_ARGON2_FOR_TESTS: Argon2Params = { memoryKiB: 8, iterations: 1, parallelism: 1 };

export interface Output {
  out(line: string): void;
  err(line: string): void;
}

export interface Context {
  readonly args: Parsed;
  readonly directory: string;
  readonly timeoutMs: number;
  readonly weakArgon2: Argon2Params | undefined;
  readonly io: Output;
  /** The passcode source, with the environment variables to use in turn. */
  passcodes(envNames?: readonly string[]): PasscodeSource;
  /**
   * Unlocks with the passcode and restores the host (not connected yet).
   * @throws CliError(wiped) when this device was removed from its account (erased first if it is not yet)
   */
  open(onLockRequest?: () => void): Promise<NodeSession>;
  /**
   * Unlocks, connects and waits until caught up with what the relay queued.
   * @throws CliError(wiped) when the device turns out to be removed from its account (`removed` is then true)
   */
  connect(onLockRequest?: () => void): Promise<NodeSession>;
  /**
   * Connects an open session and waits until caught up, or until the device is found
   * removed from its account (then `removed` is true and this resolves at once). The
   * removal watch stays on for the session's life.
   */
  startAndSettle(session: NodeSession): Promise<void>;
  /** True once this run learnt the device was removed from its account: `main` erases it when the command ends. */
  readonly removed: boolean;
  /** Called when the removal is learnt while a command runs (an interactive chat ends). */
  onRemoved(listener: () => void): void;
}

export function makeContext(args: Parsed, io: Output, env: NodeJS.ProcessEnv = process.env): Context {
  const directory = dataDirectory(flag(args, 'data-dir'), env);
  const timeoutMs = (intFlag(args, 'timeout', 1, MAX_TIMEOUT_SECONDS) ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
  const fd = intFlag(args, 'passcode-fd', 0, 65535);
  const weakArgon2 = env['SEALED_TEST_WEAK_ARGON2'] === '1' ? WEAK_ARGON2_FOR_TESTS : undefined;
  let removed = false;
  const removalListeners: (() => void)[] = [];
  const context: Context = {
    get removed() {
      return removed;
    },
    onRemoved(listener) {
      removalListeners.push(listener);
    },
    args,
    directory,
    timeoutMs,
    weakArgon2,
    io,
    passcodes: (envNames = ['SEALED_PASSCODE']) => passcodeSource(fd, envNames, env),
    async open(onLockRequest) {
      // Learnt on an earlier run (or erased half-way): finish the erasure, say why, ask nothing.
      if (wasRemovedFromAccount(directory)) {
        await eraseRemovedDevice(directory);
        throw deviceRemovedError();
      }
      const passcode = await context.passcodes().next('Passcode: ');
      return openNodeSession({ directory, passcode, weakArgon2ForTests: weakArgon2, ...(onLockRequest === undefined ? {} : { onLockRequest }) });
    },
    async connect(onLockRequest) {
      const session = await context.open(onLockRequest);
      try {
        await context.startAndSettle(session);
        if (removed) throw deviceRemovedError();
        return session;
      } catch (error) {
        await session.close();
        throw error;
      }
    },
    async startAndSettle(session) {
      let noticed: () => void = () => undefined;
      const removal = new Promise<void>((resolve) => (noticed = resolve));
      watchForRemoval(session.host, () => {
        removed = true;
        noticed();
        for (const listener of removalListeners) listener();
      });
      await session.host.start();
      await Promise.race([session.host.settle(timeoutMs), removal]);
      await showTransparencyAlerts(session, io, timeoutMs);
    },
  };
  return context;
}

/**
 * Key transparency at every connected command: one owner monitoring round (bounded), then
 * every alert not shown yet (from this round, an earlier run or a chat) on stderr, once.
 */
async function showTransparencyAlerts(session: NodeSession, io: Output, timeoutMs: number): Promise<void> {
  const kt = session.host.transparency;
  if (kt === undefined) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([kt.monitor(), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
  if (timer !== undefined) clearTimeout(timer);
  for (const alert of kt.takeUnshown()) io.err(`sealed: ${alert.message}`);
}
