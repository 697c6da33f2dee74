// The `sealed` command in-process: help on every command, usage errors, the argument
// parser's malformed input, passcode sources, error explanations (one line, no secret),
// and terminal-safe rendering of peers' texts. No server is needed for any of it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineError } from '@sealed/client/engine/errors';
import { HostError } from '@sealed/client/host/errors';
import { SessionBusyError } from '@sealed/client/host/node-host';
import { VaultError } from '@sealed/client/vault/errors';
import { parseArgs } from '../src/args.ts';
import { EXIT } from '../src/exit-codes.ts';
import { explain } from '../src/explain.ts';
import { COMMANDS } from '../src/help.ts';
import { main } from '../src/main.ts';
import { passcodeSource } from '../src/passcode.ts';
import { safeText } from '../src/render.ts';

async function run(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (l) => (out += `${l}\n`), err: (l) => (err += `${l}\n`) }, { SEALED_HOME: join(tmpdir(), 'sealed-cli-unit-nonexistent'), ...env });
  return { code, out, err };
}

function oneLine(err: string): string {
  const lines = err.trim().split('\n');
  assert.equal(lines.length, 1, err);
  assert.match(lines[0]!, /^sealed: /);
  return lines[0]!;
}

test('--help lists every command; every command has its own --help', async () => {
  const main_ = await run(['--help']);
  assert.equal(main_.code, 0);
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

test('usage errors: unknown command, unknown flag, missing value, bad numbers, bad init arguments: exit 2, one line', async () => {
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
    [['send', 'bob'], /send needs a recipient and a text/],
    [['chat'], /chat takes one user/],
    [['group'], /group needs a subcommand/],
    [['group', 'explode'], /unknown group subcommand "explode"/],
    [['group', 'create', 'trip'], /at least one user/],
    [['group', 'create', 'deadbeef', 'bob'], /cannot be a group name/],
    [['group', 'add', 'trip'], /a group and one user/],
    [['group', 'add', 'trip', 'B@d'], /not a valid username/],
    [['verify'], /verify takes one username/],
    [['lock', 'now'], /lock takes no arguments/],
  ];
  for (const [argv, pattern] of cases) {
    const result = await run(argv);
    assert.equal(result.code, EXIT.usage, argv.join(' '));
    assert.match(oneLine(result.err), pattern, argv.join(' '));
  }
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
    [new EngineError('identity-changed', 'bob'), EXIT.refused, /bob's identity key changed/],
    [new HostError('timeout', 'account creation within 5 ms'), EXIT.relay, /did not answer in time/],
    [new HostError('closed', 'x'), EXIT.refused, /no longer a member/],
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
