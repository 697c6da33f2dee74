/**
 * Nothing secret reaches the disk in the clear: write known plaintexts, ids and keys through
 * every store, then scan every byte of every file in the data directory (SQLite main file,
 * WAL and SHM included, while the database is open and after it is closed) for them, raw
 * and as hex and base64 text.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DirectoryVaultStorage, HEADER_FILE } from '../../src/store/node/directory-vault-storage.ts';
import { deriveWrappingKey } from '../../src/vault/argon2.ts';
import { decodeHeader, wrapAad, type ActiveHeader } from '../../src/vault/header.ts';
import { passcodeBytes } from '../../src/vault/passcode.ts';
import { createWeakVault, provider } from '../vault/helpers.ts';

const PASSCODE = 'passcode-that-must-never-be-stored-7319';

function allFiles(directory: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(directory)) {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) out.push(...allFiles(path));
    else out.push(path);
  }
  return out;
}

/** Every form a needle could take on disk: raw, hex (both cases), base64, UTF-16LE for text. */
function forms(needle: Uint8Array, isText: boolean): Uint8Array[] {
  const buffer = Buffer.from(needle);
  const out = [needle, Buffer.from(buffer.toString('hex')), Buffer.from(buffer.toString('hex').toUpperCase()), Buffer.from(buffer.toString('base64').replace(/=+$/, ''))];
  if (isText) out.push(Buffer.from(buffer.toString('utf8'), 'utf16le'));
  return out;
}

function scan(directory: string, needles: ReadonlyMap<string, { bytes: Uint8Array; text: boolean }>): { files: string[]; bytes: number } {
  const files = allFiles(directory);
  let total = 0;
  for (const file of files) {
    const content = readFileSync(file);
    total += content.length;
    for (const [name, needle] of needles) {
      for (const form of forms(needle.bytes, needle.text)) {
        assert.equal(content.indexOf(form), -1, `${name} found in the clear in ${file}`);
      }
    }
  }
  return { files: files.map((f) => f.slice(directory.length + 1)).sort(), bytes: total };
}

test('plaintext scan: no known plaintext, id, passcode or key appears in any file of the data directory', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'sealed-vault-scan-'));
  try {
    const storage = new DirectoryVaultStorage(directory);
    const vault = await createWeakVault(storage, PASSCODE);
    const stores = vault.stores();
    const enc = (text: string) => new TextEncoder().encode(text);
    const needles = new Map<string, { bytes: Uint8Array; text: boolean }>();
    const text = (name: string, value: string) => {
      needles.set(name, { bytes: enc(value), text: true });
      return enc(value);
    };
    const key = (name: string) => {
      const bytes = provider.randomBytes(32);
      needles.set(name, { bytes, text: false });
      return bytes;
    };
    text('passcode', PASSCODE);
    await stores.keyMaterial.put('identity-signature-key', { version: 1, data: key('identity private key') });
    text('key-material name', 'identity-signature-key');
    await stores.keyMaterial.put('hpke-init-key', { version: 1, data: key('init private key') });
    const groupId = key('group id');
    await stores.groupStates.put(groupId, { version: 1, data: new Uint8Array([...key('epoch secret'), ...text('group state text', 'ratchet-tree-state-marker-5521')]) });
    const conversationId = text('conversation id', 'conversation-with-bob-at-example');
    await stores.conversations.put(conversationId, { version: 1, data: text('conversation name', 'Family group planning chat') });
    for (let i = 0; i < 50; i++) {
      const messageId = text(`message id ${i}`, `message-id-${i}-f00dfeed`);
      await stores.messages.put(conversationId, messageId, { version: 1, data: text(`message ${i}`, `secret message number ${i}: meet at the old mill`) });
    }
    await stores.settings.put('read-receipts-preference', { version: 1, data: text('setting value', 'receipts-are-switched-off') });
    text('setting name', 'read-receipts-preference');
    // Edits and deletes leave no clear remnants either.
    await stores.messages.put(conversationId, enc('message-id-3-f00dfeed'), { version: 2, data: text('edited message', 'edited message body xylophone') });
    await stores.messages.delete(conversationId, enc('message-id-4-f00dfeed'));
    // The message path writes in batches (store/write-buffer.ts), committed without an fsync:
    // those WAL frames hold envelopes only, like every other write.
    stores.batches.hold();
    await stores.messages.put(conversationId, text('batched message id', 'message-id-batched-c0ffee'), { version: 1, data: text('batched message', 'batched secret: the key is under the mat') });
    await stores.groupStates.put(groupId, { version: 1, data: new Uint8Array([...key('batched epoch secret'), ...text('batched group state', 'batched-ratchet-marker-8812')]) });
    await stores.batches.release(false);
    assert.ok((await stores.messages.get(conversationId, enc('message-id-batched-c0ffee'))) !== undefined, 'the batched record was written');

    // The vault key and the wrapping key, recomputed from the header as an attacker with the passcode would.
    const header = decodeHeader(provider, readFileSync(join(directory, HEADER_FILE)), 'weak-for-tests') as ActiveHeader;
    const wrappingKey = await deriveWrappingKey(passcodeBytes(PASSCODE), header.salt, header.params);
    const vaultKey = provider.aeadOpen('AES-256-GCM', wrappingKey, header.nonce, header.wrappedKey, wrapAad(header));
    needles.set('wrapping key', { bytes: wrappingKey, text: false });
    needles.set('vault key', { bytes: vaultKey, text: false });
    needles.set('record key', { bytes: provider.hkdfExpand('SHA-256', vaultKey, enc('sealed vault v1 record key'), 32), text: false });
    needles.set('index key', { bytes: provider.hkdfExpand('SHA-256', vaultKey, enc('sealed vault v1 index key'), 32), text: false });

    const open = scan(directory, needles);
    assert.ok(open.files.includes('records.sqlite-wal'), `WAL present while open: ${open.files.join(', ')}`);
    assert.ok(open.files.includes('records.sqlite-shm'));
    assert.ok(open.bytes > 50 * 40, 'the records are on disk (encrypted)');
    await vault.lock();
    const closed = scan(directory, needles);
    console.log(`plaintext scan: ${needles.size} needles x ${open.files.length} files (${open.bytes} bytes) open, ${closed.files.length} files (${closed.bytes} bytes) closed`);

    // The scanner does find what is there (a control, so a broken scan cannot pass silently).
    assert.throws(() => scan(directory, new Map([['header magic', { bytes: enc('SLVH'), text: false }]])), /found in the clear/);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
