// The outbox packs a turn's frames into one buffer with WebSocket headers of its own
// (ws-framing.ts): the headers must be exactly what `ws` itself writes, and a real `ws`
// client must read every frame, in order, including a DELIVER frame longer than 65,535 bytes
// (64-bit length) after a burst of small SENT frames.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { it } from 'node:test';
import * as wsModule from 'ws';
import { WebSocket, WebSocketServer } from 'ws';
import { decodeServerFrame, type ServerFrame } from '@sealed/protocol/frames/server';
import { MAX_MESSAGE_BYTES } from '@sealed/protocol/limits';
import { Outbox } from '../../src/ws/outbox.ts';
import { wsHeaderLength, writeWsHeader } from '../../src/ws/ws-framing.ts';

/** ws's own framing (its Sender class is exported at run time but not in @types/ws). */
interface FrameOptions {
  fin: boolean;
  opcode: number;
  mask: boolean;
  readOnly: boolean;
  rsv1: boolean;
}
const Sender = (wsModule as unknown as { Sender: { frame(data: Buffer, options: FrameOptions): Buffer[] } }).Sender;

it('writes the same header as ws for every length class (RFC 6455 5.2)', () => {
  for (const length of [0, 1, 125, 126, 127, 65_535, 65_536, 1_048_576 + 100]) {
    const [expected] = Sender.frame(Buffer.alloc(length), { fin: true, opcode: 2, mask: false, readOnly: true, rsv1: false });
    const header = new Uint8Array(wsHeaderLength(length) + 2).fill(0xee);
    const end = writeWsHeader(header, 1, length);
    assert.equal(end, 1 + wsHeaderLength(length), `payload offset for ${length}`);
    assert.deepEqual(header.subarray(1, end), new Uint8Array(expected!), `header for ${length}`);
    assert.equal(header[0], 0xee, 'byte before untouched');
    assert.equal(header[end], 0xee, 'byte after untouched');
  }
  assert.throws(() => writeWsHeader(new Uint8Array(10), 0, -1), RangeError);
  assert.throws(() => writeWsHeader(new Uint8Array(10), 0, 1.5), RangeError);
});

it('a real ws client reads a turn of 300 SENT frames, a notice and a 64-bit-length DELIVER, in order', async () => {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await once(wss, 'listening');
  const port = (wss.address() as { port: number }).port;
  try {
    const accepted = once(wss, 'connection');
    const client = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
    const [serverSide] = (await accepted) as [WebSocket];
    await once(client, 'open');
    const received: ServerFrame[] = [];
    const expected = 300 + 1 + 1;
    const all = new Promise<void>((resolve) =>
      client.on('message', (data: Buffer) => {
        received.push(decodeServerFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)));
        if (received.length === expected) resolve();
      }),
    );
    let delivered = 0;
    const outbox = new Outbox(serverSide, (n) => (delivered += n));
    for (let i = 0; i < 300; i++) outbox.frame({ type: 'sent', requestId: i, epoch: i * 7, duplicate: i % 2 === 0 });
    outbox.frame({ type: 'notice', notice: 'devices-changed', value: 9 });
    // Entries of ~70 KB and ~30 KB: one DELIVER frame of more than 65,535 bytes.
    const big = new Uint8Array(70_000).fill(0xab);
    const small = new Uint8Array(30_000).fill(0xcd);
    assert.ok(big.length <= MAX_MESSAGE_BYTES);
    outbox.entries([
      { seq: 1, kind: 'application', receivedAt: 86_400_000, payload: big },
      { seq: 2, kind: 'commit', receivedAt: 86_400_000, payload: small },
    ]);
    await outbox.flushed();
    await all;
    assert.equal(delivered, 2);
    for (let i = 0; i < 300; i++) assert.deepEqual(received[i], { type: 'sent', requestId: i, epoch: i * 7, duplicate: i % 2 === 0 });
    assert.deepEqual(received[300], { type: 'notice', notice: 'devices-changed', value: 9 });
    const deliver = received[301]!;
    assert.equal(deliver.type, 'deliver');
    if (deliver.type !== 'deliver') return;
    assert.deepEqual(
      deliver.entries.map((e) => [e.seq, e.kind, e.payload.length, e.payload[0]]),
      [
        [1, 'application', 70_000, 0xab],
        [2, 'commit', 30_000, 0xcd],
      ],
    );
    client.terminate();
  } finally {
    for (const socket of wss.clients) socket.terminate();
    wss.close();
  }
});

it('a frame with a field out of bounds (a server bug) closes only that socket; flushed() still resolves', async () => {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await once(wss, 'listening');
  const port = (wss.address() as { port: number }).port;
  try {
    const accepted = once(wss, 'connection');
    const client = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
    const [serverSide] = (await accepted) as [WebSocket];
    await once(client, 'open');
    const closed = once(client, 'close');
    const outbox = new Outbox(serverSide, () => undefined);
    outbox.frame({ type: 'sent', requestId: 2 ** 32, epoch: 0, duplicate: false });
    await outbox.flushed();
    await closed;
  } finally {
    for (const socket of wss.clients) socket.terminate();
    wss.close();
  }
});
