import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { encodeClientFrame } from '@sealed/protocol/frames/client';
import { CLOSE_CODES } from '@sealed/protocol/errors';
import { MAX_CLIENT_FRAME_BYTES } from '@sealed/protocol/limits';
import WebSocket from 'ws';
import { register, startHarness, tokenOf, type Harness, type TestUser } from '../support/harness.ts';
import { TestSocket } from '../support/ws-client.ts';

describe('WebSocket edge: malformed, oversized, out-of-order input', () => {
  let h: Harness;
  let base: string;
  let alice: TestUser;
  let bob: TestUser;
  before(async () => {
    h = await startHarness(['--handshake-timeout-ms', '300', '--idle-timeout-ms', '400']);
    base = h.server.url;
    alice = await register(base, 'alice.ws');
    bob = await register(base, 'bob.ws');
  });
  after(() => h.cleanup());

  const send = (to: TestUser, requestId = 1) => ({
    type: 'send' as const,
    requestId,
    clientMessageId: new Uint8Array(randomBytes(16)),
    kind: 'application' as const,
    epoch: 0,
    groupId: new Uint8Array([1]),
    recipients: [to.devices[0]!.id],
    payload: new Uint8Array([5]),
  });

  /** Proves the server still serves others: a full send/deliver round trip. */
  async function stillServing(): Promise<void> {
    const a = await TestSocket.connect(base, tokenOf(alice));
    const b = await TestSocket.connect(base, tokenOf(bob));
    a.send(send(bob));
    await a.next('sent');
    const [entry] = await b.entries(1);
    b.send({ type: 'ack', seqs: [entry!.seq] });
    await a.close();
    await b.close();
  }

  it('garbage, bad versions, unknown types and text frames close with 1002 after a typed ERROR', async () => {
    const cases: [Uint8Array | string, string][] = [
      [new Uint8Array([0xff, 0xff, 0xff]), 'unsupported-version'],
      [new Uint8Array([0, 1]), 'unsupported-version'],
      [new Uint8Array([1, 0x42]), 'bad-request'],
      [new Uint8Array([1]), 'bad-request'],
      [new Uint8Array([]), 'bad-request'],
      [new Uint8Array([1, 1, 1, 2, 3]), 'bad-request'], // truncated AUTH
    ];
    for (const [data, code] of cases) {
      const s = await TestSocket.open(base);
      s.sendRaw(data);
      assert.equal(await s.closed, CLOSE_CODES.protocolError);
      assert.equal(s.frames.find((f) => f.type === 'error')?.code, code);
    }
    const text = await TestSocket.open(base);
    text.sendRaw('{"type":"auth"}');
    assert.equal(await text.closed, CLOSE_CODES.protocolError);
    await stillServing();
  });

  it('a SEND with trailing bytes after AUTH closes only that socket', async () => {
    const s = await TestSocket.connect(base, tokenOf(alice));
    const frame = encodeClientFrame(send(bob));
    s.sendRaw(new Uint8Array([...frame, 0]));
    assert.equal(await s.closed, CLOSE_CODES.protocolError);
    assert.equal(await h.server.storage.queue.count(Buffer.from(bob.devices[0]!.id).toString('hex') as never), 0, 'nothing written');
    await stillServing();
  });

  it('out of order: SEND or ACK before AUTH closes 4001; AUTH twice is a typed error', async () => {
    const s = await TestSocket.open(base);
    s.send(send(bob));
    assert.equal(await s.closed, CLOSE_CODES.unauthorized);
    assert.equal(s.frames.find((f) => f.type === 'error')?.code, 'out-of-order');
    const s2 = await TestSocket.open(base);
    s2.send({ type: 'ack', seqs: [1] });
    assert.equal(await s2.closed, CLOSE_CODES.unauthorized);
    const s3 = await TestSocket.connect(base, tokenOf(alice));
    s3.send({ type: 'auth', token: tokenOf(alice) });
    assert.equal((await s3.next('error')).code, 'out-of-order');
    await s3.close();
  });

  it('a wrong token closes 4001', async () => {
    const s = await TestSocket.open(base);
    s.send({ type: 'auth', token: new Uint8Array(32) });
    assert.equal(await s.closed, CLOSE_CODES.unauthorized);
    assert.equal(s.frames.find((f) => f.type === 'error')?.code, 'unauthorized');
  });

  it('a message above the frame limit closes 1009 before it is buffered', async () => {
    const s = await TestSocket.connect(base, tokenOf(alice));
    s.sendRaw(new Uint8Array(MAX_CLIENT_FRAME_BYTES + 1));
    assert.equal(await s.closed, CLOSE_CODES.tooLarge);
    await stillServing();
  });

  it('no AUTH within the handshake timeout closes 4002 (slow-loris)', async () => {
    const s = await TestSocket.open(base);
    assert.equal(await s.closed, CLOSE_CODES.authTimeout);
  });

  it('a peer that stops answering pings is closed as idle', async () => {
    const ws = new WebSocket(base.replace('http', 'ws') + '/v1/ws', { autoPong: false });
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(encodeClientFrame({ type: 'auth', token: tokenOf(alice) }));
    const code = await new Promise<number>((resolve) => ws.once('close', resolve));
    assert.ok(code === CLOSE_CODES.idle || code === 1006, `closed with ${code}`);
  });

  it('upgrades elsewhere than /v1/ws are refused', async () => {
    const ws = new WebSocket(base.replace('http', 'ws') + '/elsewhere');
    const status = await new Promise<number>((resolve) => ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)).once('error', () => resolve(-1)));
    assert.equal(status, 404);
  });

  it('sends are rate limited per device with a typed error carrying the wait', async () => {
    const limited = await startHarness(['--send-per-second', '1', '--send-burst', '2']);
    try {
      const u = await register(limited.server.url, 'u.ws');
      const s = await TestSocket.connect(limited.server.url, tokenOf(u));
      for (let i = 1; i <= 3; i++) s.send(send(u, i));
      await s.next('sent');
      await s.next('sent');
      const error = await s.next('error');
      assert.equal(error.code, 'rate-limited');
      assert.equal(error.requestId, 3);
      assert.ok(error.value > 0);
      await s.close();
    } finally {
      await limited.cleanup();
    }
  });
});
