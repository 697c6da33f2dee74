// Real `sealed` processes (three users) against a real server process on 127.0.0.1: every
// command, a member whose device stays offline for the whole conversation, a removed member,
// lock, passcode change, the wrong-passcode wipe, and the production Argon2id path.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, openSync, closeSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startServer, type ServerProcess } from '../../server/test/support/server-process.ts';
import { sealed, SealedProcess, type Options, type Result } from './support/sealed-process.ts';

const COMMANDS = ['init', 'link', 'devices', 'contacts', 'chat', 'send', 'group', 'verify', 'timer', 'settings', 'lock', 'passcode', 'status'];

/** stderr of a failed command: exactly one line starting with "sealed: ". */
function oneLineError(result: Result, code: number): string {
  assert.equal(result.code, code, `exit code; stdout: ${result.stdout} stderr: ${result.stderr}`);
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line: ${result.stderr}`);
  assert.match(lines[0]!, /^sealed: .+\(.+\)$/, 'message, then what to do next in parentheses');
  return lines[0]!;
}

function ok(result: Result): string {
  assert.equal(result.code, 0, `stdout: ${result.stdout}\nstderr: ${result.stderr}`);
  return result.stdout;
}

describe('the sealed command against a real server', () => {
  let server: ServerProcess;
  let root: string;
  let url: string;
  const user = (name: string, passcode = `${name}-passcode-1`): Options => ({ home: join(root, name), passcode });
  let tripId = '';

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'sealed-cli-e2e-'));
    const port = await freePort();
    server = await startServer({
      label: 'server',
      port,
      args: ['--storage', 'sqlite', '--data-dir', join(root, 'server'), '--register-per-minute', '100000', '--claim-per-minute', '100000', '--log-level', 'warn', '--kt-epoch-ms', '250'],
    });
    url = server.baseUrl;
  });
  after(async () => {
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('a real process: --help exits 0, a usage error is one line with exit code 2 (every command: test/cli.test.ts)', async () => {
    const home = { home: join(root, 'nobody') };
    const help = await sealed(['--help'], home);
    assert.equal(help.code, 0);
    for (const name of COMMANDS) assert.match(help.stdout, new RegExp(`^  ${name} `, 'm'));
    assert.match(oneLineError(await sealed(['send', '--colour', 'red'], home), 2), /unknown option --colour/);
  });

  it('init: three accounts; a taken username is refused and the data directory can be used again', async () => {
    const results = await Promise.all(['alice', 'bob', 'carol'].map((name) => sealed(['init', name, '--server', url], user(name))));
    for (const r of results) assert.match(ok(r), /^Account \w+ created on http:\/\/127\.0\.0\.1:\d+; this device is [0-9a-f]{8}\.$/m);
    const taken = oneLineError(await sealed(['init', 'alice', '--server', url], user('mallory')), 10);
    assert.match(taken, /username is taken/);
    assert.match(ok(await sealed(['init', 'mallory', '--server', url], user('mallory'))), /Account mallory created/);
    assert.match(oneLineError(await sealed(['init', 'alice2', '--server', url], user('alice')), 3), /already has an account/);
    assert.match(oneLineError(await sealed(['send', 'bob', 'hi'], user('nobody')), 3), /no account on this device/);
  });

  it('a group where carol stays offline for the whole conversation: alice and bob chat live, carol later reads everything in order', async () => {
    const created = ok(await sealed(['group', 'create', 'trip', 'bob', 'carol'], user('alice')));
    const match = /Group "trip" created \(([0-9a-f]{8})\) with bob, carol\./.exec(created);
    assert.ok(match, created);
    tripId = match[1]!;
    // The group's name is shared with its members (encrypted): bob finds it by name.
    const bob = await SealedProcess.start(['chat', 'trip'], user('bob'));
    await bob.waitFor(/^Chat with /m, 'bob in the chat');
    const alice = await SealedProcess.start(['chat', 'trip'], user('alice'));
    await alice.waitFor(/^Chat with trip /m, 'alice in the chat');
    alice.write('first from alice');
    await bob.waitFor(/alice: first from alice/, 'bob sees alice live');
    bob.write('reply from bob');
    await alice.waitFor(/bob: reply from bob/, 'alice sees bob live');
    alice.write('second from alice');
    await bob.waitFor(/alice: second from alice/, 'bob sees the second');
    // A busy device: a second process on bob's data directory is refused while the chat runs.
    assert.match(oneLineError(await sealed(['group', 'list'], user('bob')), 8), /has this device unlocked/);
    alice.write('/quit');
    bob.endInput();
    assert.match(ok(await alice.result()), /Bye\.$/m);
    assert.equal((await bob.result()).code, 0);

    const carol = ok(await sealed(['chat', tripId, '--history', '50'], user('carol')));
    const lines = carol.split('\n').filter((l) => /^\[\d\d:\d\d\] /.test(l)).map((l) => l.replace(/^\[\d\d:\d\d\] /, ''));
    assert.deepEqual(lines, ['alice: first from alice', 'bob: reply from bob', 'alice: second from alice']);
  });

  it('send, contacts, group list, devices; an unknown user is one clear line', async () => {
    assert.match(ok(await sealed(['send', 'bob', 'a 1:1 hello'], user('alice'))), /^Sent \(message [0-9a-f]{8}\)\.$/m);
    assert.match(ok(await sealed(['send', 'alice', 'a 1:1 answer'], user('bob'))), /^Sent/m);
    const history = ok(await sealed(['chat', 'bob'], user('alice')));
    assert.match(history, /you: a 1:1 hello \((sent|delivered to bob|read by bob)\)\n.*bob: a 1:1 answer/);
    const contacts = ok(await sealed(['contacts'], user('alice')));
    assert.match(contacts, /^bob .*not verified/m);
    assert.match(contacts, /^carol /m);
    const list = ok(await sealed(['group', 'list'], user('alice')));
    assert.match(list, new RegExp(`^${tripId}  trip  \\(alice, bob, carol; 3 devices; epoch 1\\)$`, 'm'));
    assert.match(list, /^[0-9a-f]{8} {2}bob {2}\(alice, bob; 2 devices; epoch 1\)$/m);
    const devices = ok(await sealed(['devices'], user('alice')));
    assert.match(devices, /^ {2}[0-9a-f]{32} {2}\(this device\)$/m);
    assert.match(oneLineError(await sealed(['send', 'nosuchuser', 'hello?'], user('alice')), 7), /no user "nosuchuser"/);
    assert.match(oneLineError(await sealed(['chat', 'nonexistent-group'], user('alice'), ''), 7), /no user "nonexistent-group"/);
  });

  it('group add and remove: a removed member is told and cannot read what follows', async () => {
    assert.match(ok(await sealed(['group', 'add', 'trip', 'mallory'], user('alice'))), /Added mallory to trip\./);
    assert.match(ok(await sealed(['group', 'list'], user('mallory'))), new RegExp(`^${tripId}  trip  \\(alice, bob, carol, mallory;`, 'm'));
    assert.match(ok(await sealed(['group', 'remove', 'trip', 'mallory'], user('alice'))), /Removed mallory from trip\./);
    assert.match(ok(await sealed(['send', 'trip', 'after mallory left'], user('alice'))), /^Sent/m);
    assert.match(ok(await sealed(['group', 'list'], user('mallory'))), new RegExp(`^${tripId} .*\\[closed\\]$`, 'm'));
    assert.match(oneLineError(await sealed(['send', tripId, 'let me back'], user('mallory')), 10), /no longer a member/);
    assert.doesNotMatch(ok(await sealed(['chat', tripId], user('mallory'))), /after mallory left/);
    assert.match(ok(await sealed(['chat', tripId], user('carol'))), /alice: after mallory left/);
    assert.match(oneLineError(await sealed(['group', 'remove', 'trip', 'nosuchuser'], user('alice')), 7), /nosuchuser/);
  });

  it('verify: both sides show the same 60 digits and a QR code; marking verified is kept', async () => {
    const digits = (out: string) => [...out.matchAll(/^ {2}(\d{5} \d{5} \d{5} \d{5})$/gm)].map((m) => m[1]).join(' ');
    const fromAlice = ok(await sealed(['verify', 'bob'], user('alice')));
    const fromBob = ok(await sealed(['verify', 'alice', '--mark'], user('bob')));
    assert.equal(digits(fromAlice).replace(/ /g, '').length, 60, fromAlice);
    assert.equal(digits(fromAlice), digits(fromBob), 'the same safety number on both sides');
    assert.match(fromAlice, /[\u2580\u2584\u2588]{7}/, 'a QR code in block characters');
    assert.match(fromAlice, /bob is not verified/);
    assert.match(fromBob, /alice is verified\./);
    assert.match(ok(await sealed(['contacts'], user('bob'))), /^alice {2}verified {2}in: /m);
    assert.match(oneLineError(await sealed(['verify', 'nosuchuser'], user('alice')), 7), /nosuchuser/);
  });

  it('link: alice adds a second device; it joins her conversations, and what it sends reaches bob and her first device', async () => {
    const second = await SealedProcess.start(['link', '--server', url], user('alice2', 'alice-second-device'));
    await second.waitFor(/sealed link (\S+)\n/, 'the link code');
    const code = /sealed link (\S+)\n/.exec(second.stdout)![1]!;
    const approved = ok(await sealed(['link', code], user('alice')));
    const verification = /Verification code: (\d+)/.exec(approved);
    assert.ok(verification, approved);
    assert.match(ok(await second.result()), new RegExp(`Verification code: ${verification[1]}[\\s\\S]*Linked: this device is [0-9a-f]{8} of account alice\\.`));
    assert.match(approved, /It was added to \d+ conversations?\./);
    const devices = ok(await sealed(['devices'], user('alice2', 'alice-second-device')));
    assert.equal(devices.match(/^ {2}[0-9a-f]{32}/gm)?.length, 2, devices);
    assert.match(ok(await sealed(['send', 'trip', 'from the second device'], user('alice2', 'alice-second-device'))), /^Sent/m);
    assert.match(ok(await sealed(['chat', 'trip'], user('bob'))), /alice: from the second device/);
    assert.match(ok(await sealed(['chat', 'trip'], user('alice'))), /you: from the second device/);
  });

  it('group leave: carol leaves, the next member online completes it, carol is closed out', async () => {
    assert.match(ok(await sealed(['group', 'leave', 'trip'], user('carol'))), /Leaving trip/);
    assert.match(ok(await sealed(['send', 'trip', 'after carol left'], user('bob'))), /^Sent/m);
    assert.match(ok(await sealed(['group', 'list'], user('carol'))), new RegExp(`^${tripId} .*\\[closed\\]$`, 'm'));
    assert.doesNotMatch(ok(await sealed(['chat', tripId], user('carol'))), /after carol left/);
  });

  it('the server holds only ciphertext: no message text in any file of its data directory', () => {
    const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
    const files = walk(join(root, 'server'));
    assert.ok(files.some((f) => f.endsWith('.sqlite') || f.endsWith('.db')), `the server's database is there: ${files.join(', ')}`);
    for (const file of files) {
      const bytes = readFileSync(file);
      for (const text of ['first from alice', 'reply from bob', 'second from alice', 'a 1:1 hello', 'after mallory left', 'trip']) {
        assert.equal(bytes.includes(Buffer.from(text)), false, `"${text}" in ${file}`);
      }
    }
  });

  it('nothing readable on disk: the message texts and the server address are not in the data directory', () => {
    for (const name of ['alice', 'bob', 'carol']) {
      const dir = join(root, name);
      for (const file of readdirSync(dir)) {
        const bytes = readFileSync(join(dir, file));
        for (const secret of ['first from alice', 'reply from bob', 'a 1:1 hello', '127.0.0.1']) {
          assert.equal(bytes.includes(Buffer.from(secret)), false, `${secret} in ${name}/${file}`);
        }
        // A username is as short as three letters: three given bytes turn up by chance in a
        // few MiB of ciphertext (about one run in ten for "bob"), so a short one is looked for
        // only as it would be encoded: CBOR text, JSON string, one- and two-byte length
        // prefixes (TLS/MLS); five bytes or more also raw (a SQLite text column).
        const raw = Buffer.from(name);
        if (raw.length >= 5) assert.equal(bytes.includes(raw), false, `${name} in ${name}/${file}`);
        for (const form of [Buffer.concat([Buffer.of(0x60 + raw.length), raw]), Buffer.from(`"${name}"`), Buffer.concat([Buffer.of(raw.length), raw]), Buffer.concat([Buffer.of(0, raw.length), raw])]) {
          assert.equal(bytes.includes(form), false, `${name} (encoded) in ${name}/${file}`);
        }
      }
    }
  });

  it('lock closes a running chat; the passcode changes (old refused, new accepted, also from --passcode-fd)', async () => {
    const chat = await SealedProcess.start(['chat', 'alice'], user('bob'));
    await chat.waitFor(/^Chat with alice/m, 'bob in the chat');
    assert.match(ok(await sealed(['lock'], { home: join(root, 'bob') })), /^Locked/m);
    assert.match(ok(await chat.result()), /Locked by `sealed lock`/);
    assert.match(ok(await sealed(['lock'], { home: join(root, 'bob') })), /Nothing is unlocked/);

    const changed = await sealed(['passcode'], { home: join(root, 'bob'), passcode: 'bob-passcode-1', env: { SEALED_NEW_PASSCODE: 'bob-passcode-2' } });
    assert.match(ok(changed), /Passcode changed/);
    assert.match(oneLineError(await sealed(['group', 'list'], user('bob')), 4), /wrong passcode: 9 attempts left/);
    const file = join(root, 'bob-passcode.txt');
    writeFileSync(file, 'bob-passcode-2\n', { mode: 0o600 });
    const fd = openSync(file, 'r');
    try {
      const viaFd = await sealed(['status', '--passcode-fd', '4'], { home: join(root, 'bob'), extraFds: [fd] });
      assert.match(ok(viaFd), /^Account: bob/m);
      assert.match(viaFd.stdout, /1 wrong passcode in a row/, 'counted before this unlock');
    } finally {
      closeSync(fd);
    }
    assert.match(ok(await sealed(['status'], { home: join(root, 'bob') })), /0 wrong passcodes in a row/, 'the right passcode reset the count');
  });

  it('wrong passcodes: the count survives restarts and the last allowed one erases the vault', async () => {
    const dave = (passcode: string): Options => ({ home: join(root, 'dave'), passcode });
    ok(await sealed(['init', 'dave', '--server', url, '--max-attempts', '3'], dave('right-one')));
    assert.match(oneLineError(await sealed(['status'], dave('wrong-1')), 4), /2 attempts left/);
    assert.match(ok(await sealed(['status'], { home: join(root, 'dave') })), /1 wrong passcode in a row \(erased at 3\)/);
    assert.match(oneLineError(await sealed(['send', 'alice', 'x'], dave('wrong-2')), 4), /1 attempt left/);
    assert.match(oneLineError(await sealed(['contacts'], dave('wrong-3')), 5), /erased its keys/);
    assert.equal(existsSync(join(root, 'dave', 'records.sqlite')), false, 'records deleted');
    assert.match(ok(await sealed(['status'], dave('right-one'))), /Vault: erased after too many wrong passcodes/);
    assert.match(oneLineError(await sealed(['contacts'], dave('right-one')), 5), /erased its keys/);
  });

  it('the production path: Argon2id calibrated at >= 64 MiB; a test-only vault is refused without the test switch', async () => {
    const erin: Options = { home: join(root, 'erin'), passcode: 'erin-passcode', weak: false };
    assert.match(ok(await sealed(['init', 'erin', '--server', url], erin)), /Account erin created/);
    const status = ok(await sealed(['status'], erin));
    const params = /Argon2id (\d+) MiB, (\d+) passes/.exec(status);
    assert.ok(params, status);
    assert.ok(Number(params[1]) >= 64 && Number(params[2]) >= 3, status);
    assert.match(status, /^Connection: online, caught up$/m);
    assert.match(oneLineError(await sealed(['status'], { ...user('alice'), weak: false }), 3), /test-only Argon2id/);
  });
});
