// `npm run bench client`: real SDK clients (full Node hosts: vault with encrypted SQLite
// records, engine, NodeTransport) against a real server process on loopback (issue 5,
// "Performance"). See docs/BENCHMARKS.md, "Client". Everything is bounded in count and time.
//
// Measures, in one run:
//   1. send -> decrypted-and-saved latency p50/p99 between two clients, one message at a
//      time, and the server's own p50/p99 for a raw frame of the same size (rounds
//      interleaved, same server process): the difference is what crypto + client add;
//   2. sustained messages per second across 50 conversations (100 clients);
//   3. time for a new device of a member to join a 100-member group (linked with a code
//      like `sealed link`; timed from the approval on the member's device).
// Variables (default): CLIENT_BENCH_LATENCY (200 per round), CLIENT_BENCH_ROUNDS (3),
// CLIENT_BENCH_PAIRS (50), CLIENT_BENCH_MESSAGES (40 per conversation), CLIENT_BENCH_GROUP (100),
// CLIENT_BENCH_PAYLOAD (raw frame payload bytes, 256: about one short text's PrivateMessage).
import { cpuMicros, loadAverage } from './server/proc.ts';
import { startBenchServer } from './server/sealed-server.ts';
import { connectPairs } from './server/sealed-load.ts';
import { envInt } from './server/stats.ts';
import { benchHosts, linkedDevice, waitFor, type BenchHost } from './client/hosts.ts';
import { groupJoin, sdkLatency, serverLatency, summary, throughput } from './client/scenarios.ts';

const LATENCY = envInt('CLIENT_BENCH_LATENCY', 200);
const ROUNDS = Math.max(1, envInt('CLIENT_BENCH_ROUNDS', 3));
const PAIRS = envInt('CLIENT_BENCH_PAIRS', 50);
const MESSAGES = envInt('CLIENT_BENCH_MESSAGES', 40);
const GROUP = Math.max(2, envInt('CLIENT_BENCH_GROUP', 100));
const PAYLOAD = envInt('CLIENT_BENCH_PAYLOAD', 256);
const WARMUP = 20;

const fmt = (n: number, digits = 2) => n.toFixed(digits);

const server = await startBenchServer('sqlite');
const hosts: BenchHost[] = [];
try {
  console.log(`load average at start: ${loadAverage()}`);
  // 1. Latency, SDK vs server alone, interleaved.
  const pair = async (disk: boolean): Promise<[BenchHost, BenchHost, string]> => {
    const [alice, bob] = await benchHosts(server.baseUrl, disk ? 'lat' : 'mem', 2, 2, disk);
    hosts.push(alice!, bob!);
    const { conversationId } = await alice!.host.createConversation([bob!.host.username]);
    await waitFor(() => bob!.members.get(conversationId) === 2, 'bob joined');
    await sdkLatency(alice!, bob!, conversationId, WARMUP, 'warm');
    return [alice!, bob!, conversationId];
  };
  const onDisk = await pair(true);
  const inMemory = await pair(false);
  const raw = await connectPairs(server, 1, PAYLOAD);
  await serverLatency(raw, WARMUP);
  const sdk: number[] = [];
  const memory: number[] = [];
  const alone: number[] = [];
  const cpu = { disk: 0, memory: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    alone.push(...(await serverLatency(raw, LATENCY)));
    let c0 = process.cpuUsage();
    sdk.push(...(await sdkLatency(onDisk[0], onDisk[1], onDisk[2], LATENCY, `r${round}`)));
    let c = process.cpuUsage(c0);
    cpu.disk += c.user + c.system;
    c0 = process.cpuUsage();
    memory.push(...(await sdkLatency(inMemory[0], inMemory[1], inMemory[2], LATENCY, `r${round}`)));
    c = process.cpuUsage(c0);
    cpu.memory += c.user + c.system;
  }
  raw.close();
  const s = summary(sdk);
  const m = summary(memory);
  const a = summary(alone);
  console.log(`\nsend -> decrypted latency, ${s.samples} messages one at a time per path, rounds interleaved (load ${loadAverage()})`);
  console.log('| path | p50 ms | p99 ms | client CPU per message, both ends (µs) |');
  console.log('|---|---|---|---|');
  console.log(`| SDK hosts, vault records in encrypted SQLite (what the CLI runs) | ${fmt(s.p50Ms)} | ${fmt(s.p99Ms)} | ${fmt(cpu.disk / s.samples, 0)} |`);
  console.log(`| SDK hosts, vault records encrypted in memory | ${fmt(m.p50Ms)} | ${fmt(m.p99Ms)} | ${fmt(cpu.memory / m.samples, 0)} |`);
  console.log(`| server alone (raw ${PAYLOAD}-byte frame) | ${fmt(a.p50Ms)} | ${fmt(a.p99Ms)} | |`);
  console.log(`| added by crypto + client, p50 (SQLite / memory) | ${fmt(s.p50Ms - a.p50Ms)} / ${fmt(m.p50Ms - a.p50Ms)} | | |`);

  // 2. Throughput across PAIRS conversations.
  const many = await benchHosts(server.baseUrl, 'tp', 2 * PAIRS);
  hosts.push(...many);
  const pairs: [BenchHost, BenchHost, string][] = [];
  for (let i = 0; i < PAIRS; i++) {
    const [sender, receiver] = [many[2 * i]!, many[2 * i + 1]!];
    const started = await sender.host.createConversation([receiver.host.username]);
    pairs.push([sender, receiver, started.conversationId]);
  }
  await waitFor(() => pairs.every(([, r, id]) => r.members.get(id) === 2), 'every conversation set up', 5);
  const serverCpu0 = cpuMicros(server.pid);
  const t = await throughput(pairs, MESSAGES, 'tp');
  const serverCpuUsPerMsg = (cpuMicros(server.pid) - serverCpu0) / t.messages;
  console.log(`\nsustained throughput, ${PAIRS} conversations x ${MESSAGES} messages sent back to back (load ${loadAverage()})`);
  console.log('| messages | seconds | msgs/s | client CPU µs/msg (both ends) | server CPU µs/msg |');
  console.log('|---|---|---|---|---|');
  console.log(`| ${t.messages} | ${fmt(t.seconds)} | ${fmt(t.perSecond, 0)} | ${fmt(t.clientCpuUsPerMsg, 0)} | ${fmt(serverCpuUsPerMsg, 0)} |`);
  // The throughput phase's clients are closed before the group is built: kept alive they
  // share the one process with the group's hundred (ticks, sockets), and on a loaded machine
  // the build then did not finish within its bound.
  for (const h of many) await h.close().catch(() => undefined);
  hosts.splice(hosts.length - many.length, many.length);

  // 3. A new device of a member joins a GROUP-member group. Its members keep their vault
  // records in memory (same encryption): the measurement is the protocol, and a hundred
  // SQLite files fsyncing on one loaded disk would only measure the disk.
  const members = await benchHosts(server.baseUrl, 'grp', GROUP, 8, false);
  hosts.push(...members);
  const j = await groupJoin(members, (member) => linkedDevice(server.baseUrl, member));
  hosts.push(j.device);
  console.log(`\na new device of a member joins a ${GROUP}-member group, one process holding every client, records in memory (load ${loadAverage()})`);
  console.log('| build the group (s) | new device in the group, from the approval (ms) | every member in the new epoch (ms) |');
  console.log('|---|---|---|');
  console.log(`| ${fmt(j.createSeconds)} | ${fmt(j.joinMs, 0)} | ${fmt(j.allMembersMs, 0)} |`);
} finally {
  for (const h of hosts) await h.close().catch(() => undefined);
  await server.dispose();
}
process.exit(0);
