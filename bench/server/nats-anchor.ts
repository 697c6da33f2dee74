/**
 * The in-machine anchor: a private nats-server (same binary as the shared one at
 * 127.0.0.1:4222, v2.9) with JetStream on a temporary store directory, loopback only, so
 * its CPU and memory are its own and nobody else's traffic is counted. Without the
 * `@nats-io/jetstream` package, JetStream is driven through its `$JS.API` subjects with the
 * core client: a file-backed work-queue stream, one durable push consumer per pair with
 * explicit acks, publishes as requests answered by the stream's PubAck (stored, acked).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as tcpConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { payloadTag } from './client.ts';
import { rssBytes, rssSampler } from './proc.ts';
import { freePort } from './spawn.ts';
import { sleep, until } from './stats.ts';
import type { Pair, PairEvents } from './workload.ts';

export const NATS_SERVER_BINARY = '/usr/sbin/nats-server';
const READY_TIMEOUT_MS = 15_000;
const REQUEST_TIMEOUT_MS = 30_000;

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface PrivateNats {
  readonly pid: number;
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Starts `nats-server -a 127.0.0.1 -p <free port> -js -sd <tmp>`. @throws when it does not become ready. */
export async function startNats(): Promise<PrivateNats> {
  const port = await freePort();
  const store = mkdtempSync(join(tmpdir(), 'sealed-bench-nats-'));
  const child = spawn(NATS_SERVER_BINARY, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', store], { stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => (live.delete(child), resolve())));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nats-server not ready: ${output.slice(-500)}`)), READY_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4000);
      if (output.includes('Server is ready')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(() => reject(new Error(`nats-server exited: ${output.slice(-500)}`)));
  });
  return {
    pid: child.pid!,
    port,
    url: `nats://127.0.0.1:${port}`,
    stop: async () => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      rmSync(store, { recursive: true, force: true });
    },
  };
}

/** A `$JS.API` request; @throws with the API's error description. */
async function jsApi(nc: NatsConnection, subject: string, body: unknown): Promise<unknown> {
  const reply = await nc.request(`$JS.API.${subject}`, JSON.stringify(body), { timeout: REQUEST_TIMEOUT_MS });
  const parsed = JSON.parse(reply.string()) as { error?: { description?: string } };
  if (parsed.error !== undefined) throw new Error(`$JS.API.${subject}: ${parsed.error.description ?? 'error'}`);
  return parsed;
}

export interface NatsPairs {
  readonly pairs: readonly Pair[];
  close(): Promise<void>;
}

function payload(bytes: number, tag: number): Uint8Array {
  const out = new Uint8Array(bytes).fill(0x5a);
  new DataView(out.buffer).setUint32(0, tag);
  return out;
}

/** K pairs over NATS core: publish, subscribe (nothing stored, no acknowledgement). */
export async function corePairs(nats: PrivateNats, count: number, payloadBytes: number): Promise<NatsPairs> {
  const connections: NatsConnection[] = [];
  const pairs: Pair[] = [];
  for (let i = 0; i < count; i++) {
    const pub = await connect({ servers: nats.url });
    const sub = await connect({ servers: nats.url });
    connections.push(pub, sub);
    let events: PairEvents | undefined;
    const subject = `core.${i}`;
    sub.subscribe(subject, { callback: (_err, msg) => events?.delivered(payloadTag(msg.data)) });
    await sub.flush();
    pairs.push({
      bind: (e) => (events = e),
      send: (tag) => {
        pub.publish(subject, payload(payloadBytes, tag));
        events?.answered(tag, true);
      },
    });
  }
  return { pairs, close: async () => void (await Promise.all(connections.map((c) => c.close()))) };
}

const STREAM = 'SEALEDBENCH';

async function createStream(nc: NatsConnection): Promise<void> {
  await jsApi(nc, `STREAM.CREATE.${STREAM}`, { name: STREAM, subjects: ['js.>'], storage: 'file', retention: 'workqueue', num_replicas: 1 });
}

async function createPushConsumer(nc: NatsConnection, name: string, filter: string, deliverSubject: string): Promise<void> {
  await jsApi(nc, `CONSUMER.DURABLE.CREATE.${STREAM}.${name}`, {
    stream_name: STREAM,
    config: { durable_name: name, deliver_subject: deliverSubject, filter_subject: filter, ack_policy: 'explicit', deliver_policy: 'all', max_ack_pending: 20_000 },
  });
}

/** K pairs over JetStream: request-publish (PubAck after the file store took it), push consumer, explicit ack. */
export async function jetStreamPairs(nats: PrivateNats, count: number, payloadBytes: number): Promise<NatsPairs> {
  const admin = await connect({ servers: nats.url });
  await createStream(admin);
  const connections: NatsConnection[] = [admin];
  const pairs: Pair[] = [];
  for (let i = 0; i < count; i++) {
    const pub = await connect({ servers: nats.url });
    const sub = await connect({ servers: nats.url });
    connections.push(pub, sub);
    let events: PairEvents | undefined;
    const subject = `js.pair.${i}`;
    const deliver = `deliver.pair.${i}`;
    sub.subscribe(deliver, {
      callback: (_err, msg: Msg) => {
        msg.respond(); // the ack: an empty message to the $JS.ACK reply subject
        events?.delivered(payloadTag(msg.data));
      },
    });
    await sub.flush();
    await createPushConsumer(admin, `pair${i}`, subject, deliver);
    pairs.push({
      bind: (e) => (events = e),
      send: (tag) => {
        pub.request(subject, payload(payloadBytes, tag), { timeout: REQUEST_TIMEOUT_MS }).then(
          (reply) => events?.answered(tag, !reply.string().includes('"error"')),
          () => events?.answered(tag, false),
        );
      },
    });
  }
  return { pairs, close: async () => void (await Promise.all(connections.map((c) => c.close()))) };
}

export interface NatsDrain {
  readonly entries: number;
  readonly deliveredSeconds: number;
  readonly rssGrowthBytes: number;
}

/** Stores `count` messages for a consumer that does not exist yet, then times its creation and drain (with acks). */
export async function jetStreamDrain(nats: PrivateNats, count: number, payloadBytes: number): Promise<NatsDrain> {
  const nc = await connect({ servers: nats.url });
  try {
    let answered = 0;
    let sent = 0;
    // Bounded by count; at most 100 unanswered.
    while (sent < count) {
      const batch: Promise<Msg>[] = [];
      for (let k = 0; k < 100 && sent < count; k++) batch.push(nc.request('js.drain', payload(payloadBytes, sent++), { timeout: REQUEST_TIMEOUT_MS }));
      answered += (await Promise.all(batch)).length;
    }
    if (answered !== count) throw new Error('drain fill incomplete');
    await sleep(300);
    let got = 0;
    let done: () => void = () => {};
    const all = new Promise<void>((resolve) => (done = resolve));
    const receiver = await connect({ servers: nats.url });
    receiver.subscribe('deliver.drain', {
      callback: (_err, msg) => {
        msg.respond();
        if (++got === count) done();
      },
    });
    await receiver.flush();
    const before = rssBytes(nats.pid);
    const sampler = rssSampler(nats.pid, 2);
    const start = performance.now();
    await createPushConsumer(nc, 'drain', 'js.drain', 'deliver.drain');
    await all;
    await receiver.flush();
    const seconds = (performance.now() - start) / 1000;
    const peak = sampler.stop();
    await receiver.close();
    return { entries: count, deliveredSeconds: seconds, rssGrowthBytes: peak - before };
  } finally {
    await nc.close();
  }
}

/** Opens `count` idle NATS client connections (raw CONNECT + PING/PONG) and returns bytes of server RSS per connection. */
export async function natsIdle(nats: PrivateNats, count: number): Promise<{ connections: number; bytesPerConnection: number; perGiB: number }> {
  await sleep(500);
  const before = rssBytes(nats.pid);
  const sockets: Socket[] = [];
  let next = 0;
  const openOne = () =>
    new Promise<void>((resolve, reject) => {
      const socket = tcpConnect({ host: '127.0.0.1', port: nats.port });
      sockets.push(socket);
      let seen = '';
      socket.once('error', reject);
      socket.on('data', (chunk) => {
        seen += chunk.toString('latin1');
        if (seen.startsWith('INFO') && !seen.includes('CONNECT_SENT')) {
          seen += 'CONNECT_SENT';
          socket.write('CONNECT {"verbose":false,"pedantic":false}\r\nPING\r\n');
        }
        if (seen.includes('PONG')) {
          socket.removeAllListeners('data');
          resolve();
        }
      });
    });
  const worker = async () => {
    // Bounded by count.
    while (next < count) {
      next++;
      await openOne();
    }
  };
  await Promise.all(Array.from({ length: 64 }, worker));
  await until(() => true, 'settle', 1000);
  await sleep(2000);
  const after = rssBytes(nats.pid);
  for (const socket of sockets) socket.destroy();
  const bytesPerConnection = (after - before) / count;
  return { connections: count, bytesPerConnection, perGiB: 2 ** 30 / bytesPerConnection };
}
