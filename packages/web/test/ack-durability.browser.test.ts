// The browser transport acknowledges a delivery only once what it wrote for it is stored
// (issue 5: "no acknowledged message disappears"), as NodeTransport does: in Chromium
// against a real server, bob's page is instrumented so that IndexedDB reports the commit of
// his chat-history write late (a disk that has not answered yet) and every ACK frame his
// WebSocket sends is counted. While the history write of alice's message is not reported
// complete, the message is on screen but no ACK has left; once it completes, the ACK
// leaves; after a reload bob still has the message, once. Before, the ACK left in the same
// step as the display, ahead of the history write, so a tab closed in between lost the
// message for good (the relay had dropped it).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, openUser, type WatchedPage } from './support/chromium.ts';
import { createAccount, newConversation, openConversation, sendText, unlock } from './support/ui.ts';
import { startWebServer, type WebServer } from './support/web-server.ts';

/** Counters and the gate the instrumentation keeps on `window.__ackTest`. */
interface AckProbe {
  armed: boolean;
  /** History transactions whose completion is being held back now. */
  held: number;
  acksSent: number;
  /** ACK frames sent while a history transaction was held back. */
  acksWhileHeld: number;
  open: () => void;
  gate: Promise<void>;
}

/**
 * Runs in bob's page before the app (plain JavaScript source). Once armed, an IndexedDB
 * transaction that writes a chat message record (row kind 4: RecordKind.message) is
 * committed by the browser as usual, but its `oncomplete` reaches the app only when the test
 * opens the gate. ACK frames (client frame type 0x03, the second octet) are counted as the
 * page sends them.
 */
const INSTRUMENT = `(() => {
  const MESSAGE_KIND = 4;
  const ACK_FRAME = 0x03;
  const probe = { armed: false, held: 0, acksSent: 0, acksWhileHeld: 0, open: () => {}, gate: Promise.resolve() };
  window.__ackTest = probe;
  const gated = new WeakSet();
  for (const name of ['add', 'put']) {
    const original = IDBObjectStore.prototype[name];
    IDBObjectStore.prototype[name] = function (...args) {
      const row = args[0];
      if (probe.armed && row !== null && typeof row === 'object' && row.kind === MESSAGE_KIND) gated.add(this.transaction);
      return original.apply(this, args);
    };
  }
  const transaction = IDBDatabase.prototype.transaction;
  IDBDatabase.prototype.transaction = function (...args) {
    const tx = transaction.apply(this, args);
    let handler = null;
    Object.defineProperty(tx, 'oncomplete', { configurable: true, get: () => handler, set: (fn) => { handler = fn; } });
    tx.addEventListener('complete', (event) => {
      const deliver = () => { if (handler !== null) handler.call(tx, event); };
      if (!gated.has(tx)) return deliver();
      probe.held++;
      probe.gate.then(() => { probe.held--; deliver(); });
    });
    return tx;
  };
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : undefined;
    if (bytes !== undefined && bytes.length >= 2 && bytes[1] === ACK_FRAME) {
      probe.acksSent++;
      if (probe.held > 0) probe.acksWhileHeld++;
    }
    return send.call(this, data);
  };
})();`;

const probe = (page: Page) => page.evaluate(() => {
  const p = (window as unknown as { __ackTest: AckProbe }).__ackTest;
  return { held: p.held, acksSent: p.acksSent, acksWhileHeld: p.acksWhileHeld };
});

describe('the browser transport acknowledges a delivery only once it is stored', () => {
  let web: WebServer;
  let browser: Browser;
  let alice: WatchedPage;
  let bob: WatchedPage;

  before(async () => {
    web = await startWebServer();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await web?.stop();
  });

  it('no ACK while the history write is pending; the ACK after it; the message survives a reload', async () => {
    alice = await openUser(browser, web.url);
    bob = await openUser(browser, web.url, INSTRUMENT);
    await Promise.all([createAccount(alice.page, 'alice', 'alice passcode'), createAccount(bob.page, 'bob', 'bob passcode')]);
    const id = await newConversation(alice.page, 'bob');
    await sendText(alice.page, 'warm up');
    await bob.page.locator(`a[data-conversation="${id}"]`).waitFor();
    await openConversation(bob.page, id);
    await bob.page.locator('.message .text', { hasText: 'warm up' }).waitFor();
    // Everything bob received so far is acknowledged before the disk is slowed down.
    await bob.page.waitForFunction(() => (window as unknown as { __ackTest: AckProbe }).__ackTest.acksSent > 0);

    await bob.page.evaluate(() => {
      const p = (window as unknown as { __ackTest: AckProbe }).__ackTest;
      p.gate = new Promise<void>((resolve) => (p.open = resolve));
      p.armed = true;
    });
    const before = await probe(bob.page);
    await sendText(alice.page, 'durable first');
    // Shown at once (display does not wait for the disk)...
    await bob.page.locator('.message .text', { hasText: 'durable first' }).waitFor();
    await bob.page.waitForFunction(() => (window as unknown as { __ackTest: AckProbe }).__ackTest.held > 0);
    // ...but not acknowledged while its history write is not reported complete.
    await bob.page.waitForTimeout(500);
    const held = await probe(bob.page);
    assert.equal(held.acksWhileHeld, 0, 'no ACK left while the history write was pending');
    assert.equal(held.acksSent, before.acksSent, 'no ACK since the message arrived');

    await bob.page.evaluate(() => (window as unknown as { __ackTest: AckProbe }).__ackTest.open());
    await bob.page.waitForFunction((sent) => (window as unknown as { __ackTest: AckProbe }).__ackTest.acksSent > sent, before.acksSent);
    assert.equal((await probe(bob.page)).acksWhileHeld, 0);

    // Right after: a reload (keys dropped, the app started again from IndexedDB) keeps it, once.
    await bob.page.reload();
    await unlock(bob.page, 'bob passcode');
    await openConversation(bob.page, id);
    await bob.page.locator('.message .text', { hasText: 'durable first' }).waitFor();
    assert.equal(await bob.page.locator('.message .text', { hasText: 'durable first' }).count(), 1);
    assert.equal(await bob.page.locator('.message .text', { hasText: 'warm up' }).count(), 1);
    assert.deepEqual([...alice.problems, ...bob.problems], []);
  });
});
