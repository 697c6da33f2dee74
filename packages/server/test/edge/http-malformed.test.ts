import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { MAX_JSON_BODY_BYTES } from '@sealed/protocol/limits';
import { challenge, errorCode, http, register, registerBody, startHarness, tokenOf, type Harness } from '../support/harness.ts';
import { ed25519, newTestDevice } from '../support/identity.ts';

describe('HTTP edge: malformed, oversized, wrong-type input', () => {
  let h: Harness;
  let base: string;
  before(async () => {
    h = await startHarness(['--headers-timeout-ms', '300', '--request-timeout-ms', '600']);
    base = h.server.url;
  });
  after(() => h.cleanup());

  it('unknown endpoints and methods are not-found', async () => {
    assert.equal(errorCode(await http(base, 'GET', '/nope')), 'not-found');
    assert.equal((await http(base, 'GET', '/nope')).status, 404);
    assert.equal(errorCode(await http(base, 'DELETE', '/v1/accounts')), 'not-found');
    assert.equal(errorCode(await http(base, 'GET', '/v1/accounts/%E0%A4%A')), 'not-found');
  });

  it('every JSON endpoint rejects non-JSON, wrong content type, wrong shapes with bad-request', async () => {
    const user = await register(base, 'shape.http');
    const token = tokenOf(user);
    const endpoints: [string, string, Uint8Array | undefined][] = [
      ['POST', '/v1/accounts', undefined],
      ['POST', '/v1/sessions', undefined],
      ['PUT', '/v1/devices', token],
      ['POST', '/v1/key-packages', token],
      ['POST', '/v1/key-packages/claim', token],
    ];
    for (const [method, path, tok] of endpoints) {
      assert.equal(errorCode(await http(base, method, path, '{not json', tok)), 'bad-request', `${path} not json`);
      assert.equal(errorCode(await http(base, method, path, '[]', tok)), 'bad-request', `${path} array`);
      assert.equal(errorCode(await http(base, method, path, '{"unexpected":1}', tok)), 'bad-request', `${path} unknown key`);
      assert.equal(errorCode(await http(base, method, path, '"x"', tok, { 'content-type': 'text/plain' })), 'bad-request', `${path} content type`);
      assert.equal(errorCode(await http(base, method, path, { deviceList: 12, username: 5, keyPackages: 'x' }, tok)), 'bad-request', `${path} types`);
    }
  });

  it('an oversized body is refused with too-large (declared or streamed) and the server keeps serving', async () => {
    const big = 'x'.repeat(MAX_JSON_BODY_BYTES + 10);
    const res = await http(base, 'POST', '/v1/accounts', `{"username":"${big}"}`);
    assert.equal(res.status, 413);
    assert.equal(errorCode(res), 'too-large');
    assert.equal((await http(base, 'GET', '/healthz')).status, 200);
  });

  it('a register body whose fields are well-formed but out of range writes nothing', async () => {
    const identity = ed25519();
    const device = newTestDevice();
    const body = registerBody('range.http', identity, device, await challenge(base));
    assert.equal(errorCode(await http(base, 'POST', '/v1/accounts', { ...body, challenge: body.challenge.slice(0, -2) })), 'bad-request');
    const someone = await register(base, 'someone.http');
    assert.equal(errorCode(await http(base, 'GET', '/v1/accounts/range.http', undefined, tokenOf(someone))), 'not-found');
  });

  it('malformed bearer tokens are unauthorized', async () => {
    for (const header of ['Bearer', 'Bearer !!!', 'Basic abc', `Bearer ${'A'.repeat(43)}=`, `Bearer ${'A'.repeat(80)}`]) {
      const res = await fetch(base + '/v1/key-packages/count', { headers: { authorization: header } });
      assert.equal(res.status, 401, header);
    }
  });

  it('a client that never finishes its headers is cut off (slow-loris)', async () => {
    const socket = connect(h.server.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
    const ended = await new Promise<boolean>((resolve) => {
      socket.once('close', () => resolve(true));
      socket.on('data', () => {});
      setTimeout(() => resolve(false), 5_000).unref();
    });
    assert.ok(ended, 'connection closed by the server');
  });

  it('registration and challenges are rate limited per source', async () => {
    const limited = await startHarness(['--register-per-minute', '2']);
    try {
      assert.equal((await http(limited.server.url, 'POST', '/v1/challenges')).status, 200);
      assert.equal((await http(limited.server.url, 'POST', '/v1/challenges')).status, 200);
      const third = await http(limited.server.url, 'POST', '/v1/challenges');
      assert.equal(third.status, 429);
      assert.equal(errorCode(third), 'rate-limited');
      assert.equal(errorCode(await http(limited.server.url, 'POST', '/v1/accounts', {})), 'rate-limited');
    } finally {
      await limited.cleanup();
    }
  });
});
