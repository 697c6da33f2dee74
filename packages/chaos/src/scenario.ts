/**
 * One chaos run: start the cluster, create users and groups, then for a bounded time let the
 * seeded generator pick what happens next (sends, adds, removes, commit races, devices going
 * offline for long stretches, socket drops, server crashes, NATS restarts, PostgreSQL
 * connection loss) while the fault proxies delay, duplicate and reorder frames. Then the
 * faults stop, everyone comes back online, the system is given a bounded time to settle,
 * and the invariants are checked (invariants.ts).
 */
import { EngineError } from '@sealed/client/engine/errors';
import { Cluster, type ClusterMode } from './cluster.ts';
import { NO_FAULTS, type FaultCounts, type FaultProfile } from './fault-proxy.ts';
import { checkInvariants, type InvariantReport } from './invariants.ts';
import { Ledger } from './ledger.ts';
import { Rng } from './rng.ts';
import { SimUser } from './sim-user.ts';
import { MemorySampler } from './memory.ts';

export interface ChaosOptions {
  readonly seed: string;
  readonly mode: ClusterMode;
  readonly users: number;
  readonly groups: number;
  /** Time with faults; settling and checks come after it. */
  readonly durationMs: number;
  /** Scenario steps per second (each step is one user action or one fault). */
  readonly stepsPerSecond: number;
  readonly faults: FaultProfile;
  /** Upper bound on the settling phase. */
  readonly settleMs: number;
  readonly log?: (line: string) => void;
  /** Called with the users after the checks, before they are closed (for debugging a seed). */
  readonly inspect?: (users: readonly SimUser[]) => void;
}

export const DEFAULT_FAULTS: FaultProfile = {
  delayProbability: 0.05,
  maxDelayMs: 150,
  duplicateProbability: 0.02,
  reorderProbability: 0.02,
  dropProbability: 0.002,
  httpResetProbability: 0.01,
};

export interface ChaosReport {
  readonly seed: string;
  readonly mode: ClusterMode;
  readonly users: number;
  /** Devices linked to users' accounts during the run (linking by code, as a person would). */
  readonly devicesLinked: number;
  readonly steps: Readonly<Record<string, number>>;
  readonly faults: FaultCounts;
  readonly serverFaults: Readonly<Record<string, number>>;
  readonly invariants: InvariantReport;
  readonly durationMs: number;
}

/** Steps that may run at once; a slow step (a crash and restart) does not stop the traffic. */
const MAX_STEPS_IN_FLIGHT = 16;
/** Shortest and longest stretch a device stays offline. */
const OFFLINE_MS = [500, 8_000] as const;
/** Smallest group kept (removals stop there) and largest (adds stop there). */
const MIN_GROUP = 2;
const MAX_GROUP = 8;

/** Devices linked during the run and not removed yet, at most (each user links at most one at a time). */
const MAX_LINKED_DEVICES = 3;

type Step = 'send' | 'add' | 'remove' | 'race' | 'tick' | 'offline' | 'link' | 'unlink' | 'drop-sockets' | 'crash' | 'nats-restart' | 'pg-drop';

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => {});
  const started = Date.now();
  const rng = new Rng(options.seed);
  const pick = rng.fork('scenario');
  const ledger = new Ledger();
  // Accounts and first groups are made on a calm network; the faults start with the traffic.
  const cluster = await Cluster.start(options.mode, rng.fork('cluster'), NO_FAULTS);
  const memory = new MemorySampler(cluster);
  const users: SimUser[] = [];
  const stepCounts: Record<string, number> = {};
  const serverFaults: Record<string, number> = { crashes: 0, natsRestarts: 0, pgConnectionsDropped: 0, socketCuts: 0 };
  let devicesLinked = 0;
  const linking = new Set<SimUser>();
  try {
    const entries = cluster.entryPoints;
    for (let i = 0; i < options.users; i++) users.push(await SimUser.create(`chaos${i}`, entries[i % entries.length]!, ledger));
    log(`chaos: ${users.length} users on ${entries.length} node(s)`);
    const byName = new Map(users.map((u) => [u.username, u]));
    for (let g = 0; g < options.groups; g++) {
      const size = pick.int(MIN_GROUP, Math.min(5, users.length));
      const members = shuffle(pick, users).slice(0, size);
      const creator = members[0]!;
      const created = creator.engine.createConversation(members.slice(1).map((m) => m.username));
      await creator.transport.run(created.actions);
    }
    memory.start();
    for (const proxy of cluster.proxies()) proxy.faults = options.faults;

    const inFlight = new Set<Promise<void>>();
    const returns: { at: number; user: SimUser }[] = [];
    let serverFaultRunning = false;
    const deadline = Date.now() + options.durationMs;
    const interval = 1000 / options.stepsPerSecond;
    while (Date.now() < deadline) {
      for (const r of returns.filter((x) => x.at <= Date.now())) {
        returns.splice(returns.indexOf(r), 1);
        void r.user.goOnline();
      }
      const weights: Record<Step, number> = {
        send: 60, add: 4, remove: 3, race: 2, tick: 4, offline: 2, link: 1, unlink: 0.8, 'drop-sockets': 2,
        crash: 0.4, 'nats-restart': options.mode === 'pg-nats' ? 0.3 : 0, 'pg-drop': options.mode === 'pg-nats' ? 0.3 : 0,
      };
      const step = pick.weighted(weights);
      stepCounts[step] = (stepCounts[step] ?? 0) + 1;
      const online = users.filter((u) => !u.offline && !u.revoked);
      const task = (async () => {
        switch (step) {
          case 'send': {
            const user = pick.pick(online);
            const ids = user.engine.conversationIds();
            if (ids.length > 0) await user.send(pick.pick(ids));
            break;
          }
          case 'add': {
            const user = pick.pick(online);
            const ids = user.engine.conversationIds();
            if (ids.length === 0) break;
            const id = pick.pick(ids);
            const members = new Set(user.engine.membersOf(id).map((m) => m.username));
            const outsiders = users.filter((u) => !members.has(u.username));
            if (members.size >= MAX_GROUP || outsiders.length === 0) break;
            await user.transport.run(user.engine.addMember(id, pick.pick(outsiders).username).actions);
            break;
          }
          case 'remove': {
            const user = pick.pick(online);
            const ids = user.engine.conversationIds();
            if (ids.length === 0) break;
            const id = pick.pick(ids);
            const others = user.engine.membersOf(id).map((m) => m.username).filter((n) => n !== user.username);
            if (others.length + 1 <= MIN_GROUP) break;
            await user.transport.run(user.engine.removeMember(id, pick.pick(others)).actions);
            break;
          }
          case 'race': {
            // Two members commit against the same epoch at once: one wins, the other retries.
            const user = pick.pick(online);
            const ids = user.engine.conversationIds();
            if (ids.length === 0) break;
            const id = pick.pick(ids);
            const members = user.engine.membersOf(id).map((m) => byName.get(m.username)).filter((u): u is SimUser => u !== undefined && !u.offline);
            const outsiders = users.filter((u) => !members.some((m) => m.username === u.username));
            if (members.length < 2 || outsiders.length < 2 || members.length >= MAX_GROUP - 1) break;
            const [a, b] = shuffle(pick, members);
            const [x, y] = shuffle(pick, outsiders);
            await Promise.all([a!.transport.run(a!.engine.addMember(id, x!.username).actions), b!.transport.run(b!.engine.addMember(id, y!.username).actions)]);
            break;
          }
          case 'tick':
            await pick.pick(online).tick();
            break;
          case 'link': {
            // A user links a new device by code while the traffic goes on; it joins every conversation.
            const live = users.filter((u) => u.linkedBy !== undefined && !u.revoked);
            const primaries = online.filter((u) => u.linkedBy === undefined && !linking.has(u) && !live.some((d) => d.linkedBy === u));
            if (primaries.length === 0 || live.length + linking.size >= MAX_LINKED_DEVICES) break;
            const primary = pick.pick(primaries);
            const entry = pick.pick(cluster.entryPoints);
            linking.add(primary);
            try {
              users.push(await SimUser.link(primary, entry, ledger));
              devicesLinked++;
            } finally {
              linking.delete(primary);
            }
            break;
          }
          case 'unlink': {
            // A user removes one of its devices during traffic: the relay revokes it at once,
            // and its account's other device commits its removal from every conversation.
            const linked = online.filter((u) => u.linkedBy !== undefined && !u.linkedBy.offline && !u.linkedBy.revoked);
            if (linked.length === 0) break;
            const device = pick.pick(linked);
            device.revoked = true;
            ledger.recordRevoked(device.deviceId);
            await device.linkedBy!.transport.run(device.linkedBy!.engine.removeDevice(device.deviceId).actions);
            break;
          }
          case 'offline': {
            if (online.length <= 2) break;
            const user = pick.pick(online);
            user.goOffline();
            returns.push({ at: Date.now() + pick.int(OFFLINE_MS[0], OFFLINE_MS[1]), user });
            break;
          }
          case 'drop-sockets':
            serverFaults['socketCuts']! += pick.pick(cluster.proxies()).cutAll();
            break;
          case 'crash':
          case 'nats-restart':
          case 'pg-drop': {
            if (serverFaultRunning) break;
            serverFaultRunning = true;
            try {
              if (step === 'crash') {
                await cluster.crashAndRestart(pick.int(0, cluster.nodeCount - 1), pick.int(100, 1500));
                serverFaults['crashes']!++;
              } else if (step === 'nats-restart') {
                if (await cluster.restartNats(pick.int(100, 1500))) serverFaults['natsRestarts']!++;
              } else {
                serverFaults['pgConnectionsDropped']! += await cluster.dropDatabaseConnections();
              }
            } finally {
              serverFaultRunning = false;
            }
            break;
          }
        }
      })().catch((error: unknown) => {
        // The user acted on a conversation that closed meanwhile (removed by someone else): a race, not a fault.
        if (error instanceof EngineError && (error.code === 'unknown-conversation' || error.code === 'conversation-left')) return;
        ledger.recordFailure({ device: '-', type: `step-threw:${step}`, detail: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
      });
      inFlight.add(task);
      void task.finally(() => inFlight.delete(task));
      if (inFlight.size >= MAX_STEPS_IN_FLIGHT) await Promise.race(inFlight);
      await new Promise((resolve) => setTimeout(resolve, interval));
    }
    log(`chaos: fault phase over after ${Date.now() - started} ms; settling`);
    await Promise.all(inFlight);
    for (const proxy of cluster.proxies()) proxy.faults = NO_FAULTS;
    for (const r of returns) await r.user.goOnline();
    const invariants = await checkInvariants({ ledger, users, cluster, memory, settleMs: options.settleMs, log });
    options.inspect?.(users);
    return {
      seed: options.seed,
      mode: options.mode,
      users: options.users,
      devicesLinked,
      steps: stepCounts,
      faults: sumCounts(cluster.proxies().map((p) => p.counts)),
      serverFaults,
      invariants,
      durationMs: Date.now() - started,
    };
  } finally {
    memory.stop();
    for (const user of users) user.close();
    await cluster.stop();
  }
}

function shuffle<T>(rng: Rng, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function sumCounts(all: readonly FaultCounts[]): FaultCounts {
  const total: FaultCounts = { delayed: 0, duplicated: 0, reordered: 0, dropped: 0, httpResets: 0, connections: 0 };
  for (const c of all) for (const k of Object.keys(total) as (keyof FaultCounts)[]) total[k] += c[k];
  return total;
}
