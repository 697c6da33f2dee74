/**
 * A device-list change reaches the account's other connected devices at once as a NOTICE
 * devices-changed carrying the new version (a hint: they refetch the list); the device
 * that made the change is not told.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { toBase64Url } from '@sealed/protocol/encoding';
import { http, register, signIn, startHarness, tokenOf, type Harness } from '../support/harness.ts';
import { newTestDevice, signedDeviceList } from '../support/identity.ts';
import { TestSocket } from '../support/ws-client.ts';

describe('devices-changed notice', () => {
  let h: Harness;
  let base: string;
  before(async () => {
    h = await startHarness();
    base = h.server.url;
  });
  after(() => h.cleanup());

  it('goes to the other devices of the account with the new version', async () => {
    const erin = await register(base, 'erin.notice');
    const phone = erin.devices[0]!;
    const laptop = newTestDevice();
    const put = (list: Uint8Array) => http(base, 'PUT', '/v1/devices', { deviceList: toBase64Url(list) }, tokenOf(erin));
    assert.equal((await put(signedDeviceList('erin.notice', erin.identity, 2, [phone, laptop]))).status, 200);
    const laptopSocket = await TestSocket.connect(base, await signIn(base, laptop));
    const phoneSocket = await TestSocket.connect(base, tokenOf(erin));
    const tablet = newTestDevice();
    assert.equal((await put(signedDeviceList('erin.notice', erin.identity, 3, [phone, laptop, tablet]))).status, 200);
    // Skip the key-packages-low notices sent at AUTH (these devices uploaded none).
    const devicesNotice = async (socket: TestSocket, timeoutMs?: number) => {
      for (;;) {
        const notice = await socket.next('notice', timeoutMs);
        if (notice.notice === 'devices-changed') return notice;
      }
    };
    assert.deepEqual(await devicesNotice(laptopSocket), { type: 'notice', notice: 'devices-changed', value: 3 });
    await assert.rejects(devicesNotice(phoneSocket, 300), 'the device that changed the list is not told');
    await laptopSocket.close();
    await phoneSocket.close();
  });
});
