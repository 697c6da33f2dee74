import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { toHex } from '@sealed/protocol/encoding';
import { parseAttachmentResponse } from '@sealed/protocol/http';
import { toBase64Url } from '@sealed/protocol/encoding';
import { errorCode, http, register, startHarness, tokenOf, type Harness, type TestUser } from '../support/harness.ts';

describe('attachments', () => {
  let h: Harness;
  let base: string;
  let user: TestUser;
  let clock = Date.now();
  before(async () => {
    h = await startHarness(['--max-attachment-bytes', '100000', '--attachment-retention-days', '1'], { now: () => clock });
    base = h.server.url;
    user = await register(base, 'alice.files');
  });
  after(() => h.cleanup());

  const auth = () => ({ authorization: `Bearer ${toBase64Url(tokenOf(user))}` });

  async function upload(body: Uint8Array | ReadableStream<Uint8Array>, extra: Record<string, string> = {}) {
    const init: RequestInit & { duplex: 'half' } = { method: 'POST', headers: { 'content-type': 'application/octet-stream', ...auth(), ...extra }, body: body as BodyInit, duplex: 'half' };
    const res = await fetch(base + '/v1/attachments', init);
    return { status: res.status, json: (await res.json()) as unknown };
  }

  it('streams an upload and downloads it by its unguessable id', async () => {
    const bytes = new Uint8Array(50_000).map((_, i) => i & 0xff);
    const res = await upload(bytes);
    assert.equal(res.status, 201);
    const meta = parseAttachmentResponse(res.json);
    assert.equal(meta.id.length, 32);
    assert.equal(meta.size, bytes.length);
    const down = await fetch(`${base}/v1/attachments/${toHex(meta.id)}`, { headers: auth() });
    assert.equal(down.status, 200);
    assert.deepEqual(new Uint8Array(await down.arrayBuffer()), bytes);
    assert.equal((await fetch(`${base}/v1/attachments/${toHex(meta.id)}`)).status, 401);
  });

  it('refuses oversized uploads, declared or streamed, and keeps no partial file', async () => {
    assert.equal(errorCode({ ...(await upload(new Uint8Array(100_001))), headers: new Headers() }), 'too-large');
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        // Bounded: 30 chunks of 10 kB, well past the 100 kB limit.
        if (sent >= 30) return controller.close();
        sent++;
        controller.enqueue(new Uint8Array(10_000));
      },
    });
    const res = await upload(stream).catch(() => ({ status: 413, json: { error: { code: 'too-large' } } }));
    assert.equal(res.status, 413);
    const files = readdirSync(join(h.dir, 'attachments'));
    assert.ok(files.every((f) => !f.endsWith('.part')), 'no partial file left');
    assert.equal((await http(base, 'GET', '/healthz')).status, 200);
  });

  it('unknown, malformed and expired ids are not-found; expiry deletes the bytes', async () => {
    assert.equal((await fetch(`${base}/v1/attachments/${'ab'.repeat(32)}`, { headers: auth() })).status, 404);
    assert.equal((await fetch(`${base}/v1/attachments/..%2F..%2Fetc`, { headers: auth() })).status, 404);
    assert.equal(errorCode(await http(base, 'POST', '/v1/attachments', 'x', tokenOf(user), { 'content-type': 'text/plain' })), 'bad-request');
    const meta = parseAttachmentResponse((await upload(new Uint8Array([1, 2, 3]))).json);
    clock += 2 * 86_400_000;
    assert.equal((await fetch(`${base}/v1/attachments/${toHex(meta.id)}`, { headers: auth() })).status, 404);
    await h.server.sweep();
    assert.ok(!readdirSync(join(h.dir, 'attachments')).includes(toHex(meta.id)));
  });
});
