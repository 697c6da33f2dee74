// Conversation features of the SDK against a real server process on 127.0.0.1: a named
// group, receipts, disappearing messages, leaving, and encrypted attachments streamed
// through POST/GET /v1/attachments (the server's storage is scanned for plaintext).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeProvider } from '@sealed/crypto/node/provider';
import { freePort, startServer, type ServerProcess } from '../../../server/test/support/server-process.ts';
import type { Action } from '../../src/engine/actions.ts';
import { AttachmentError } from '../../src/features/attachments/errors.ts';
import { downloadAttachment, type Progress, uploadAttachment } from '../../src/features/attachments/node-transfer.ts';
import { openReference } from '../../src/features/attachments/reference.ts';
import { SdkClient } from './sdk-client.ts';

type Of<T extends Action['type']> = Extract<Action, { type: T }>;
const of = <T extends Action['type']>(client: SdkClient, type: T): Of<T>[] => client.actions.filter((a): a is Of<T> => a.type === type);

/** Every file under `dir`, recursively (the server's SQLite files and attachment blobs). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function storageContains(dir: string, needle: Uint8Array): string[] {
  return filesUnder(dir).filter((path) => readFileSync(path).includes(Buffer.from(needle)));
}

describe('SDK conversation features against a real server', () => {
  let server: ServerProcess;
  let dir: string;
  let work: string;
  const clients: SdkClient[] = [];
  const client = async (name: string) => {
    const c = await SdkClient.create(server.baseUrl, name);
    clients.push(c);
    return c;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sealed-features-e2e-'));
    work = mkdtempSync(join(tmpdir(), 'sealed-features-files-'));
    const port = await freePort();
    server = await startServer({ label: 'server', port, args: ['--storage', 'sqlite', '--data-dir', dir, '--register-per-minute', '100000', '--claim-per-minute', '100000', '--log-level', 'warn'] });
  });
  after(async () => {
    for (const c of clients) c.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it('named group, receipts, disappearing messages and leave across three users', async () => {
    const [ada, bea, cy] = [await client('ada'), await client('bea'), await client('cyd')];
    const started = ada.engine.createGroup(['bea', 'cyd'], { name: 'Book club' });
    const id = started.value;
    await ada.transport.run(started.actions);
    await bea.until(() => bea.engine.conversationInfo(id)?.name === 'Book club', 'bea learns the name');
    await cy.until(() => cy.engine.conversationInfo(id)?.name === 'Book club', 'cy learns the name');

    const sent = ada.engine.send(id, 'chapter 3 tonight?');
    await ada.transport.run(sent.actions);
    const status = () => of(ada, 'message-status').filter((s) => s.messageId === sent.value).at(-1);
    await ada.until(() => status()?.deliveredTo.length === 2, 'delivered to bea and cy');
    await bea.until(() => bea.texts(id).length === 1, 'bea shows it');
    await bea.transport.run(bea.engine.markRead(id, [sent.value]));
    await ada.until(() => status()?.readBy.join() === 'bea', 'read by bea');
    const states = of(ada, 'message-status').filter((s) => s.messageId === sent.value).map((s) => `${s.sent}|${s.deliveredTo.join()}|${s.readBy.join()}`);
    assert.equal(new Set(states).size, states.length, 'no state reported twice');

    await bea.transport.run(bea.engine.changeSettings(id, { disappearAfterSeconds: 5 }).actions);
    await ada.until(() => ada.engine.conversationInfo(id)?.disappearAfterSeconds === 5, 'ada learns the timer');
    await cy.until(() => cy.engine.conversationInfo(id)?.disappearAfterSeconds === 5, 'cy learns the timer');
    const fleeting = ada.engine.send(id, 'this will vanish');
    await ada.transport.run(fleeting.actions);
    await cy.until(() => cy.texts(id).includes('this will vanish'), 'cy shows it');
    const later = Date.now() + 6000;
    for (const c of [ada, bea, cy]) await c.transport.dispatch({ type: 'tick', now: later });
    for (const c of [ada, bea, cy]) assert.ok(of(c, 'expired').some((e) => e.messageIds.includes(fleeting.value)), `${c.engine.username} deletes it`);

    await cy.transport.run(cy.engine.leave(id).actions);
    await cy.until(() => cy.actions.some((a) => a.type === 'conversation-closed'), 'cy is out');
    await ada.until(() => !(ada.engine.conversationInfo(id)?.members ?? []).some((m) => m.username === 'cyd'), 'ada sees cy gone');
    await bea.until(() => bea.engine.epochOf(id) === ada.engine.epochOf(id), 'bea follows');
    await ada.send(id, 'only us now');
    await bea.until(() => bea.texts(id).includes('only us now'), 'bea receives');
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(cy.texts(id).includes('only us now'), false, 'the leaver reads nothing new');
    for (const c of [ada, bea, cy]) assert.deepEqual(c.failures(), [], String(c.engine.username));
  });

  it('an encrypted attachment: streamed upload and download with progress; the server stores no plaintext; a corrupted blob fails typed', async () => {
    const [dan, eli] = [await client('dan'), await client('eli')];
    const started = dan.engine.createConversation(['eli']);
    const id = started.value;
    await dan.transport.run(started.actions);
    await eli.until(() => eli.engine.epochOf(id) === 1n, 'eli joins');

    const marker = new TextEncoder().encode('PLAINTEXT-MARKER-');
    const body = Buffer.concat([Buffer.from(marker), nodeProvider.randomBytes(300_000), Buffer.from(marker)]);
    const source = join(work, 'photo.bin');
    writeFileSync(source, body);
    const upProgress: Progress[] = [];
    const options = (c: SdkClient, progress: Progress[]) => ({ baseUrl: server.baseUrl, token: c.engine.sessionToken!, provider: nodeProvider, onProgress: (p: Progress) => progress.push(p), chunkBytes: 16 * 1024 });
    const ref = await uploadAttachment(options(dan, upProgress), source, { contentType: 'application/octet-stream', filename: 'photo.bin' }, body.length);
    assert.equal(upProgress.at(-1)!.done, body.length);
    assert.ok(upProgress.every((p, i) => i === 0 || p.done >= upProgress[i - 1]!.done));
    await dan.transport.run(dan.engine.send(id, { kind: 'attachment', attachment: ref, caption: 'the photo', inReplyTo: null }).actions);
    await eli.until(() => eli.shown.some((m) => m.content.body.kind === 'attachment'), 'eli receives the attachment message');
    const shown = eli.shown.find((m) => m.content.body.kind === 'attachment')!;
    assert.ok(shown.content.body.kind === 'attachment');
    const received = shown.content.body.attachment;
    const downProgress: Progress[] = [];
    const target = join(work, 'received.bin');
    await downloadAttachment(options(eli, downProgress), received, target);
    assert.deepEqual(readFileSync(target), body);
    assert.equal(downProgress.at(-1)!.done, body.length);
    assert.equal(downProgress.at(-1)!.total, body.length);
    assert.ok(downProgress.length > 2, 'progress while streaming');

    // The server's storage holds neither the file's plaintext nor its key nor the caption.
    for (const secret of [marker, ref.key, new TextEncoder().encode('the photo')]) assert.deepEqual(storageContains(dir, secret), []);

    // The relay (or anyone with its disk) alters the blob: the download fails typed and leaves no file.
    const blob = filesUnder(dir).find((p) => p.endsWith(openReference(ref).idHex))!;
    const stored = readFileSync(blob);
    stored[stored.length - 100]! ^= 0x40;
    writeFileSync(blob, stored);
    const spoiled = join(work, 'spoiled.bin');
    await assert.rejects(downloadAttachment(options(eli, []), received, spoiled), (e: unknown) => e instanceof AttachmentError && e.code === 'chunk-authentication-failed');
    assert.throws(() => statSync(spoiled));
    assert.throws(() => statSync(`${spoiled}.part`));
    // Cut short on the relay's disk: the relay announced the recorded length and the body
    // ends early, so the connection breaks mid-file (format tests cover a cleanly shorter
    // file: 'truncated'). Either way nothing appears under the name.
    writeFileSync(blob, readFileSync(blob).subarray(0, 8 + 3 * (16 * 1024 + 16)));
    await assert.rejects(downloadAttachment(options(eli, []), received, spoiled), (e: unknown) => e instanceof AttachmentError && e.code === 'transfer-failed');
    assert.throws(() => statSync(spoiled));
    assert.throws(() => statSync(`${spoiled}.part`));
    // An unknown id: typed transfer failure.
    await assert.rejects(downloadAttachment(options(eli, []), { ...received, url: received.url.slice(0, -2) + '00' }, spoiled), (e: unknown) => e instanceof AttachmentError && e.code === 'transfer-failed');
    assert.deepEqual([...dan.failures(), ...eli.failures()], []);
  });
});
