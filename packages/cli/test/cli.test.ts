// The `sealed` command in-process: help on every command, usage errors, the argument
// parser's malformed input, passcode sources, error explanations (one line, no secret),
// and terminal-safe rendering of peers' texts. No server is needed for any of it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContentError } from '@sealed/client/content/cbor-errors';
import { EngineError } from '@sealed/client/engine/errors';
import { HostError } from '@sealed/client/host/errors';
import { SessionBusyError } from '@sealed/client/host/node-host';
import { VaultError } from '@sealed/client/vault/errors';
import { parseArgs } from '../src/args.ts';
import { EXIT } from '../src/exit-codes.ts';
import { deviceRemovedError, explain } from '../src/explain.ts';
import { COMMANDS } from '../src/help.ts';
import { main } from '../src/main.ts';
import { passcodeSource } from '../src/passcode.ts';
import { formatDuration, parseDuration } from '../src/duration.ts';
import { messageLine, receiptText, safeText } from '../src/render.ts';

async function run(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (l) => (out += `${l}\n`), err: (l) => (err += `${l}\n`) }, { SEALED_HOME: join(tmpdir(), 'sealed-cli-unit-nonexistent'), ...env });
  return { code, out, err };
}

/** stderr: exactly one line, "sealed: <what happened> (<what to do next>)". */
function oneLine(err: string): string {
  const lines = err.trim().split('\n');
  assert.equal(lines.length, 1, err);
  assert.match(lines[0]!, /^sealed: .+ \(.+\)$/, `what happened, then what to do next: ${lines[0]}`);
  return lines[0]!;
}

/** The commands issue 5 asks for, and those added since (receipts, timers). */
const ISSUE_COMMANDS = ['init', 'link', 'devices', 'contacts', 'chat', 'send', 'group', 'verify', 'lock', 'passcode', 'status'];
const LATER_COMMANDS = ['timer', 'settings'];

test('--help lists every command; every command has its own --help', async () => {
  const main_ = await run(['--help']);
  assert.equal(main_.code, 0);
  assert.deepEqual(Object.keys(COMMANDS).sort(), [...ISSUE_COMMANDS, ...LATER_COMMANDS].sort(), 'the commands of issue 5, and timer and settings');
  for (const name of Object.keys(COMMANDS)) {
    assert.match(main_.out, new RegExp(`^  ${name} `, 'm'));
    const help = await run([name, '--help']);
    assert.equal(help.code, 0, name);
    assert.match(help.out, new RegExp(`^Usage: sealed ${name}`), name);
    assert.match(help.out, /--passcode-fd N/, `${name} documents the common options`);
  }
  assert.equal((await run([])).code, EXIT.usage, 'no command: help and usage exit code');
  assert.match((await run(['--help'])).out, /Exit codes: 0 ok, 1 internal error, 2 usage/);
});

test('usage errors of every command (malformed arguments): exit 2, one line with what to do next, before any passcode is asked', async () => {
  const cases: [string[], RegExp][] = [
    [['frobnicate'], /unknown command "frobnicate" \(run `sealed --help`/],
    [['send', '--colour', 'red'], /unknown option --colour for `sealed send`/],
    [['status', '--timeout'], /--timeout needs a value/],
    [['status', '--help=yes'], /--help takes no value/],
    [['status', '--timeout', '0'], /--timeout must be a whole number from 1 to 3600/],
    [['status', '--timeout', '1e3'], /--timeout must be a whole number/],
    [['status', '--passcode-fd', '-1'], /--passcode-fd must be a whole number/],
    [['init', 'alice'], /init needs --server/],
    [['init', 'alice', 'bob', '--server', 'http://127.0.0.1:1'], /exactly one username/],
    [['init', 'a', '--server', 'http://127.0.0.1:1'], /"a" is not a valid username \(too-short\)/],
    [['init', 'al ice', '--server', 'http://127.0.0.1:1'], /not a valid username \(invalid-characters\)/],
    [['init', 'alice', '--server', 'ftp://127.0.0.1'], /--server must start with http/],
    [['init', 'alice', '--server', 'http://u:p@127.0.0.1'], /plain address/],
    [['init', 'alice', '--server', 'not a url'], /is not a URL/],
    [['init', 'alice', '--server', 'http://127.0.0.1:1', '--max-attempts', '1001'], /--max-attempts must be a whole number from 1 to 1000/],
    [['init', 'alice', '--server', 'http://127.0.0.1:1', '--max-attempts', 'ten'], /--max-attempts must be a whole number/],
    [['link'], /link needs --server <url>/],
    [['link', 'one', 'two'], /link takes at most one code/],
    [['link', 'some-code', '--server', 'http://127.0.0.1:1'], /--server is for the new device/],
    [['link', 'not a link code'], /that is not a link code/],
    [['link', '--server', 'gopher://127.0.0.1'], /--server must start with http/],
    [['link', '--server', 'http://127.0.0.1:1', '--max-attempts', '0'], /--max-attempts must be a whole number from 1 to 1000/],
    [['devices', 'list'], /devices takes no arguments, or `remove <device-id>`/],
    [['devices', 'remove'], /devices takes no arguments/],
    [['devices', 'remove', 'abc', 'def'], /devices takes no arguments/],
    [['devices', 'remove', 'not-hex!'], /"not-hex!" is not a device id/],
    [['contacts', 'bob'], /contacts takes no arguments/],
    [['chat'], /chat takes one user/],
    [['chat', 'bob', 'carol'], /chat takes one user/],
    [['chat', 'bob', '--history', '1001'], /--history must be a whole number from 0 to 1000/],
    [['chat', 'bob', '--history', '-1'], /--history must be a whole number/],
    [['send'], /send needs a recipient and a text/],
    [['send', 'bob'], /send needs a recipient and a text/],
    [['send', 'bob', ''], /the text is empty/],
    [['group'], /group needs a subcommand/],
    [['group', 'explode'], /unknown group subcommand "explode"/],
    [['group', 'create', 'trip'], /at least one user/],
    [['group', 'create', 'deadbeef', 'bob'], /cannot be a group name/],
    [['group', 'create', 'trip', 'B@d'], /"B@d" is not a valid username/],
    [['group', 'add', 'trip'], /a group and one user/],
    [['group', 'add', 'trip', 'B@d'], /not a valid username/],
    [['group', 'remove', 'trip'], /a group and one user/],
    [['group', 'remove', 'trip', 'bob', 'carol'], /a group and one user/],
    [['group', 'leave'], /group leave needs a group/],
    [['group', 'list', 'all'], /group list takes no arguments/],
    [['verify'], /verify takes one username/],
    [['verify', 'bob', 'carol'], /verify takes one username/],
    [['verify', 'B@d!'], /"B@d!" is not a valid username/],
    [['verify', 'bob', '--mark', '--unmark'], /use one of --mark, --unmark, --accept/],
    [['timer'], /timer takes a user, group or id/],
    [['timer', 'bob', '1h', 'extra'], /timer takes a user, group or id/],
    [['timer', 'bob', 'soon'], /"soon" is not a duration/],
    [['timer', 'bob', '0s'], /from 1 second to 1 year/],
    [['timer', 'bob', '53w'], /from 1 second to 1 year/],
    [['settings', 'colour'], /unknown setting "colour"/],
    [['settings', 'receipts'], /receipts needs "on" or "off"/],
    [['settings', 'receipts', 'maybe'], /receipts is "on" or "off", not "maybe"/],
    [['settings', 'receipts', 'on', 'now'], /settings takes at most a setting and its value/],
    [['lock', 'now'], /lock takes no arguments/],
    [['passcode', 'hunter2'], /passcode takes no arguments/],
    [['status', 'verbose'], /status takes no arguments/],
  ];
  const covered = new Set(cases.map(([argv]) => argv[0]));
  for (const name of Object.keys(COMMANDS)) assert.ok(covered.has(name), `a malformed-argument case for ${name}`);
  for (const [argv, pattern] of cases) {
    // A passcode is available: a usage error must still come first (no unlock, no attempt counted).
    const result = await run(argv, { SEALED_PASSCODE: 'whatever' });
    assert.equal(result.code, EXIT.usage, `${argv.join(' ')}: ${result.err}`);
    assert.match(oneLine(result.err), pattern, argv.join(' '));
    assert.equal(result.out, '', `${argv.join(' ')} printed nothing on stdout`);
  }
});

test('timer durations: units, bounds, and how they are shown', () => {
  const cases: [string, number][] = [['30s', 30], ['45', 45], ['5m', 300], ['1h', 3600], ['2d', 172_800], ['1W', 604_800], ['365d', 31_536_000]];
  for (const [text, seconds] of cases) assert.equal(parseDuration(text), seconds, text);
  for (const bad of ['', '0', '0s', '366d', '1.5h', '-1s', 'h', '1 h', '1y', '9'.repeat(40)]) assert.throws(() => parseDuration(bad), /duration|from 1 second to 1 year/, bad);
  assert.equal(formatDuration(1), '1 second');
  assert.equal(formatDuration(90), '90 seconds');
  assert.equal(formatDuration(60), '1 minute');
  assert.equal(formatDuration(7200), '2 hours');
  assert.equal(formatDuration(86_400), '1 day');
  assert.equal(formatDuration(1_209_600), '2 weeks');
});

test('receipt states and timer lines as chat shows them', () => {
  assert.equal(receiptText({ sent: false, deliveredTo: [], readBy: [] }), ' (not sent yet)');
  assert.equal(receiptText({ sent: true, deliveredTo: [], readBy: [] }), ' (sent)');
  assert.equal(receiptText({ sent: true, deliveredTo: ['bob'], readBy: [] }), ' (delivered to bob)');
  assert.equal(receiptText({ sent: true, deliveredTo: ['bob'], readBy: ['bob'] }), ' (read by bob)');
  assert.equal(receiptText({ sent: true, deliveredTo: ['bob', 'carol'], readBy: ['bob'] }), ' (read by bob; delivered to carol)');
  const base = { messageId: 'ab', sender: { username: 'alice', deviceId: '00' }, outgoing: false, sentAt: 0, receivedAt: 0, target: null, inReplyTo: null, edited: false, deleted: false, attachment: null };
  assert.match(messageLine({ ...base, kind: 'timer', text: '3600' }, 'bob'), /\* alice set disappearing messages to 1 hour$/);
  assert.match(messageLine({ ...base, kind: 'timer', text: '0', outgoing: true }, 'alice'), /\* you turned disappearing messages off$/);
  assert.match(messageLine({ ...base, kind: 'text', text: 'hi', outgoing: true }, 'alice', { sent: true, deliveredTo: ['bob'], readBy: ['bob'] }), /you: hi \(read by bob\)$/);
  assert.match(messageLine({ ...base, kind: 'text', text: null, deleted: true, outgoing: true }, 'alice', { sent: true, deliveredTo: [], readBy: [] }), /you: \(deleted\)$/);
});

test('the parser: "--" ends options, "=" values, and a bound on the number of arguments', () => {
  const parsed = parseArgs(['bob', '--timeout=5', '--', '--not-a-flag'], {}, 'send');
  assert.deepEqual(parsed.positional, ['bob', '--not-a-flag']);
  assert.equal(parsed.flags.get('timeout'), '5');
  assert.throws(() => parseArgs(Array.from({ length: 1001 }, () => 'x'), {}, 'send'), /too many arguments/);
});

test('commands that need an account say how to make one (exit 3), without asking for a passcode', async () => {
  for (const argv of [['send', 'bob', 'hi'], ['group', 'list'], ['contacts']]) {
    const result = await run(argv, { SEALED_PASSCODE: 'whatever' });
    assert.equal(result.code, EXIT.notInitialized, argv.join(' '));
    assert.match(oneLine(result.err), /no account on this device yet \(run `sealed init/);
  }
  const status = await run(['status']);
  assert.equal(status.code, 0);
  assert.match(status.out, /Vault: none/);
});

test('passcode sources: descriptor lines, then environment variables in turn; none at all is explained', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sealed-pass-'));
  try {
    writeFileSync(join(dir, 'p'), 'first one\nsecond one\n');
    const fd = openSync(join(dir, 'p'), 'r');
    try {
      const source = passcodeSource(fd, ['SEALED_PASSCODE'], {});
      assert.equal(await source.next(''), 'first one');
      assert.equal(await source.next(''), 'second one');
      await assert.rejects(source.next(''), /no passcode left on descriptor/);
    } finally {
      closeSync(fd);
    }
    const env = passcodeSource(undefined, ['SEALED_PASSCODE', 'SEALED_NEW_PASSCODE'], { SEALED_PASSCODE: 'a', SEALED_NEW_PASSCODE: 'b' });
    assert.equal(await env.next(''), 'a');
    assert.equal(await env.next(''), 'b');
    const missingSecond = passcodeSource(undefined, ['SEALED_PASSCODE', 'SEALED_NEW_PASSCODE'], { SEALED_PASSCODE: 'a' });
    await missingSecond.next('');
    await assert.rejects(missingSecond.next(''), /set SEALED_NEW_PASSCODE/);
    const none = passcodeSource(undefined, ['SEALED_PASSCODE'], {});
    assert.equal(none.available, false);
    await assert.rejects(none.next(''), /no passcode: not a terminal and SEALED_PASSCODE is not set/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('errors are explained with their exit code and a next step; an unknown error shows no message text', () => {
  const cases: [unknown, number, RegExp][] = [
    [new VaultError('wrong-passcode', 'wrong passcode', 1), EXIT.wrongPasscode, /1 attempt left before this device erases its keys/],
    [new VaultError('wrong-passcode', 'wrong passcode', 7), EXIT.wrongPasscode, /7 attempts left/],
    [new VaultError('wiped', 'x'), EXIT.wiped, /erased its keys/],
    [new VaultError('header-corrupt', 'x'), EXIT.notInitialized, /damaged or from a newer version \(header-corrupt\)/],
    [new SessionBusyError(1234), EXIT.busy, /pid 1234/],
    [new EngineError('relay-error', 'account bob: not-found'), EXIT.notFound, /no such user/],
    [new EngineError('relay-error', 'register: username-taken'), EXIT.refused, /username is taken/],
    [new EngineError('relay-error', 'claim bob: unavailable'), EXIT.relay, /cannot reach the server/],
    [new EngineError('relay-error', 'account bob: not-logged-yet'), EXIT.relay, /account bob: a new account, not in the key transparency log yet/],
    [new EngineError('identity-changed', 'bob'), EXIT.refused, /bob's identity key changed/],
    [new HostError('timeout', 'account creation within 5 ms'), EXIT.relay, /did not answer in time/],
    [new HostError('closed', 'x'), EXIT.refused, /no longer a member/],
    [new EngineError('conversation-left', 'x'), EXIT.refused, /you are leaving this conversation/],
    [new EngineError('invalid-link-code', 'too long'), EXIT.usage, /not a link code/],
    [new EngineError('link-expired', 'x'), EXIT.refused, /expired or was used/],
    [new EngineError('unknown-device', 'x'), EXIT.notFound, /no such device/],
    [new EngineError('cannot-remove-self', 'x'), EXIT.usage, /cannot remove itself/],
    [new EngineError('too-many-devices', 'x'), EXIT.refused, /as many devices as allowed/],
    [new ContentError('too-large', 'text'), EXIT.usage, /too long for one message/],
    [deviceRemovedError(), EXIT.wiped, /removed from your account on another device/],
  ];
  for (const [error, code, pattern] of cases) {
    const explained = explain(error);
    assert.equal(explained.exitCode, code, String(error));
    assert.match(explained.message, pattern);
    assert.ok(explained.hint !== undefined && explained.hint.length > 0, `a next step for ${String(error)}`);
  }
  const leaky = explain(new Error('passcode hunter2 and key 00ff'));
  assert.equal(leaky.exitCode, EXIT.internal);
  assert.doesNotMatch(`${leaky.message} ${leaky.hint ?? ''}`, /hunter2|00ff/);
});

test("a peer's text cannot drive the terminal: control characters are replaced", () => {
  assert.equal(safeText('hi\u001b[2J\u001b]0;owned\u0007 there\r\n'), 'hi\uFFFD[2J\uFFFD]0;owned\uFFFD there\uFFFD\uFFFD');
  assert.equal(safeText('tab\tand ünïcode ✓'), 'tab\tand ünïcode ✓');
  assert.equal(safeText('c1 \u009b31m'), 'c1 \uFFFD31m');
});
