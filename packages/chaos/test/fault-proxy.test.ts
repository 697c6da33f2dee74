// The fault proxy really delays, duplicates, reorders and cuts WebSocket frames, passes HTTP,
// and never duplicates or reorders a connection's session frame (AUTH / READY).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { FaultProxy, NO_FAULTS } from '../src/fault-proxy.ts';
import { Rng } from '../src/rng.ts';

const WAIT_MS = 10_000;

/** An upstream that answers HTTP with "ok" and echoes every WebSocket frame back. */
async function echoServer(): Promise<{ url: string; server: Server; received: Buffer[] }> {
  const received: Buffer[] = [];
  const server = createServer((_req, res) => res.end('ok'));
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws) => ws.on('message', (data: Buffer) => {
    received.push(data);
    ws.send(data);
  }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, received };
}

const frame = (type: number, n: number) => Buffer.from([1, type, n >> 8, n & 0xff]);
const numberOf = (b: Buffer) => (b[2]! << 8) | b[3]!;

async function exchange(proxy: FaultProxy, frames: Buffer[], expectAtLeast: number): Promise<Buffer[]> {
  const ws = new WebSocket(proxy.baseUrl.replace('http', 'ws') + '/v1/ws');
  const back: Buffer[] = [];
  ws.on('message', (data: Buffer) => back.push(data));
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  for (const f of frames) ws.send(f);
  const deadline = Date.now() + WAIT_MS;
  while (back.length < expectAtLeast && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 200));
  ws.close();
  return back;
}

const upstreams: Server[] = [];
after(() => {
  for (const s of upstreams) s.close();
});

test('without faults: HTTP passes through, frames arrive once and in order', async () => {
  const up = await echoServer();
  upstreams.push(up.server);
  const proxy = await FaultProxy.start(up.url, new Rng('calm'), NO_FAULTS);
  assert.equal(await (await fetch(`${proxy.baseUrl}/anything`)).text(), 'ok');
  const frames = Array.from({ length: 50 }, (_, i) => frame(0x02, i));
  const back = await exchange(proxy, frames, 50);
  assert.deepEqual(back.map(numberOf), frames.map(numberOf));
  await proxy.close();
});

test('with faults: frames are duplicated and reordered (each direction), none lost; session frames untouched', async () => {
  const up = await echoServer();
  upstreams.push(up.server);
  const proxy = await FaultProxy.start(up.url, new Rng('stormy'), {
    ...NO_FAULTS, delayProbability: 0.2, maxDelayMs: 20, duplicateProbability: 0.2, reorderProbability: 0.2,
  });
  const frames = [frame(0x01, 9999), ...Array.from({ length: 200 }, (_, i) => frame(0x02, i))];
  const back = await exchange(proxy, frames, 201);
  const numbers = back.map(numberOf);
  // The AUTH-typed frame went first both ways and only once.
  assert.equal(numbers[0], 9999);
  assert.equal(numbers.filter((n) => n === 9999).length, 1);
  assert.equal(up.received.filter((b) => numberOf(b) === 9999).length, 1);
  // Every frame arrived at least once; some twice; some out of order.
  for (let i = 0; i < 200; i++) assert.ok(numbers.includes(i), `frame ${i} lost`);
  assert.ok(numbers.length > 201, 'some duplicated');
  const rest = numbers.slice(1);
  assert.ok(rest.some((n, i) => i > 0 && n < rest[i - 1]!), 'some reordered');
  assert.ok(proxy.counts.duplicated > 0 && proxy.counts.reordered > 0 && proxy.counts.delayed > 0);
  await proxy.close();
});

test('cutAll closes every bridged connection; new ones still work', async () => {
  const up = await echoServer();
  upstreams.push(up.server);
  const proxy = await FaultProxy.start(up.url, new Rng('cut'), NO_FAULTS);
  const ws = new WebSocket(proxy.baseUrl.replace('http', 'ws') + '/v1/ws');
  await new Promise((resolve) => ws.once('open', resolve));
  const closed = new Promise((resolve) => ws.once('close', resolve));
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(proxy.cutAll(), 1);
  await closed;
  const back = await exchange(proxy, [frame(0x02, 7)], 1);
  assert.deepEqual(back.map(numberOf), [7]);
  await proxy.close();
});
