// Both nodes of a pg-nats chaos cluster, and a node restarted after a crash, share one NATS
// subject prefix. The harness drew a new prefix each time it built a node's arguments, so no
// push ever crossed between nodes and the suite blamed the server for undelivered messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Cluster } from '../src/cluster.ts';
import { NO_FAULTS } from '../src/fault-proxy.ts';
import { Rng } from '../src/rng.ts';

/** The `--nats-url` a running server process was started with, read from /proc. */
function natsUrlOf(pid: number): string {
  const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  const at = args.indexOf('--nats-url');
  assert.ok(at >= 0 && args[at + 1] !== undefined, `process ${pid} has no --nats-url`);
  return args[at + 1]!;
}

test('every node of a pg-nats cluster, restarted ones included, uses the same NATS subject prefix', async () => {
  const cluster = await Cluster.start('pg-nats', new Rng('prefix-test'), NO_FAULTS);
  try {
    const [a, b] = cluster.serverPids().map(natsUrlOf);
    assert.match(a!, /[?&]prefix=chaos\d+/);
    assert.equal(b, a);
    await cluster.crashAndRestart(1, 10);
    assert.deepEqual(cluster.serverPids().map(natsUrlOf), [a, a]);
  } finally {
    await cluster.stop();
  }
});
