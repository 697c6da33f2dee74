/**
 * Real SDK clients for the client benchmark: each is a full Node host (vault in its own
 * temporary directory with encrypted SQLite records, engine, NodeTransport) against the
 * benchmark server on loopback, with the time each message event arrived.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { nodeProvider } from '../../packages/crypto/src/node/provider.ts';
import { createNodeAccount, nodeTransportFactory } from '../../packages/client/src/host/node-host.ts';
import { SealedHost } from '../../packages/client/src/host/host.ts';
import { MemoryVaultStorage } from '../../packages/client/src/store/memory/memory-vault-storage.ts';
import { Vault } from '../../packages/client/src/vault/vault.ts';

/** Argon2id is paid once per unlock, never per message: bench vaults use the test parameters. */
const BENCH_ARGON2 = { memoryKiB: 8, iterations: 1, parallelism: 1 };
/** Every wait of the benchmark (account creation, a message, a join). */
export const WAIT_MS = 120_000;

export interface BenchHost {
  readonly host: SealedHost;
  /** performance.now() when a text first arrived as a 'message' event (after it was saved). */
  readonly arrived: Map<string, number>;
  /** Conversation ids joined, with their member counts. */
  readonly members: Map<string, number>;
  close(): Promise<void>;
}

let counter = 0;

/**
 * Creates an account named `prefix-<n>` and connects it. `disk`: the vault's records in
 * encrypted SQLite in a temporary directory (what the CLI runs); otherwise in memory (the
 * same encryption, no file system), to tell the client's CPU from its durable writes.
 */
export async function benchHost(baseUrl: string, prefix: string, disk = true): Promise<BenchHost> {
  const username = `${prefix}-${process.pid % 10000}-${counter++}`;
  let host: SealedHost;
  let close: () => Promise<void>;
  if (disk) {
    const directory = mkdtempSync(join(tmpdir(), 'sealed-bench-client-'));
    const session = await createNodeAccount({ directory, passcode: 'bench', serverUrl: baseUrl, username, timeoutMs: WAIT_MS, weakArgon2ForTests: BENCH_ARGON2, keyPackageTarget: 4 });
    host = session.host;
    close = async () => {
      await session.close();
      rmSync(directory, { recursive: true, force: true });
    };
  } else {
    const vault = await Vault.create({ provider: nodeProvider, storage: new MemoryVaultStorage(), passcode: 'bench', argon2: BENCH_ARGON2, allowWeakParametersForTests: true });
    host = await SealedHost.createAccount({ provider: nodeProvider, vault, transport: nodeTransportFactory(), keyPackageTarget: 4 }, baseUrl, username, WAIT_MS);
    close = () => host.close();
  }
  const session = { host };
  const arrived = new Map<string, number>();
  const members = new Map<string, number>();
  session.host.on((event) => {
    if (event.type === 'message' && event.message.text !== null && !arrived.has(event.message.text)) arrived.set(event.message.text, performance.now());
    if (event.type === 'conversation') members.set(event.conversation.conversationId, new Set(event.conversation.members.map((m) => m.username)).size);
  });
  return { host, arrived, members, close };
}

/** Creates `count` hosts, `concurrency` at a time (registration is sequential per host). */
export async function benchHosts(baseUrl: string, prefix: string, count: number, concurrency = 8, disk = true): Promise<BenchHost[]> {
  const out: BenchHost[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      out[i] = await benchHost(baseUrl, prefix, disk);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return out;
}

/** Polls `check` every `everyMs` until it holds. @throws after `waitMs` (default WAIT_MS) */
export async function waitFor(check: () => boolean, what: string, everyMs = 1, waitMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + waitMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/**
 * A new device of `member`'s account (in-memory vault): it shows a link code, `member`
 * approves it. Resolves with the new device and the approval's start time once the new
 * device is registered (the member then adds it to every conversation).
 */
export async function linkedDevice(baseUrl: string, member: BenchHost): Promise<{ device: BenchHost; approvedAt: number }> {
  const vault = await Vault.create({ provider: nodeProvider, storage: new MemoryVaultStorage(), passcode: 'bench', argon2: BENCH_ARGON2, allowWeakParametersForTests: true });
  let code: string | undefined;
  const arrived = new Map<string, number>();
  const members = new Map<string, number>();
  const linking = SealedHost.link({ provider: nodeProvider, vault, transport: nodeTransportFactory(), keyPackageTarget: 4 }, baseUrl, WAIT_MS, (event) => {
    if (event.type === 'link-offer') code = event.code;
    if (event.type === 'conversation') members.set(event.conversation.conversationId, new Set(event.conversation.members.map((m) => m.username)).size);
    if (event.type === 'message' && event.message.text !== null && !arrived.has(event.message.text)) arrived.set(event.message.text, performance.now());
  });
  await waitFor(() => code !== undefined, 'the link code', 5);
  const approvedAt = performance.now();
  await member.host.approveLink(code!);
  const host = await linking;
  return { device: { host, arrived, members, close: () => host.close() }, approvedAt };
}
