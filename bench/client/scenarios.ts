/**
 * The client benchmark's three measurements, each bounded in count and time:
 * - latency: one message at a time, from `send` on one SDK client to the text being
 *   decrypted and saved on the other, against the same message through the server alone
 *   (raw pre-encoded frames of the same size, bench/server/client.ts), rounds interleaved;
 * - throughput: 50 conversations, every sender sends its messages back to back;
 * - join: the time for a new member to be added to a 100-member group until it and every
 *   existing member are in the new epoch.
 */
import { performance } from 'node:perf_hooks';
import type { SealedPairs } from '../server/sealed-load.ts';
import { quantile } from '../server/stats.ts';
import { MAX_CONVERSATION_USERS } from '../../packages/client/src/engine/limits.ts';
import { type BenchHost, waitFor } from './hosts.ts';

export interface Latencies {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly samples: number;
}

function summary(values: number[]): Latencies {
  return { p50Ms: quantile(values, 0.5), p99Ms: quantile(values, 0.99), samples: values.length };
}

/** Sequential messages over an existing 1:1 conversation; latency per message. */
export async function sdkLatency(sender: BenchHost, receiver: BenchHost, conversationId: string, count: number, tag: string): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const text = `${tag} ${i}`;
    const start = performance.now();
    await sender.host.send(conversationId, text);
    await waitFor(() => receiver.arrived.has(text), `${text} arrives`);
    out.push(receiver.arrived.get(text)! - start);
  }
  return out;
}

/** The same, through the server alone: raw SEND frames to one device, time to DELIVER. */
export async function serverLatency(pairs: SealedPairs, count: number): Promise<number[]> {
  const pair = pairs.pairs[0]!;
  const out: number[] = [];
  let delivered = -1;
  let at = 0;
  pair.bind({ answered: () => undefined, delivered: (tag) => ((delivered = tag), (at = performance.now())) });
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    pair.send(i);
    await waitFor(() => delivered === i, `raw ${i} delivered`);
    out.push(at - start);
  }
  return out;
}

export interface Throughput {
  readonly messages: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** CPU of this (client) process per message, µs. */
  readonly clientCpuUsPerMsg: number;
}

/** Every sender sends `perConversation` texts back to back; done when every receiver has all. */
export async function throughput(pairs: readonly (readonly [BenchHost, BenchHost, string])[], perConversation: number, tag: string): Promise<Throughput> {
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  await Promise.all(
    pairs.map(async ([sender, , id]) => {
      for (let i = 0; i < perConversation; i++) await sender.host.send(id, `${tag} ${i}`);
    }),
  );
  await waitFor(() => pairs.every(([, receiver]) => receiver.arrived.has(`${tag} ${perConversation - 1}`)), 'every conversation drained', 5);
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const messages = pairs.length * perConversation;
  return { messages, seconds, perSecond: messages / seconds, clientCpuUsPerMsg: (cpu.user + cpu.system) / messages };
}

/** Longest wait for building the group (bounded; setup only). */
const GROUP_BUILD_WAIT_MS = 15 * 60 * 1000;

export interface Join {
  readonly createSeconds: number;
  /** From the approval on the member's device to the new device being in the group. */
  readonly joinMs: number;
  /** Until every existing member also processed the commit that added it. */
  readonly allMembersMs: number;
}

/**
 * Builds a group of `members` (the first creates it with as many as one creation may name,
 * MAX_CONVERSATION_USERS, then adds the rest in one commit per MAX_CONVERSATION_USERS), then links a new device to the second
 * member and times how long the new device takes to be in the group.
 */
export async function groupJoin(members: readonly BenchHost[], linkNewDevice: (member: BenchHost) => Promise<{ device: BenchHost; approvedAt: number }>): Promise<Join & { device: BenchHost }> {
  const [creator, ...others] = members;
  const t0 = performance.now();
  const first = others.slice(0, MAX_CONVERSATION_USERS - 1);
  const { conversationId, intent } = await creator!.host.createConversation(first.map((h) => h.host.username), 'bench');
  // The rest in as few commits as the engine allows (addMembers: up to MAX_CONVERSATION_USERS
  // users per commit): one commit per member made every member process 36 commits of a
  // growing group, which did not finish within the bound on a loaded machine.
  const adds: number[] = [];
  const rest = others.slice(first.length);
  for (let i = 0; i < rest.length; i += MAX_CONVERSATION_USERS) adds.push(await creator!.host.addMembers(conversationId, rest.slice(i, i + MAX_CONVERSATION_USERS).map((h) => h.host.username)));
  // Building the group is setup, not the measurement: it may take minutes on a loaded machine.
  await waitFor(() => others.every((h) => h.members.get(conversationId) === members.length), `${members.length} members joined`, 20, GROUP_BUILD_WAIT_MS);
  for (const i of [intent, ...adds]) if (creator!.host.outcome(i) !== undefined) throw new Error(`building the group failed: ${creator!.host.outcome(i)!.message}`);
  const createSeconds = (performance.now() - t0) / 1000;
  const epoch = creator!.host.engine.epochOf(conversationId)!;
  const { device, approvedAt } = await linkNewDevice(others[0]!);
  await waitFor(() => device.members.has(conversationId), 'the new device joined', 1);
  const joinMs = performance.now() - approvedAt;
  await waitFor(() => members.every((h) => (h.host.engine.epochOf(conversationId) ?? 0n) > epoch), 'every member in the new epoch', 1);
  return { createSeconds, joinMs, allMembersMs: performance.now() - approvedAt, device };
}

export { summary };
