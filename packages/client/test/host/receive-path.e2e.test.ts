/**
 * The receive path of a full Node host (vault in encrypted SQLite) against a real server
 * process: a message is shown (the host's `message` event) before its delivery receipt is
 * signed and encrypted, and the receipt follows (engine option `deferDeliveryReceipts`,
 * host/limits.ts DELIVERY_RECEIPT_DELAY_MS); `settle` sends receipts that still wait, so a
 * one-shot command does not exit without them; and a receiver killed with SIGKILL right
 * after showing a message (its step neither committed nor acknowledged) is reopened from
 * its directory, gets the message again from the relay and keeps it once, then reads on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { HostEvent } from '../../src/host/events.ts';
import { createNodeAccount, openNodeSession, type NodeSession } from '../../src/host/node-host.ts';
import { until, useRealRelay, WAIT_MS, WEAK } from './real-relay.ts';

const relay = useRealRelay('sealed-receive-path-');

function account(username: string): Promise<NodeSession> {
  return createNodeAccount({ directory: join(relay.dir, username), passcode: username, serverUrl: relay.server.baseUrl, username, timeoutMs: WAIT_MS, weakArgon2ForTests: WEAK, keyPackageTarget: 4 });
}

function collect(session: NodeSession): HostEvent[] {
  const events: HostEvent[] = [];
  session.host.on((event) => events.push(event));
  return events;
}

const memberCount = (events: readonly HostEvent[], id: string) =>
  Math.max(0, ...events.flatMap((e) => (e.type === 'conversation' && e.conversation.conversationId === id ? [new Set(e.conversation.members.map((m) => m.username)).size] : [])));

test('a message is shown before its delivery receipt is encrypted; the receipt follows; settle sends what waits', async () => {
  const alice = await account('alice');
  const bob = await account('bob');
  try {
    const aliceEvents = collect(alice);
    const bobEvents = collect(bob);
    const waitingAtShow = new Map<string, number>();
    bob.host.on((event) => {
      if (event.type === 'message' && event.message.text !== null) waitingAtShow.set(event.message.text, bob.host.engine.pendingDeliveryReceipts);
    });
    const { conversationId } = await alice.host.createConversation(['bob']);
    await until(() => memberCount(bobEvents, conversationId) === 2, 'bob joined');
    const delivered = (messageId: string) => aliceEvents.some((e) => e.type === 'message-status' && e.messageId === messageId && e.deliveredTo.includes('bob'));

    const first = await alice.host.send(conversationId, 'first');
    await until(() => waitingAtShow.has('first'), 'bob shows the first message');
    assert.equal(waitingAtShow.get('first'), 1, 'its receipt was not encrypted before the message was shown');
    await until(() => delivered(first), 'alice learns the first message was delivered');

    const second = await alice.host.send(conversationId, 'second');
    await until(() => waitingAtShow.has('second'), 'bob shows the second message');
    await bob.host.settle(WAIT_MS);
    assert.equal(bob.host.engine.pendingDeliveryReceipts, 0, 'settle sent the receipt that waited');
    await until(() => delivered(second), 'alice learns the second message was delivered');
  } finally {
    await alice.close();
    await bob.close();
  }
});

test('a receiver killed right after showing a message, before its step was written or acknowledged, reopened, keeps it once and reads on', async () => {
  const carol = await account('carol');
  const daveDir = join(relay.dir, 'dave');
  const nodeHost = new URL('../../src/host/node-host.ts', import.meta.url).pathname;
  // dave shows the message and dies within the same turn: the step's write batch is not applied, the ACK not sent.
  const child = `
    import { createNodeAccount } from ${JSON.stringify(nodeHost)};
    const s = await createNodeAccount({ directory: ${JSON.stringify(daveDir)}, passcode: 'dave', serverUrl: ${JSON.stringify(relay.server.baseUrl)}, username: 'dave', timeoutMs: ${WAIT_MS}, weakArgon2ForTests: ${JSON.stringify(WEAK)}, keyPackageTarget: 4 });
    console.log('account ready');
    s.host.on((e) => {
      if (e.type === 'conversation') console.log('members ' + new Set(e.conversation.members.map((m) => m.username)).size);
      if (e.type === 'message' && e.message.text === 'before the crash') process.kill(process.pid, 'SIGKILL');
    });
  `;
  const proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', child], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => proc.on('exit', (_code, signal) => resolve(signal)));
  const killer = setTimeout(() => proc.kill('SIGKILL'), 5 * WAIT_MS);
  let dave: NodeSession | undefined;
  try {
    await until(() => /account ready/.test(out), `dave's account (child: ${err.slice(-300)})`);
    const { conversationId } = await carol.host.createConversation(['dave']);
    await until(() => /members 2/.test(out), `dave joined (child: ${err.slice(-300)})`);
    await carol.host.send(conversationId, 'before the crash');
    assert.equal(await exited, 'SIGKILL', err.slice(-500));

    dave = await openNodeSession({ directory: daveDir, passcode: 'dave', weakArgon2ForTests: WEAK, keyPackageTarget: 4 });
    const texts: string[] = [];
    dave.host.on((event) => {
      if (event.type === 'message' && event.message.text !== null) texts.push(event.message.text);
    });
    await dave.host.start();
    await until(() => texts.includes('before the crash'), 'the relay delivers the message again and dave shows it');
    await carol.host.send(conversationId, 'after the crash');
    await until(() => texts.includes('after the crash'), 'dave reads on');
    await dave.host.settle(WAIT_MS);
    const history = (await dave.host.history(conversationId, 10)).map((m) => m.text);
    assert.deepEqual(history, ['before the crash', 'after the crash'], 'kept once, in order');
    assert.equal(dave.host.stats.undecryptable, 0);
  } finally {
    clearTimeout(killer);
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    await dave?.close();
    await carol.close();
  }
});
