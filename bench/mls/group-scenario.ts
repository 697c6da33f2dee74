// The group benchmark's scenario, the same for every implementation (issue 3, Performance):
//
//   1. setup (not timed): the creator makes a group; N-1 KeyPackages are generated.
//   2. commit: the creator adds the N-1 members in ONE commit (Add proposals by value, no
//      UpdatePath: an add-only commit needs none, RFC 9420 §12.4), with the Welcome (the
//      ratchet_tree extension inside it) and the MLSMessage encoding of both.
//   3. welcome: the last added member decodes the Welcome and joins (decrypts its group
//      secrets, verifies the GroupInfo and the whole tree, runs the key schedule).
//   4. update: that new member commits a self-update (empty commit with an UpdatePath). The
//      tree's parent nodes are all blank after step 2, so the path secrets are encrypted to
//      every other leaf (about N-1 HPKE encryptions): the worst case of a first update.
//   5. process: the creator decodes and processes that commit (one HPKE decryption, path
//      derivation, parent hashes, tree hash, signature and confirmation tag).
//   6. messages: application messages (100 bytes) from the new member to the creator,
//      sealed, encoded, decoded and opened, per second.

/** One implementation's timings for one group size. */
export interface GroupTimings {
  readonly commitMs: number;
  readonly welcomeMs: number;
  readonly updateMs: number;
  readonly processMs: number;
  readonly messagesPerSecond: number;
  /**
   * CPU time of the process (user + system, all threads) for each step, in ms: on a machine
   * shared with other jobs this moves far less than wall time, which counts time spent waiting
   * for a core.
   */
  readonly cpu?: { readonly commitMs: number; readonly welcomeMs: number; readonly updateMs: number; readonly processMs: number };
}

/** The steps of the scenario, each implemented by one library. */
export interface GroupDriver {
  /** Step 1; returns the N-1 KeyPackages as MLSMessage bytes (the driver keeps the private keys). */
  setup(n: number): Promise<Uint8Array[]>;
  /** Step 2; returns the Welcome bytes for step 3. */
  addAll(keyPackages: readonly Uint8Array[]): Promise<Uint8Array>;
  /** Step 3: the last added member joins. */
  join(welcome: Uint8Array): Promise<void>;
  /** Step 4; returns the commit bytes. */
  update(): Promise<Uint8Array>;
  /** Step 5. */
  process(commit: Uint8Array): Promise<void>;
  /** Step 6: one message from the joiner to the creator, end to end. */
  message(): Promise<void>;
  /** Sanity check after step 5: both sides agree on the epoch authenticator. */
  agree(): boolean;
}

export const PAYLOAD = new Uint8Array(100).fill(0x61);

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

async function timed<T>(f: () => Promise<T>): Promise<{ ms: number; cpuMs: number; value: T }> {
  gc();
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const value = await f();
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, value };
}

/** Runs the scenario once for a group of `n` with a fresh driver. */
export async function runScenario(driver: GroupDriver, n: number, messageMs: number): Promise<GroupTimings> {
  const keyPackages = await driver.setup(n);
  const commit = await timed(() => driver.addAll(keyPackages));
  const welcome = await timed(() => driver.join(commit.value));
  const update = await timed(() => driver.update());
  const processed = await timed(() => driver.process(update.value));
  if (!driver.agree()) throw new Error('the two members disagree on the epoch authenticator');
  for (let i = 0; i < 20; i++) await driver.message(); // warm-up
  gc();
  let count = 0;
  const start = performance.now();
  const end = start + messageMs;
  while (performance.now() < end) {
    for (let i = 0; i < 8; i++) await driver.message();
    count += 8;
  }
  return {
    commitMs: commit.ms,
    welcomeMs: welcome.ms,
    updateMs: update.ms,
    processMs: processed.ms,
    messagesPerSecond: (count * 1000) / (performance.now() - start),
    cpu: { commitMs: commit.cpuMs, welcomeMs: welcome.cpuMs, updateMs: update.cpuMs, processMs: processed.cpuMs },
  };
}
