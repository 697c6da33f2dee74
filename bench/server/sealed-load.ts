/**
 * The Sealed relay under the shared workload: pairs of authenticated sockets, saturation
 * and offered-rate phases, server CPU per message from /proc, the drain of a queued backlog
 * to a reconnecting device, and idle authenticated sockets per GB.
 */
import { BenchSocket, payloadTag } from './client.ts';
import { cpuMicros, rssBytes, rssSampler } from './proc.ts';
import { metric, registerMany, type BenchServer, type TestDevice } from './sealed-server.ts';
import { sleep, until } from './stats.ts';
import { closedLoop, openLoop, type LoadResult, type Pair, type PairEvents } from './workload.ts';

export interface SealedPairs {
  readonly pairs: readonly Pair[];
  close(): void;
}

/** Registers 2K devices and connects K sender/receiver pairs. */
export async function connectPairs(server: BenchServer, count: number, payloadBytes: number): Promise<SealedPairs> {
  const devices = await registerMany(server.baseUrl, 2 * count);
  const sockets: BenchSocket[] = [];
  const pairs: Pair[] = [];
  for (let i = 0; i < count; i++) {
    const sender = devices[2 * i]!;
    const receiver = devices[2 * i + 1]!;
    let events: PairEvents | undefined;
    const tags = new Map<number, number>();
    const out = await BenchSocket.open(server.baseUrl, sender.token, {
      onAnswer: (requestId, ok) => {
        const tag = tags.get(requestId);
        if (tag === undefined) return;
        tags.delete(requestId);
        events?.answered(tag, ok);
      },
    });
    out.prepare(receiver.deviceId, payloadBytes);
    const inbox = await BenchSocket.open(server.baseUrl, receiver.token, {
      onDeliver: (entries) => {
        for (const entry of entries) events?.delivered(payloadTag(entry.payload));
      },
    });
    sockets.push(out, inbox);
    pairs.push({
      bind: (e) => (events = e),
      send: (tag) => tags.set(out.send(tag), tag),
    });
  }
  return { pairs, close: () => sockets.forEach((s) => s.terminate()) };
}

export interface CpuMeasured {
  readonly result: LoadResult;
  /** Server process CPU per message, from its start to every entry acknowledged. */
  readonly serverCpuUsPerMessage: number;
  /** This load generator's CPU per message (it shares the machine). */
  readonly clientCpuUsPerMessage: number;
  /** Extra processes' CPU per message (PostgreSQL backends, NATS), when given. */
  readonly otherCpuUsPerMessage?: number;
}

/** Waits until the server counted `target` acknowledged entries (bounded). */
async function acked(server: BenchServer, target: number, timeoutMs: number): Promise<void> {
  await until(async () => (await metric(server.baseUrl, 'sealed_entries_acked_total')) >= target, `${target} acknowledged entries`, timeoutMs, 20);
}

/** Runs `phase` and measures CPU around it, including the acknowledgements it causes. */
export async function withCpu(
  server: BenchServer,
  phase: () => Promise<LoadResult>,
  timeoutMs: number,
  otherCpu?: () => number,
): Promise<CpuMeasured> {
  const ackedBefore = await metric(server.baseUrl, 'sealed_entries_acked_total');
  const serverBefore = cpuMicros(server.pid);
  const otherBefore = otherCpu?.();
  const clientBefore = process.cpuUsage();
  const result = await phase();
  await acked(server, ackedBefore + result.messages - result.errors, timeoutMs);
  const serverAfter = cpuMicros(server.pid);
  const client = process.cpuUsage(clientBefore);
  const measured: CpuMeasured = {
    result,
    serverCpuUsPerMessage: (serverAfter - serverBefore) / result.messages,
    clientCpuUsPerMessage: (client.user + client.system) / result.messages,
  };
  if (otherCpu !== undefined && otherBefore !== undefined) return { ...measured, otherCpuUsPerMessage: (otherCpu() - otherBefore) / result.messages };
  return measured;
}

export function saturation(pairs: SealedPairs, messages: number, inflight: number): Promise<LoadResult> {
  return closedLoop(pairs.pairs, messages, inflight, 300_000);
}

export function offered(pairs: SealedPairs, rate: number, seconds: number, inflight: number): Promise<LoadResult> {
  return openLoop(pairs.pairs, rate, seconds, inflight, 60_000);
}

export interface DrainResult {
  readonly entries: number;
  /** From opening the socket to the last entry received. */
  readonly deliveredSeconds: number;
  /** Until the server counted every entry acknowledged (deleted). */
  readonly ackedSeconds: number;
  /** Peak RSS during the drain minus RSS just before it. */
  readonly rssGrowthBytes: number;
  readonly rssBeforeBytes: number;
  /** Server CPU from opening the socket to the last acknowledgement, in seconds. */
  readonly serverCpuSeconds: number;
}

/** Sends `count` messages to `to` from `from`, at most `inflight` unanswered; resolves when all were acknowledged. */
async function fill(server: BenchServer, from: TestDevice, to: TestDevice, count: number, inflight: number): Promise<void> {
  let answered = 0;
  let failed = 0;
  let sent = 0;
  let wake: (() => void) | undefined;
  const socket = await BenchSocket.open(server.baseUrl, from.token, {
    onAnswer: (_id, ok) => {
      answered++;
      if (!ok) failed++;
      wake?.();
    },
  });
  socket.prepare(to.deviceId, 200);
  // Bounded by count.
  while (sent < count) {
    while (sent < count && sent - answered < inflight) socket.send(sent++);
    await new Promise<void>((resolve) => (wake = resolve));
  }
  await until(() => answered === count, 'fill answers', 60_000);
  socket.terminate();
  if (failed > 0) throw new Error(`${failed} sends refused while filling a queue`);
}

/** Connects `device`, auto-acknowledging, and resolves once `count` entries arrived. */
async function receiveAll(server: BenchServer, device: TestDevice, count: number): Promise<{ socket: BenchSocket; done: Promise<void> }> {
  let got = 0;
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  const socket = await BenchSocket.open(server.baseUrl, device.token, {
    onDeliver: (entries) => {
      got += entries.length;
      if (got >= count) resolveDone();
    },
  });
  return { socket, done };
}

/**
 * Queues `count` entries for an offline device (and a small backlog for a warm-up device),
 * restarts the server (a cold process: nothing of the backlog in memory), drains the
 * warm-up device, then measures the drain of the big backlog.
 */
export async function drain(server: BenchServer, count: number, warmup: number): Promise<{ result: DrainResult; server: BenchServer }> {
  const [sender, target, warm] = await registerMany(server.baseUrl, 3, 3);
  await fill(server, sender!, target!, count, 100);
  await fill(server, sender!, warm!, warmup, 100);
  // The restarted process counts acknowledgements from 0.
  const fresh = await server.restart();
  const w = await receiveAll(fresh, warm!, warmup);
  await w.done;
  await until(async () => (await metric(fresh.baseUrl, 'sealed_entries_acked_total')) >= warmup, 'warm-up acks', 60_000, 20);
  w.socket.terminate();
  await sleep(300);
  const rssBefore = rssBytes(fresh.pid);
  const sampler = rssSampler(fresh.pid, 2);
  const cpuBefore = cpuMicros(fresh.pid);
  const start = performance.now();
  const t = await receiveAll(fresh, target!, count);
  await t.done;
  const delivered = performance.now() - start;
  await until(async () => (await metric(fresh.baseUrl, 'sealed_entries_acked_total')) >= warmup + count, 'drain acks', 60_000, 5);
  const ackedMs = performance.now() - start;
  const cpuSeconds = (cpuMicros(fresh.pid) - cpuBefore) / 1e6;
  const peak = sampler.stop();
  t.socket.terminate();
  return {
    server: fresh,
    result: { entries: count, deliveredSeconds: delivered / 1000, ackedSeconds: ackedMs / 1000, rssGrowthBytes: peak - rssBefore, rssBeforeBytes: rssBefore, serverCpuSeconds: cpuSeconds },
  };
}

export interface IdleResult {
  readonly connections: number;
  readonly devices: number;
  readonly rssBeforeBytes: number;
  readonly rssAfterBytes: number;
  readonly bytesPerConnection: number;
  /** 1 GiB divided by the marginal bytes per connection. */
  readonly perGiB: number;
}

/**
 * Opens `connections` idle authenticated sockets spread over `devices` accounts (each
 * device holds connections/devices sockets: registering tens of thousands of accounts
 * costs minutes here) and measures the server's RSS growth.
 */
export async function idle(server: BenchServer, connections: number, devices: number): Promise<IdleResult> {
  const registered = await registerMany(server.baseUrl, devices, 16);
  await sleep(1000);
  const before = rssBytes(server.pid);
  const sockets: BenchSocket[] = [];
  let next = 0;
  const worker = async () => {
    // Bounded by `connections`.
    while (next < connections) {
      const i = next++;
      sockets.push(await BenchSocket.open(server.baseUrl, registered[i % devices]!.token));
    }
  };
  await Promise.all(Array.from({ length: 64 }, worker));
  await sleep(2000);
  const after = rssBytes(server.pid);
  for (const socket of sockets) socket.terminate();
  const bytesPerConnection = (after - before) / connections;
  return { connections, devices, rssBeforeBytes: before, rssAfterBytes: after, bytesPerConnection, perGiB: 2 ** 30 / bytesPerConnection };
}
