/**
 * Crash after send, with real processes: a `sealed`-like client (full Node host, vault in
 * encrypted SQLite) sends three messages and is killed with SIGKILL as soon as the relay
 * accepted them (no clean close: only what it had committed survives, the group saved at
 * the reservation point and the later writes committed without an fsync). Reopened from
 * its directory it sends again; the receiver decrypts every message: the restarted sender
 * did not reuse a ratchet generation (engine/send-reservation.ts). Real server process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createNodeAccount, openNodeSession } from '../../src/host/node-host.ts';
import { until, useRealRelay, WAIT_MS, WEAK } from './real-relay.ts';

const relay = useRealRelay('sealed-crash-after-send-');

test('a sender killed right after its sends, reopened, sends again: the receiver decrypts all four', async () => {
  const bob = await createNodeAccount({ directory: join(relay.dir, 'bob'), passcode: 'bob', serverUrl: relay.server.baseUrl, username: 'bob', timeoutMs: WAIT_MS, weakArgon2ForTests: WEAK, keyPackageTarget: 4 });
  const texts: string[] = [];
  bob.host.on((event) => {
    if (event.type === 'message' && event.message.text !== null) texts.push(event.message.text);
  });
  try {
    const aliceDir = join(relay.dir, 'alice');
    const nodeHost = new URL('../../src/host/node-host.ts', import.meta.url).pathname;
    const child = `
      import { createNodeAccount } from ${JSON.stringify(nodeHost)};
      const s = await createNodeAccount({ directory: ${JSON.stringify(aliceDir)}, passcode: 'alice', serverUrl: ${JSON.stringify(relay.server.baseUrl)}, username: 'alice', timeoutMs: ${WAIT_MS}, weakArgon2ForTests: ${JSON.stringify(WEAK)}, keyPackageTarget: 4 });
      let members = 0;
      s.host.on((e) => { if (e.type === 'conversation') members = new Set(e.conversation.members.map((m) => m.username)).size; });
      const { conversationId } = await s.host.createConversation(['bob']);
      const deadline = Date.now() + ${WAIT_MS};
      while (members < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      for (const text of ['one', 'two', 'three']) await s.host.send(conversationId, text);
      await s.host.settle(${WAIT_MS}); // the relay accepted all three
      process.kill(process.pid, 'SIGKILL');
    `;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', child], { timeout: 5 * WAIT_MS, encoding: 'utf8' });
    assert.equal(run.signal, 'SIGKILL', run.stderr);
    await until(() => texts.length === 3, `bob reads the three sent before the kill (has ${JSON.stringify(texts)}; child: ${run.stderr.slice(-500)})`);
    const alice = await openNodeSession({ directory: aliceDir, passcode: 'alice', weakArgon2ForTests: WEAK, keyPackageTarget: 4 });
    try {
      await alice.host.start();
      const conversation = alice.host.conversations()[0];
      assert.ok(conversation !== undefined, 'the conversation survived the kill');
      await alice.host.settle(WAIT_MS);
      await alice.host.send(conversation.conversationId, 'after the crash');
      await until(() => texts.length === 4, 'bob reads the message sent after the restart');
      assert.deepEqual(texts, ['one', 'two', 'three', 'after the crash']);
      assert.equal(bob.host.stats.undecryptable, 0);
    } finally {
      await alice.close();
    }
  } finally {
    await bob.close();
  }
});
