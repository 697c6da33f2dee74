// Receipts and disappearing messages through real `sealed` processes against a real server
// process on 127.0.0.1: receipt states in `chat` (sent, delivered, read; live lines), receipts
// turned off (the sender never sees "read"), and a timer set by one user applied on every
// other member's device, including one that was offline the whole time: the messages
// disappear from the chat and from the device's storage there.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openNodeSession } from '@sealed/client/host/node-host';
import { freePort, startServer, type ServerProcess } from '../../server/test/support/server-process.ts';
import { WEAK_ARGON2_FOR_TESTS } from '../src/context.ts';
import { eventually, ok, oneLineError } from './support/results.ts';
import { sealed, SealedProcess, type Options } from './support/sealed-process.ts';

/** The disappearing timer of the test: short, so the test waits little. */
const TIMER_SECONDS = 3;

describe('receipts and disappearing messages in the sealed command', () => {
  let server: ServerProcess;
  let root: string;
  const user = (name: string): Options => ({ home: join(root, name), passcode: `${name}-passcode` });

  /** The texts of every message still in `name`'s vault for `target` (read through the SDK, not the CLI). */
  async function storedTexts(name: string, target: string): Promise<string[]> {
    const session = await openNodeSession({ directory: join(root, name), passcode: `${name}-passcode`, weakArgon2ForTests: WEAK_ARGON2_FOR_TESTS });
    try {
      const conversation = session.host.findConversation(target);
      assert.ok(conversation !== undefined, `${name} knows ${target}`);
      return (await session.host.history(conversation.conversationId, 1000)).map((m) => m.text ?? '');
    } finally {
      await session.close();
    }
  }

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'sealed-cli-features-'));
    server = await startServer({ label: 'server', port: await freePort(), args: ['--storage', 'sqlite', '--data-dir', join(root, 'server'), '--register-per-minute', '100000', '--claim-per-minute', '100000', '--log-level', 'warn', '--kt-epoch-ms', '250'] });
    const created = await Promise.all(['alice', 'bob', 'carol'].map((name) => sealed(['init', name, '--server', server.baseUrl], user(name))));
    for (const result of created) ok(result);
  });
  after(async () => {
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('receipts: sent, then delivered once bob is online, then read once his chat shows it; live lines in a running chat', async () => {
    assert.match(ok(await sealed(['send', 'bob', 'are you there'], user('alice'))), /^Sent/m);
    assert.match(ok(await sealed(['chat', 'bob'], user('alice'))), /you: are you there \(sent\)$/m);
    // Any command of bob's catches up, which sends the delivery receipt.
    assert.match(ok(await sealed(['status'], user('bob'))), /^Receipts: on/m);
    assert.match(ok(await sealed(['chat', 'bob'], user('alice'))), /you: are you there \(delivered to bob\)$/m);
    // Bob's chat shows it: the read receipt goes out.
    assert.match(ok(await sealed(['chat', 'alice'], user('bob'))), /alice: are you there$/m);
    assert.match(ok(await sealed(['chat', 'bob'], user('alice'))), /you: are you there \(read by bob\)$/m);

    const chat = await SealedProcess.start(['chat', 'bob'], user('alice'));
    await chat.waitFor(/^Chat with bob/m, 'alice in the chat');
    chat.write('live one');
    await chat.waitFor(/you: live one/, 'the message shown');
    assert.match(ok(await sealed(['chat', 'alice'], user('bob'))), /alice: live one$/m);
    await chat.waitFor(/^\* read by bob: "live one"$/m, 'the live read line');
    chat.write('/quit');
    ok(await chat.result());
  });

  it('receipts off on bob\'s device: alice never sees "delivered" or "read" for what bob then reads', async () => {
    assert.match(ok(await sealed(['settings', 'receipts', 'off'], user('bob'))), /^Receipts: off on this device/m);
    assert.match(ok(await sealed(['settings'], user('bob'))), /^Receipts: off/m, 'kept');
    assert.match(ok(await sealed(['send', 'bob', 'second question'], user('alice'))), /^Sent/m);
    assert.match(ok(await sealed(['chat', 'alice'], user('bob'))), /alice: second question$/m);
    assert.match(ok(await sealed(['status'], user('bob'))), /^Receipts: off/m);
    const seen = ok(await sealed(['chat', 'bob'], user('alice')));
    assert.match(seen, /you: second question \(sent\)$/m);
    assert.match(seen, /you: are you there \(read by bob\)$/m, 'earlier receipts are kept');
    assert.match(oneLineError(await sealed(['settings', 'receipts', 'maybe'], user('bob')), 2), /"on" or "off"/);
  });

  it('a timer set by alice is applied on bob\'s and carol\'s devices (carol offline throughout): the message disappears from their chats and storage', async () => {
    assert.match(ok(await sealed(['group', 'create', 'trio', 'bob', 'carol'], user('alice'))), /Group "trio" created/);
    assert.match(ok(await sealed(['timer', 'trio', `${TIMER_SECONDS}s`], user('alice'))), /^Disappearing messages in trio: 3 seconds .*Every member's devices apply it\.$/m);
    assert.match(ok(await sealed(['timer', 'trio'], user('bob'))), /^Disappearing messages in trio: 3 seconds/m, 'applied on bob\'s device');
    assert.match(ok(await sealed(['send', 'trio', 'this will vanish'], user('alice'))), /^Sent/m);
    const bobSees = ok(await sealed(['chat', 'trio'], user('bob')));
    assert.match(bobSees, /\* alice set disappearing messages to 3 seconds$/m);
    assert.match(bobSees, /alice: this will vanish$/m);

    const gone = (out: string) => !out.includes('this will vanish');
    // The message arrived on bob's device before his chat above ended: once the timer's
    // length has passed since then, the very next run must not show it (deleted at start).
    await sleep(TIMER_SECONDS * 1000 + 500);
    assert.ok(gone(ok(await sealed(['chat', 'trio'], user('bob')))), 'deleted before anything is shown');
    assert.equal((await storedTexts('bob', 'trio')).includes('this will vanish'), false, 'erased from bob\'s storage');
    await eventually(() => sealed(['chat', 'trio'], user('alice')), gone, 'the message gone from alice\'s own chat');

    // Carol's device was off for all of it: it learns the timer in order, and the message
    // disappears there too (counted from when it arrived on her device).
    const carolFirst = ok(await sealed(['chat', 'trio'], user('carol')));
    assert.match(carolFirst, /\* alice set disappearing messages to 3 seconds$/m);
    await eventually(() => sealed(['chat', 'trio'], user('carol')), gone, 'the message gone from carol\'s chat');
    const carolStored = await storedTexts('carol', 'trio');
    assert.equal(carolStored.includes('this will vanish'), false, 'erased from carol\'s storage');
    assert.ok(carolStored.includes('3'), 'the timer line stays');

    assert.match(ok(await sealed(['timer', 'trio', 'off'], user('bob'))), /^Disappearing messages in trio: off\./m);
    assert.match(ok(await sealed(['timer', 'trio'], user('alice'))), /^Disappearing messages in trio: off\.$/m);
    assert.match(ok(await sealed(['send', 'trio', 'this one stays'], user('alice'))), /^Sent/m);
    const later = ok(await sealed(['chat', 'trio'], user('carol')));
    assert.match(later, /\* bob turned disappearing messages off$/m);
    assert.match(later, /alice: this one stays$/m);
  });

  it('timer: malformed durations and unknown conversations are one line with the next step', async () => {
    assert.match(oneLineError(await sealed(['timer', 'trio', '5x'], user('alice')), 2), /"5x" is not a duration/);
    assert.match(oneLineError(await sealed(['timer', 'trio', '2y'], user('alice')), 2), /not a duration/);
    assert.match(oneLineError(await sealed(['timer', 'trio', '400d'], user('alice')), 2), /from 1 second to 1 year/);
    assert.match(oneLineError(await sealed(['timer', 'no-such-group'], user('alice')), 7), /no conversation or group called "no-such-group"/);
    assert.match(oneLineError(await sealed(['timer', 'nosuchuser', '1h'], user('alice')), 7), /no user "nosuchuser"/);
  });
});
