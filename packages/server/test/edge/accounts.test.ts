import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { authSigningInput } from '@sealed/protocol/auth';
import { decodeSignedDeviceList } from '@sealed/protocol/device-list';
import { toBase64Url, toHex } from '@sealed/protocol/encoding';
import { CLOSE_CODES } from '@sealed/protocol/errors';
import { parseAccountResponse } from '@sealed/protocol/http';
import { ed25519, newTestDevice, signedDeviceList, signWith } from '../support/identity.ts';
import { challenge, errorCode, http, register, registerBody, signIn, startHarness, tokenOf, type Harness } from '../support/harness.ts';
import { TestSocket } from '../support/ws-client.ts';

describe('accounts and devices', () => {
  let h: Harness;
  let base: string;
  before(async () => {
    h = await startHarness();
    base = h.server.url;
  });
  after(() => h.cleanup());

  it('registers and serves the account and its signed device list; lookups normalise', async () => {
    const alice = await register(base, 'alice.register');
    const res = await http(base, 'GET', '/v1/accounts/ALICE.Register', undefined, tokenOf(alice));
    assert.equal(res.status, 200);
    const account = parseAccountResponse(res.json);
    assert.equal(account.username, 'alice.register');
    assert.deepEqual(account.identityKey, alice.identity.publicKey);
    assert.equal(decodeSignedDeviceList(account.deviceList).list.devices.length, 1);
    assert.equal(errorCode(await http(base, 'GET', '/v1/accounts/nobody-here', undefined, tokenOf(alice))), 'not-found');
    assert.equal(errorCode(await http(base, 'GET', '/v1/accounts/alice.register')), 'unauthorized');
  });

  it('refuses bad registrations with typed errors and writes nothing', async () => {
    const identity = ed25519();
    const device = newTestDevice();
    const good = registerBody('bob.rules', identity, device, await challenge(base));
    // Username in the body that does not normalise.
    assert.equal(errorCode(await http(base, 'POST', '/v1/accounts', { ...good, username: 'b@d' })), 'invalid-username');
    // Username that normalises but differs from the signed list.
    assert.equal(errorCode(await http(base, 'POST', '/v1/accounts', { ...good, username: 'carol.rules' })), 'bad-request');
    // Identity key that is not the list's.
    assert.equal(errorCode(await http(base, 'POST', '/v1/accounts', { ...good, identityKey: toBase64Url(ed25519().publicKey) })), 'bad-request');
    // A bad identity signature (fresh challenge each time: a failed attempt spends it).
    const ch = await challenge(base);
    const wrongSig = { ...registerBody('bob.rules', identity, device, ch), identitySignature: toBase64Url(new Uint8Array(64)) };
    assert.equal(errorCode(await http(base, 'POST', '/v1/accounts', wrongSig)), 'invalid-signature');
    // The challenge was spent by the failed attempt.
    assert.equal(errorCode(await http(base, 'POST', '/v1/accounts', registerBody('bob.rules', identity, device, ch))), 'unauthorized');
    // A device proof by another key.
    const ch2 = await challenge(base);
    const otherDevice = { ...registerBody('bob.rules', identity, device, ch2), deviceSignature: toBase64Url(signWith(ed25519(), authSigningInput(ch2, device.id))) };
    assert.equal(errorCode(await http(base, 'POST', '/v1/accounts', otherDevice)), 'invalid-signature');
    // A list signed by another identity key.
    const ch3 = await challenge(base);
    const foreignList = { ...registerBody('bob.rules', identity, device, ch3), deviceList: toBase64Url(signedDeviceList('bob.rules', ed25519(), 1, [device])) };
    assert.equal(errorCode(await http(base, 'POST', '/v1/accounts', foreignList)), 'bad-request');
    // None of this created the account.
    const someone = await register(base, 'someone.rules');
    assert.equal(errorCode(await http(base, 'GET', '/v1/accounts/bob.rules', undefined, tokenOf(someone))), 'not-found');
    // Finally the good one, and then the name is taken.
    assert.equal((await http(base, 'POST', '/v1/accounts', registerBody('bob.rules', identity, device, await challenge(base)))).status, 201);
    const again = registerBody('bob.rules', ed25519(), newTestDevice(), await challenge(base));
    assert.equal(errorCode(await http(base, 'POST', '/v1/accounts', again)), 'username-taken');
  });

  it('sessions: signed challenge gives a token; wrong key, unknown device, replay all unauthorized', async () => {
    const dave = await register(base, 'dave.sessions');
    const token = await signIn(base, dave.devices[0]!);
    assert.equal((await http(base, 'GET', '/v1/key-packages/count', undefined, token)).status, 200);
    const ch = await challenge(base);
    const body = { deviceId: toHex(dave.devices[0]!.id), challenge: toBase64Url(ch), signature: toBase64Url(signWith(ed25519(), authSigningInput(ch, dave.devices[0]!.id))) };
    assert.equal(errorCode(await http(base, 'POST', '/v1/sessions', body)), 'unauthorized');
    const ch2 = await challenge(base);
    const stranger = newTestDevice();
    const unknown = { deviceId: toHex(stranger.id), challenge: toBase64Url(ch2), signature: toBase64Url(signWith(stranger.key, authSigningInput(ch2, stranger.id))) };
    assert.equal(errorCode(await http(base, 'POST', '/v1/sessions', unknown)), 'unauthorized');
    const ch3 = await challenge(base);
    const good = { deviceId: toHex(dave.devices[0]!.id), challenge: toBase64Url(ch3), signature: toBase64Url(signWith(dave.devices[0]!.key, authSigningInput(ch3, dave.devices[0]!.id))) };
    assert.equal((await http(base, 'POST', '/v1/sessions', good)).status, 200);
    assert.equal(errorCode(await http(base, 'POST', '/v1/sessions', good)), 'unauthorized', 'a challenge works once');
    assert.equal(errorCode(await http(base, 'GET', '/v1/key-packages/count', undefined, new Uint8Array(32))), 'unauthorized');
  });

  it('linking needs a list signed by the identity key with a higher version; removal revokes at once', async () => {
    const erin = await register(base, 'erin.devices');
    const phone = erin.devices[0]!;
    const laptop = newTestDevice();
    const put = (list: Uint8Array, token = tokenOf(erin)) => http(base, 'PUT', '/v1/devices', { deviceList: toBase64Url(list) }, token);
    assert.equal(errorCode(await put(signedDeviceList('erin.devices', ed25519(), 2, [phone, laptop]))), 'bad-request', 'foreign identity');
    assert.equal(errorCode(await put(signedDeviceList('erin.devices', erin.identity, 1, [phone, laptop]))), 'version-not-increasing');
    const tampered = signedDeviceList('erin.devices', erin.identity, 2, [phone, laptop]);
    tampered[tampered.length - 1]! ^= 1;
    assert.equal(errorCode(await put(tampered)), 'invalid-signature');
    const linked = await put(signedDeviceList('erin.devices', erin.identity, 2, [phone, laptop]));
    assert.deepEqual(linked.json, { version: 2 });
    const laptopToken = await signIn(base, laptop);
    const socket = await TestSocket.connect(base, laptopToken);
    // Remove the laptop from the phone: its socket closes with "revoked", its token dies.
    assert.deepEqual((await put(signedDeviceList('erin.devices', erin.identity, 3, [phone]))).json, { version: 3 });
    assert.equal(await socket.closed, CLOSE_CODES.revoked);
    assert.equal(errorCode(await http(base, 'GET', '/v1/key-packages/count', undefined, laptopToken)), 'unauthorized');
    const served = parseAccountResponse((await http(base, 'GET', '/v1/accounts/erin.devices', undefined, tokenOf(erin))).json);
    assert.equal(decodeSignedDeviceList(served.deviceList).list.version, 3);
    // A device key cannot be swapped under the same id.
    const swapped = { id: phone.id, key: ed25519() };
    assert.equal(errorCode(await put(signedDeviceList('erin.devices', erin.identity, 4, [swapped]))), 'bad-request');
  });
});
