import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { toBase64Url } from '@sealed/protocol/encoding';
import { parseClaimResponse } from '@sealed/protocol/http';
import { KEY_PACKAGES_LOW_MARK, MAX_KEY_PACKAGES_PER_DEVICE, MAX_KEY_PACKAGES_PER_UPLOAD } from '@sealed/protocol/limits';
import { errorCode, http, register, startHarness, tokenOf, type Harness } from '../support/harness.ts';
import { TestSocket } from '../support/ws-client.ts';

const kp = (i: number) => toBase64Url(new Uint8Array([0xee, i >> 8, i & 0xff]));

describe('key packages', () => {
  let h: Harness;
  let base: string;
  before(async () => {
    h = await startHarness();
    base = h.server.url;
  });
  after(() => h.cleanup());

  it('upload is bounded per request and per device, all or none', async () => {
    const alice = await register(base, 'alice.kp');
    const up = (packages: string[]) => http(base, 'POST', '/v1/key-packages', { keyPackages: packages }, tokenOf(alice));
    assert.equal(errorCode(await up(Array.from({ length: MAX_KEY_PACKAGES_PER_UPLOAD + 1 }, (_, i) => kp(i)))), 'too-large');
    for (let i = 0; i < MAX_KEY_PACKAGES_PER_DEVICE / MAX_KEY_PACKAGES_PER_UPLOAD; i++) {
      assert.equal((await up(Array.from({ length: MAX_KEY_PACKAGES_PER_UPLOAD }, (_, j) => kp(i * 1000 + j)))).status, 200);
    }
    assert.equal(errorCode(await up([kp(9999)])), 'limit-reached');
    assert.deepEqual((await http(base, 'GET', '/v1/key-packages/count', undefined, tokenOf(alice))).json, { count: MAX_KEY_PACKAGES_PER_DEVICE, low: false });
    assert.equal(errorCode(await http(base, 'POST', '/v1/key-packages', { keyPackages: [kp(1)] })), 'unauthorized');
  });

  it('concurrent claims never hand out the same key package twice', async () => {
    const bob = await register(base, 'bob.kp');
    const claimer = await register(base, 'claimer.kp');
    const count = 30;
    await http(base, 'POST', '/v1/key-packages', { keyPackages: Array.from({ length: count }, (_, i) => kp(i)) }, tokenOf(bob));
    const claims = await Promise.all(
      Array.from({ length: count + 5 }, () => http(base, 'POST', '/v1/key-packages/claim', { username: 'bob.kp' }, tokenOf(claimer))),
    );
    const handed = claims.flatMap((c) => parseClaimResponse(c.json).keyPackages.map((k) => toBase64Url(k.keyPackage)));
    assert.equal(handed.length, count);
    assert.equal(new Set(handed).size, count);
  });

  it('last resort is served when ordinary ones are gone, and the owner hears the count is low', async () => {
    const carol = await register(base, 'carol.kp');
    const claimer = await register(base, 'claimer2.kp');
    const socket = await TestSocket.connect(base, tokenOf(carol));
    assert.deepEqual(await socket.next('notice'), { type: 'notice', notice: 'key-packages-low', value: 0 });
    const res = await http(base, 'POST', '/v1/key-packages', { keyPackages: [kp(1), kp(2)], lastResort: kp(77) }, tokenOf(carol));
    assert.deepEqual(res.json, { count: 2, low: 2 <= KEY_PACKAGES_LOW_MARK });
    const claim = async () => parseClaimResponse((await http(base, 'POST', '/v1/key-packages/claim', { username: 'carol.kp' }, tokenOf(claimer))).json).keyPackages;
    assert.equal((await claim())[0]!.lastResort, false);
    assert.deepEqual(await socket.next('notice'), { type: 'notice', notice: 'key-packages-low', value: 1 });
    assert.equal((await claim())[0]!.lastResort, false);
    const last = await claim();
    assert.equal(last[0]!.lastResort, true);
    assert.equal(toBase64Url(last[0]!.keyPackage), kp(77));
    assert.equal((await claim())[0]!.lastResort, true, 'the last resort stays');
    assert.equal(errorCode(await http(base, 'POST', '/v1/key-packages/claim', { username: 'nobody.kp' }, tokenOf(claimer))), 'not-found');
    await socket.close();
  });

  it('claims are rate limited per device', async () => {
    const limited = await startHarness(['--claim-per-minute', '2']);
    try {
      const dan = await register(limited.server.url, 'dan.kp');
      const claim = () => http(limited.server.url, 'POST', '/v1/key-packages/claim', { username: 'dan.kp' }, tokenOf(dan));
      assert.equal((await claim()).status, 200);
      assert.equal((await claim()).status, 200);
      const third = await claim();
      assert.equal(errorCode(third), 'rate-limited');
      assert.ok(Number(third.headers.get('retry-after')) >= 1);
    } finally {
      await limited.cleanup();
    }
  });
});
