// A second `connect` while the first socket is still connecting replaces it quietly; before
// the fix the abandoned socket's late 'error' had no listener and ended the host process
// (found by the chaos suite).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { nodeProvider } from '@sealed/crypto/node/provider';
import { Engine } from '../../src/engine/engine.ts';
import { NodeTransport } from '../../src/transport/node-transport.ts';

test('replacing a socket that is still connecting does not crash the host', async () => {
  // Accepts TCP connections and never answers the WebSocket handshake: sockets stay CONNECTING.
  const held: Socket[] = [];
  const silent = createServer((socket) => held.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const port = (silent.address() as AddressInfo).port;
  const transport = new NodeTransport({ baseUrl: `http://127.0.0.1:${port}`, engine: new Engine({ provider: nodeProvider, now: Date.now() }) });
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => uncaught.push(error);
  process.on('uncaughtException', onUncaught);
  try {
    const token = new Uint8Array(32);
    await transport.run([{ type: 'connect', token }, { type: 'connect', token }, { type: 'connect', token }]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(uncaught, []);
    assert.equal(transport.failure, undefined);
  } finally {
    process.off('uncaughtException', onUncaught);
    transport.close();
    for (const s of held) s.destroy();
    silent.close();
  }
});
