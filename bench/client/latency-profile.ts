/**
 * `node --import tsx bench/client/latency-profile.ts`: the client benchmark's latency phase
 * alone (one pair of SDK hosts against a real server process, one message at a time), with
 * a CPU profile of this process taken over the measured messages only (node:inspector), so
 * setup (accounts, the conversation, warm-up) is not in it. Summarise the profile with
 * `node --import tsx bench/server/profile-summary.ts <file>`.
 *
 * Variables: CLIENT_PROFILE_MESSAGES (300), CLIENT_PROFILE_DISK (1: vault records in
 * encrypted SQLite as the CLI runs; 0: in memory), CLIENT_PROFILE_OUT (a .cpuprofile path;
 * unset: no profile, latency only). Bounded: every wait has the benchmark's timeout.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadAverage } from '../server/proc.ts';
import { startBenchServer } from '../server/sealed-server.ts';
import { connectPairs } from '../server/sealed-load.ts';
import { envInt } from '../server/stats.ts';
import { benchHosts, waitFor } from './hosts.ts';
import { sdkLatency, serverLatency, summary } from './scenarios.ts';

const MESSAGES = envInt('CLIENT_PROFILE_MESSAGES', 300);
const DISK = envInt('CLIENT_PROFILE_DISK', 1) === 1;
const OUT = process.env['CLIENT_PROFILE_OUT'];

const server = await startBenchServer('sqlite');
const [alice, bob] = await benchHosts(server.baseUrl, 'prof', 2, 2, DISK);
try {
  const { conversationId } = await alice!.host.createConversation([bob!.host.username]);
  await waitFor(() => bob!.members.get(conversationId) === 2, 'bob joined');
  await sdkLatency(alice!, bob!, conversationId, 50, 'warm');
  const raw = await connectPairs(server, 1, 256);
  await serverLatency(raw, 50);
  const alone = summary(await serverLatency(raw, MESSAGES));
  raw.close();
  const session = new Session();
  if (OUT !== undefined) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
  }
  const cpu0 = process.cpuUsage();
  const sdk = summary(await sdkLatency(alice!, bob!, conversationId, MESSAGES, 'measured'));
  const cpu = process.cpuUsage(cpu0);
  if (OUT !== undefined) {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(OUT, JSON.stringify(profile));
    session.disconnect();
  }
  console.log(`load ${loadAverage()}; ${DISK ? 'SQLite' : 'memory'} records; ${MESSAGES} messages`);
  console.log(`SDK p50 ${sdk.p50Ms.toFixed(2)} ms, p99 ${sdk.p99Ms.toFixed(2)} ms; server alone p50 ${alone.p50Ms.toFixed(2)} ms; added ${(sdk.p50Ms - alone.p50Ms).toFixed(2)} ms`);
  console.log(`client CPU per message, both ends: ${((cpu.user + cpu.system) / MESSAGES).toFixed(0)} µs`);
} finally {
  await alice!.close().catch(() => undefined);
  await bob!.close().catch(() => undefined);
  await server.dispose();
}
process.exit(0);
