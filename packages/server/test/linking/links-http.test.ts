/**
 * The device-link endpoints of a real in-process server: create without a session, read by
 * link id, answer once with a session, the answer taken once; malformed input gets typed
 * errors and changes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { toBase64Url } from '@sealed/protocol/encoding';
import { MAX_LINK_OFFER_BYTES, MAX_LINK_SEALED_BYTES, parseLinkCreatedResponse, parseLinkStateResponse } from '@sealed/protocol/link';
import { errorCode, http, register, startHarness, tokenOf, type Harness } from '../support/harness.ts';

describe('device-link mailboxes over HTTP', () => {
  let h: Harness;
  let base: string;
  before(async () => {
    h = await startHarness();
    base = h.server.url;
  });
  after(() => h.cleanup());

  it('create, read, answer once, take once', async () => {
    const owner = await register(base, 'links.owner');
    const offer = new Uint8Array(200).fill(7);
    const created = await http(base, 'POST', '/v1/links', { offer: toBase64Url(offer) });
    assert.equal(created.status, 201);
    const { linkId } = parseLinkCreatedResponse(created.json);
    const path = `/v1/links/${Buffer.from(linkId).toString('hex')}`;
    const waiting = parseLinkStateResponse((await http(base, 'GET', path)).json);
    assert.deepEqual(waiting.offer, offer);
    assert.equal(waiting.sealed, null);
    // Answering needs a session.
    assert.equal(errorCode(await http(base, 'PUT', path, { sealed: toBase64Url(new Uint8Array([1])) })), 'unauthorized');
    assert.equal((await http(base, 'PUT', path, { sealed: toBase64Url(new Uint8Array([5, 6])) }, tokenOf(owner))).status, 200);
    assert.equal(errorCode(await http(base, 'PUT', path, { sealed: toBase64Url(new Uint8Array([7])) }, tokenOf(owner))), 'forbidden');
    assert.deepEqual(parseLinkStateResponse((await http(base, 'GET', path)).json).sealed, new Uint8Array([5, 6]));
    assert.equal(errorCode(await http(base, 'GET', path)), 'not-found', 'the answer is taken once');
  });

  it('malformed input: typed errors, nothing stored', async () => {
    const owner = await register(base, 'links.rules');
    assert.equal(errorCode(await http(base, 'POST', '/v1/links', {})), 'bad-request');
    assert.equal(errorCode(await http(base, 'POST', '/v1/links', { offer: 'not base64!' })), 'bad-request');
    assert.equal(errorCode(await http(base, 'POST', '/v1/links', { offer: toBase64Url(new Uint8Array(MAX_LINK_OFFER_BYTES + 1)) })), 'too-large');
    assert.equal(errorCode(await http(base, 'POST', '/v1/links', { offer: 'AA', extra: 1 })), 'bad-request');
    assert.equal(errorCode(await http(base, 'GET', '/v1/links/zz')), 'not-found');
    assert.equal(errorCode(await http(base, 'GET', `/v1/links/${'ab'.repeat(16)}`)), 'not-found');
    assert.equal(errorCode(await http(base, 'PUT', `/v1/links/${'ab'.repeat(16)}`, { sealed: 'AA' }, tokenOf(owner))), 'not-found');
    const { linkId } = parseLinkCreatedResponse((await http(base, 'POST', '/v1/links', { offer: 'AA' })).json);
    const path = `/v1/links/${Buffer.from(linkId).toString('hex')}`;
    assert.equal(errorCode(await http(base, 'PUT', path, { sealed: toBase64Url(new Uint8Array(MAX_LINK_SEALED_BYTES + 1)) }, tokenOf(owner))), 'too-large');
    assert.equal(errorCode(await http(base, 'PUT', path, { sealed: null }, tokenOf(owner))), 'bad-request');
    assert.equal(parseLinkStateResponse((await http(base, 'GET', path)).json).sealed, null, 'refused answers stored nothing');
  });
});
