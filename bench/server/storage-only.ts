/**
 * `node --import tsx bench/server/storage-only.ts`: the SQLite queue store alone, without
 * sockets: CPU per message for the server's group-commit shape (each "turn" enqueues
 * SENDS_PER_TURN sends of 200 bytes from 50 senders to 50 receivers, then acknowledges the
 * previous turn's entries as one contiguous run per receiver). Separates the row work from
 * the rest of the relay when reading a profile. Bounded: STORAGE_BENCH_MESSAGES (100,000).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openSqliteStorage } from '../../packages/server/src/storage/sqlite/open.ts';
import { toDay, type AccountId, type DeviceId, type GroupId } from '../../packages/server/src/storage/types.ts';
import { envInt } from './stats.ts';

const MESSAGES = envInt('STORAGE_BENCH_MESSAGES', 100_000);
const PAIRS = 50;
const SENDS_PER_TURN = envInt('STORAGE_BENCH_PER_TURN', 250);

const dir = mkdtempSync(join(tmpdir(), 'sealed-storage-bench-'));
try {
  const storage = await openSqliteStorage({ dataDir: dir });
  const hex = () => randomBytes(16).toString('hex');
  const devices: DeviceId[] = [];
  for (let i = 0; i < 2 * PAIRS; i++) {
    const accountId = hex() as AccountId;
    const id = hex() as DeviceId;
    devices.push(id);
    await storage.accounts.createAccount({
      account: { id: accountId, username: `bench${i}`, identityKey: new Uint8Array(randomBytes(32)), createdDay: 0, lastSeenDay: 0 },
      firstDevice: { id, accountId, signatureKey: new Uint8Array(randomBytes(32)), createdDay: 0 },
      deviceList: { version: 1, encoded: new Uint8Array(3) },
    });
  }
  const payload = new Uint8Array(200).fill(0x5a);
  const group = hex() as GroupId;
  const now = Date.now();
  const acked = new Array<number>(PAIRS).fill(0);
  const highest = new Array<number>(PAIRS).fill(0);
  const before = process.cpuUsage();
  const start = performance.now();
  // Bounded: MESSAGES / SENDS_PER_TURN turns.
  for (let sent = 0; sent < MESSAGES; sent += SENDS_PER_TURN) {
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < SENDS_PER_TURN; i++) {
      const pair = (sent + i) % PAIRS;
      const result = storage.queue.enqueue({
        senderDeviceId: devices[2 * pair]!,
        clientMessageId: hex(),
        groupId: group,
        epoch: 0,
        kind: 'application',
        recipients: [devices[2 * pair + 1]!],
        payload,
        now,
        receivedAt: toDay(now),
        maxQueuedPerDevice: 100_000,
        idempotencyTtlMs: 86_400_000,
      });
      work.push(result.then((r) => r.status === 'accepted' && (highest[pair] = Math.max(highest[pair]!, r.entries[0]!.seq))));
    }
    for (let pair = 0; pair < PAIRS; pair++) {
      const from = acked[pair]! + 1;
      const to = highest[pair]!;
      if (to < from) continue;
      work.push(storage.queue.ack(devices[2 * pair + 1]!, Array.from({ length: to - from + 1 }, (_, k) => from + k)));
      acked[pair] = to;
    }
    await Promise.all(work);
  }
  const cpu = process.cpuUsage(before);
  const seconds = (performance.now() - start) / 1000;
  console.log(
    `${MESSAGES} sends (+ acks) in turns of ${SENDS_PER_TURN}: ${((cpu.user + cpu.system) / MESSAGES).toFixed(1)} us CPU/msg ` +
      `(user ${(cpu.user / MESSAGES).toFixed(1)}, system ${(cpu.system / MESSAGES).toFixed(1)}), ${Math.round(MESSAGES / seconds)} msgs/s`,
  );
  await storage.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
