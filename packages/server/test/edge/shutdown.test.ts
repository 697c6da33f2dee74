/** Graceful shutdown: frames already received are handled, every SENT is durable, sockets close 1001. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { toHex } from '@sealed/protocol/encoding';
import { CLOSE_CODES } from '@sealed/protocol/errors';
import { openSqliteStorage } from '../../src/storage/sqlite/open.ts';
import type { DeviceId } from '../../src/storage/types.ts';
import { http, register, startHarness, tokenOf } from '../support/harness.ts';
import { TestSocket } from '../support/ws-client.ts';
import { rmSync } from 'node:fs';

describe('graceful shutdown', () => {
  it('finishes in-flight sends, answers them, closes sockets with 1001, refuses new work', async () => {
    const h = await startHarness();
    const base = h.server.url;
    try {
      const alice = await register(base, 'alice.shutdown');
      const bob = await register(base, 'bob.shutdown');
      const a = await TestSocket.connect(base, tokenOf(alice));
      const count = 200;
      for (let i = 0; i < count; i++) {
        a.send({ type: 'send', requestId: i, clientMessageId: new Uint8Array(randomBytes(16)), kind: 'application', epoch: 0, groupId: new Uint8Array([1]), recipients: [bob.devices[0]!.id], payload: new Uint8Array([i & 0xff]) });
      }
      await a.next('sent');
      const closing = h.server.close();
      assert.equal(await a.closed, CLOSE_CODES.goingAway);
      await closing;
      const answered = 1 + a.frames.filter((f) => f.type === 'sent').length;
      assert.equal(a.frames.filter((f) => f.type === 'error').length, 0, 'no send failed half-way');
      assert.ok(answered >= 1);
      await assert.rejects(http(base, 'GET', '/healthz'), 'no longer accepting');
      const storage = await openSqliteStorage({ dataDir: h.dir });
      try {
        const queued = await storage.queue.count(toHex(bob.devices[0]!.id) as DeviceId);
        assert.ok(queued >= answered, `${queued} queued, ${answered} acknowledged`);
      } finally {
        await storage.close();
      }
    } finally {
      await h.server.close();
      rmSync(h.dir, { recursive: true, force: true });
    }
  });
});
