// Attachments through real `sealed chat` processes and a real server: alice sends a file
// with upload progress; bob lists it and saves it with download progress; the bytes are
// equal, and neither the file's content nor its name is in the server's data directory.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startServer, type ServerProcess } from '../../server/test/support/server-process.ts';
import { sealed, SealedProcess, type Options } from './support/sealed-process.ts';

describe('attachments in sealed chat', () => {
  let server: ServerProcess;
  let root: string;
  const user = (name: string): Options => ({ home: join(root, name), passcode: `${name}-passcode` });

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'sealed-cli-files-'));
    server = await startServer({ label: 'server', port: await freePort(), args: ['--storage', 'sqlite', '--data-dir', join(root, 'server'), '--register-per-minute', '100000', '--claim-per-minute', '100000', '--log-level', 'warn', '--kt-epoch-ms', '250'] });
  });
  after(async () => {
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('send a file with progress, list it, save it with progress; same bytes; nothing readable on the server', async () => {
    await Promise.all(['alice', 'bob'].map((name) => sealed(['init', name, '--server', server.baseUrl], user(name))));
    assert.equal((await sealed(['send', 'bob', 'a file follows'], user('alice'))).code, 0);
    const content = Buffer.concat([Buffer.from('SECRET-FILE-CONTENT '), randomBytes(300_000)]);
    const source = join(root, 'holiday-plans.txt');
    writeFileSync(source, content);

    const alice = await SealedProcess.start(['chat', 'bob'], user('alice'));
    await alice.waitFor(/^Chat with bob/m, 'alice in the chat');
    alice.write(`/send-file ${source} the plans`);
    await alice.waitFor(/\* sent holiday-plans\.txt/, 'the upload');
    assert.match(alice.stdout, /\* uploading holiday-plans\.txt: 100% \(293\.0 KiB of 293\.0 KiB\)/);
    alice.write('/quit');
    assert.equal((await alice.result()).code, 0);

    const target = join(root, 'saved.txt');
    const bob = await SealedProcess.start(['chat', 'alice'], user('bob'));
    await bob.waitFor(/^Chat with alice/m, 'bob in the chat');
    assert.match(bob.stdout, /alice: \[file holiday-plans\.txt, 293\.\d KiB\] the plans/);
    bob.write('/files');
    await bob.waitFor(/\* 1: holiday-plans\.txt \(293\.\d KiB\) from alice/, 'the list');
    bob.write(`/save 1 ${target}`);
    await bob.waitFor(/\* saved holiday-plans\.txt to /, 'the download');
    assert.match(bob.stdout, /\* downloading holiday-plans\.txt: 100%/);
    bob.write('/save 7 /tmp/nowhere');
    await bob.waitFor(/\* no file 7; see \/files/, 'a bad number');
    bob.write('/quit');
    assert.equal((await bob.result()).code, 0);
    assert.ok(readFileSync(target).equals(content), 'the same bytes');

    const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
    for (const file of walk(join(root, 'server'))) {
      const bytes = readFileSync(file);
      assert.equal(bytes.includes(Buffer.from('SECRET-FILE-CONTENT')), false, `content in ${file}`);
      assert.equal(bytes.includes(Buffer.from('holiday-plans')), false, `file name in ${file}`);
    }
  });
});
