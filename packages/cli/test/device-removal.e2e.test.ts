// A device removed from its account on another device erases itself, through real `sealed`
// processes against a real server process on 127.0.0.1: one removed while it was off (its
// next command reports the removal, and its data directory no longer holds its vault key,
// wrapped key or records: scanned as packages/client/test/store/plaintext-scan.test.ts
// scans), and one removed while its chat was open (the chat ends and says so at once).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeProvider } from '@sealed/crypto/node/provider';
import { REMOVED_MARKER_FILE } from '@sealed/client/host/node-erase';
import { HEADER_FILE } from '@sealed/client/store/node/directory-vault-storage';
import { deriveWrappingKey } from '@sealed/client/vault/argon2';
import { decodeHeader, wrapAad, type ActiveHeader } from '@sealed/client/vault/header';
import { passcodeBytes } from '@sealed/client/vault/passcode';
import { freePort, startServer, type ServerProcess } from '../../server/test/support/server-process.ts';
import { ok, oneLineError } from './support/results.ts';
import { sealed, SealedProcess, type Options } from './support/sealed-process.ts';

const REMOVED = /removed from your account on another device, so it erased its keys and messages/;

function allFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? allFiles(path) : [path];
  });
}

/** Every form a secret could take on disk: raw, hex (both cases), base64. */
function forms(secret: Uint8Array): Buffer[] {
  const raw = Buffer.from(secret);
  return [raw, Buffer.from(raw.toString('hex')), Buffer.from(raw.toString('hex').toUpperCase()), Buffer.from(raw.toString('base64').replace(/=+$/, ''))];
}

/** The vault's keys as someone holding the passcode would recompute them from the header. */
async function vaultSecrets(directory: string, passcode: string): Promise<Map<string, Uint8Array>> {
  const header = decodeHeader(nodeProvider, readFileSync(join(directory, HEADER_FILE)), 'weak-for-tests') as ActiveHeader;
  assert.equal(header.state, 'active');
  const wrappingKey = await deriveWrappingKey(passcodeBytes(passcode), header.salt, header.params);
  const vaultKey = nodeProvider.aeadOpen('AES-256-GCM', wrappingKey, header.nonce, header.wrappedKey, wrapAad(header));
  const enc = (text: string) => new TextEncoder().encode(text);
  return new Map([
    ['wrapped vault key', header.wrappedKey],
    ['wrapping key', wrappingKey],
    ['vault key', vaultKey],
    ['record key', nodeProvider.hkdfExpand('SHA-256', vaultKey, enc('sealed vault v1 record key'), 32)],
    ['index key', nodeProvider.hkdfExpand('SHA-256', vaultKey, enc('sealed vault v1 index key'), 32)],
  ]);
}

/** The device's data directory after the erasure: a tombstone header, the marker, no records, none of `secrets` anywhere. */
function assertErased(directory: string, secrets: ReadonlyMap<string, Uint8Array>): void {
  const files = allFiles(directory);
  assert.equal(files.some((f) => /records\.sqlite/.test(f)), false, `no records left: ${files.join(', ')}`);
  assert.ok(existsSync(join(directory, REMOVED_MARKER_FILE)), 'the reason is kept for the next run');
  assert.equal(decodeHeader(nodeProvider, readFileSync(join(directory, HEADER_FILE)), 'weak-for-tests').state, 'wiped');
  for (const file of files) {
    const content = readFileSync(file);
    for (const [name, secret] of secrets) for (const form of forms(secret)) assert.equal(content.indexOf(form), -1, `${name} in ${file}`);
  }
}

describe('a device removed from its account erases itself', () => {
  let server: ServerProcess;
  let root: string;
  const user = (name: string): Options => ({ home: join(root, name), passcode: `${name}-passcode` });

  /** Links a new device of alice in `name`'s data directory; returns its device id prefix. */
  async function linkAliceDevice(name: string): Promise<string> {
    const device = await SealedProcess.start(['link', '--server', server.baseUrl], user(name));
    await device.waitFor(/sealed link (\S+)\n/, 'the link code');
    const code = /sealed link (\S+)\n/.exec(device.stdout)![1]!;
    assert.match(ok(await sealed(['link', code], user('alice'))), /Linked device [0-9a-f]{8}/);
    const linked = /Linked: this device is ([0-9a-f]{8}) of account alice\./.exec(ok(await device.result()));
    assert.ok(linked, device.stdout);
    return linked[1]!;
  }

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'sealed-cli-removal-'));
    server = await startServer({ label: 'server', port: await freePort(), args: ['--storage', 'sqlite', '--data-dir', join(root, 'server'), '--register-per-minute', '100000', '--claim-per-minute', '100000', '--log-level', 'warn', '--kt-epoch-ms', '250'] });
    for (const result of await Promise.all(['alice', 'bob'].map((name) => sealed(['init', name, '--server', server.baseUrl], user(name))))) ok(result);
    assert.match(ok(await sealed(['send', 'bob', 'hello from the first device'], user('alice'))), /^Sent/m);
  });
  after(async () => {
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('removed while it was off: its next command reports the removal; no key, wrapped key or record is left in its data directory', async () => {
    const id = await linkAliceDevice('alice2');
    assert.match(ok(await sealed(['send', 'alice', 'to every device of alice'], user('bob'))), /^Sent/m);
    assert.match(ok(await sealed(['chat', 'bob'], user('alice2'))), /bob: to every device of alice$/m, 'the second device holds a message');
    const secrets = await vaultSecrets(join(root, 'alice2'), 'alice2-passcode');
    secrets.set('message text', new TextEncoder().encode('to every device of alice'));

    assert.match(ok(await sealed(['devices', 'remove', id], user('alice'))), new RegExp(`^Removed device ${id}: .*erases its keys and messages the next time it runs\\.$`, 'm'));
    assert.match(oneLineError(await sealed(['group', 'list'], user('alice2')), 5), REMOVED);
    assertErased(join(root, 'alice2'), secrets);

    // Later runs say why without asking for the passcode; the directory can be used again.
    assert.match(ok(await sealed(['status'], { home: join(root, 'alice2') })), /^Vault: erased: this device was removed from its account on another device/m);
    assert.match(oneLineError(await sealed(['contacts'], user('alice2')), 5), REMOVED);
    assert.match(oneLineError(await sealed(['passcode'], { ...user('alice2'), env: { SEALED_NEW_PASSCODE: 'another-one' } }), 5), REMOVED);
    assert.match(ok(await sealed(['init', 'erin', '--server', server.baseUrl], user('alice2'))), /Account erin created/);
    assert.equal(existsSync(join(root, 'alice2', REMOVED_MARKER_FILE)), false, 'a new account forgets the old removal');
    assert.match(ok(await sealed(['status'], user('alice2'))), /^Account: erin/m);
    const devices = ok(await sealed(['devices'], user('alice')));
    assert.equal(devices.match(/^ {2}[0-9a-f]{32}/gm)?.length, 1, devices);
  });

  it('removed while its chat is open: the chat ends at once with the reason, and the device is erased', async () => {
    const id = await linkAliceDevice('alice3');
    const secrets = await vaultSecrets(join(root, 'alice3'), 'alice3-passcode');
    const chat = await SealedProcess.start(['chat', 'bob'], user('alice3'));
    await chat.waitFor(/^Chat with bob/m, 'the chat open on the third device');
    // Bob is offline while the third device joins and leaves: he first sees the commit that
    // added it after its removal is logged. The log's latest list no longer names it, so bob
    // proves the earlier logged list that did (a fixed-version search) and catches up.
    assert.match(ok(await sealed(['devices', 'remove', id], user('alice'))), /^Removed device/m);
    const result = await chat.result();
    assert.match(oneLineError(result, 5), REMOVED);
    assert.doesNotMatch(result.stdout, /Bye\./);
    assertErased(join(root, 'alice3'), secrets);
    // The account goes on without it.
    assert.match(ok(await sealed(['send', 'alice', 'after the removal'], user('bob'))), /^Sent/m);
    assert.match(ok(await sealed(['chat', 'bob'], user('alice'))), /bob: after the removal$/m);
  });
});
