// Key transparency ENFORCED in the web client (issue 6 through issue 7), in Chromium against
// a real server behind the tampering proxy of the server's transparency harness (the page,
// its API calls and its WebSocket all go through it): a contact's device list that the
// server serves but the log does not hold is refused (no conversation with it; the user is
// told why); once the server serves the logged list again the same contact is added and
// messages flow, each carrying the sender's checkpoint.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { toBase64Url } from '@sealed/protocol/encoding';
import { TamperProxy } from '../../server/test/transparency-harness/tamper-proxy.ts';
import { ed25519, newTestDevice, signedDeviceList } from '../../server/test/support/identity.ts';
import { launchChromium, openUser, type WatchedPage } from './support/chromium.ts';
import { createAccount, newConversation, openConversation, sendText } from './support/ui.ts';
import { startWebServer, type WebServer } from './support/web-server.ts';

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();
/** The forged list's version: newer than any list bob published in this test. */
const FORGED_VERSION = 9;

describe('key transparency enforced in the web client', () => {
  let web: WebServer;
  let proxy: TamperProxy;
  let browser: Browser;
  let alice: WatchedPage;
  let bob: WatchedPage;

  before(async () => {
    web = await startWebServer();
    proxy = await TamperProxy.start(web.server.baseUrl);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await proxy?.close();
    await web?.stop();
  });

  it("a contact's device list that is not in the log is refused: no conversation, and the user is told", async () => {
    bob = await openUser(browser, `${proxy.baseUrl}/`);
    await createAccount(bob.page, 'bob', 'bob passcode');
    alice = await openUser(browser, `${proxy.baseUrl}/`);
    await createAccount(alice.page, 'alice', 'alice passcode');

    // The server swaps bob's list for one signed by a key it holds (validly signed, at a
    // newer version, naming a device it controls): without the log, a first contact would
    // take it on trust.
    const mallory = ed25519();
    let served = 0;
    proxy.tampers.push((x, status, body) => {
      if (x.method !== 'GET' || x.path !== '/v1/accounts/bob' || status !== 200) return undefined;
      const answer = JSON.parse(utf8Decoder.decode(body)) as Record<string, unknown>;
      served++;
      const forged = signedDeviceList('bob', mallory, FORGED_VERSION, [newTestDevice()]);
      return { status, body: utf8.encode(JSON.stringify({ ...answer, identityKey: toBase64Url(mallory.publicKey), deviceList: toBase64Url(forged) })) };
    });

    await newConversation(alice.page, 'bob');
    const refused = alice.page.locator('.notice', { hasText: "The device list the server gave for bob is not the one in the key-transparency log: bob was not added." });
    await refused.waitFor();
    assert.ok(served > 0, 'the forged list was served');
    // Nothing reached bob: the conversation has no member of his.
    assert.equal(await bob.page.locator('a[data-conversation]').count(), 0);
  });

  it('once the server serves the logged list again, the contact is added and messages flow both ways', async () => {
    proxy.tampers.length = 0;
    const id = await newConversation(alice.page, 'bob');
    await sendText(alice.page, 'through the log');
    await bob.page.locator(`a[data-conversation="${id}"]`).waitFor();
    await openConversation(bob.page, id);
    await bob.page.locator('.message .text', { hasText: 'through the log' }).waitFor();
    await sendText(bob.page, 'and back');
    await alice.page.locator('.message .text', { hasText: 'and back' }).waitFor();
    // Checkpoints carried both ways matched: no fork alert on either side.
    assert.equal(await alice.page.getByRole('list', { name: 'Key-transparency alerts' }).count(), 0);
    assert.equal(await bob.page.getByRole('list', { name: 'Key-transparency alerts' }).count(), 0);
  });
});
