// Device-link formats: the code, the offer, the sealed answer and the checks the new device
// makes on it. Round trips, and typed errors for malformed or hostile input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeProvider } from '@sealed/crypto/node/provider';
import { cipherSuite, DEFAULT_CIPHER_SUITE } from '@sealed/mls/crypto/cipher-suite';
import { encodeCbor } from '../../src/content/cbor-encode.ts';
import { newAccount } from '../../src/engine/account.ts';
import { EngineError, type EngineErrorCode } from '../../src/engine/errors.ts';
import { decodeLinkCode, encodeLinkCode } from '../../src/engine/devices/link-code.ts';
import { decodeLinkBundle, encodeLinkBundle, LINK_KEM_ID, linkHpkeSuite, openLinkBundle, sealLinkBundle, type LinkBundle } from '../../src/engine/devices/link-bundle.ts';
import { decodeLinkOffer, encodeLinkOffer, offerCommitment, verificationCode } from '../../src/engine/devices/link-offer.ts';
import { accountFromBundle, type PendingLink } from '../../src/engine/devices/link-new-device.ts';
import { signEntries } from '../../src/engine/devices/own-devices.ts';
import { EngineCore } from '../../src/engine/core.ts';
import { decodeAccount, encodeAccount } from '../../src/engine/snapshot.ts';

const provider = nodeProvider;
const is = (code: EngineErrorCode) => (e: unknown) => e instanceof EngineError && e.code === code;

test('link code: round trip, typing slack (case, spaces, I/L/O), typed errors', () => {
  const code = { linkId: provider.randomBytes(16), commitment: provider.randomBytes(16) };
  const text = encodeLinkCode(code);
  assert.match(text, /^([0-9A-HJKMNP-TV-Z]{5}-){10}[0-9A-HJKMNP-TV-Z]{3}$/);
  assert.deepEqual(decodeLinkCode(text), code);
  assert.deepEqual(decodeLinkCode(` ${text.toLowerCase().replaceAll('-', ' ')} `), code);
  const withOne = text.replaceAll('1', 'l').replaceAll('0', 'O');
  assert.deepEqual(decodeLinkCode(withOne), code);
  assert.throws(() => decodeLinkCode(''), is('invalid-link-code'));
  assert.throws(() => decodeLinkCode(text.slice(0, -1)), is('invalid-link-code'));
  assert.throws(() => decodeLinkCode(`${text}0`), is('invalid-link-code'));
  assert.throws(() => decodeLinkCode(text.replace(/.$/, 'U')), is('invalid-link-code'));
  assert.throws(() => decodeLinkCode('x'.repeat(10_000)), is('invalid-link-code'));
  // Version byte other than 1 (first symbols encode it).
  assert.throws(() => decodeLinkCode(`Z${text.slice(1)}`), is('invalid-link-code'));
});

test('link offer: strict decoding, commitment and verification code bind every byte', () => {
  const offer = { deviceId: provider.randomBytes(16), deviceKey: provider.randomBytes(32), kemId: LINK_KEM_ID, ephemeralKey: provider.randomBytes(1216) };
  const bytes = encodeLinkOffer(offer);
  assert.deepEqual(decodeLinkOffer(bytes), offer);
  assert.throws(() => decodeLinkOffer(bytes.subarray(0, bytes.length - 1)), is('link-rejected'));
  assert.throws(() => decodeLinkOffer(Uint8Array.of(...bytes, 0)), is('link-rejected'));
  assert.throws(() => decodeLinkOffer(Uint8Array.of(2, ...bytes.subarray(1))), is('link-rejected'));
  assert.throws(() => decodeLinkOffer(new Uint8Array(5000)), is('link-rejected'));
  const flipped = bytes.slice();
  flipped[40]! ^= 1;
  assert.notDeepEqual(offerCommitment(provider, flipped), offerCommitment(provider, bytes));
  assert.match(verificationCode(provider, bytes), /^\d{6}$/);
});

function fixture(): { core: EngineCore; link: PendingLink; bundle: LinkBundle; linkId: Uint8Array } {
  const suite = cipherSuite(DEFAULT_CIPHER_SUITE, provider);
  const core = new EngineCore(provider, suite, 0);
  const existing = newAccount(provider, 'alice');
  const device = { id: provider.randomBytes(16), key: provider.signatureGenerate('Ed25519') };
  const ephemeral = linkHpkeSuite().kem.generateKeyPair(provider);
  const offer = encodeLinkOffer({ deviceId: device.id, deviceKey: device.key.publicKey, kemId: LINK_KEM_ID, ephemeralKey: ephemeral.publicKey });
  const link: PendingLink = { intent: 1, device, ephemeral, offer, commitment: offerCommitment(provider, offer), linkId: undefined, expiresAt: 0, nextPollAt: 0, polling: false };
  const deviceList = signEntries(provider, 'alice', existing.identity, 2, [
    { deviceId: existing.device.id, signatureKey: existing.device.key.publicKey },
    { deviceId: device.id, signatureKey: device.key.publicKey },
  ]);
  const bundle: LinkBundle = { username: 'alice', identity: existing.identity, deviceList, contacts: [newAccount(provider, 'bob').ownList], conversations: [provider.randomBytes(32)] };
  return { core, link, bundle, linkId: provider.randomBytes(16) };
}

test('sealed answer: opens for the offer it was sealed to, and only with the right link id, commitment and key', () => {
  const { link, bundle, linkId } = fixture();
  const sealed = sealLinkBundle(provider, link.ephemeral.publicKey, linkId, link.commitment, bundle);
  const opened = openLinkBundle(provider, link.ephemeral.privateKey, linkId, link.commitment, sealed);
  assert.deepEqual(encodeLinkBundle(opened), encodeLinkBundle(bundle));
  assert.throws(() => openLinkBundle(provider, link.ephemeral.privateKey, provider.randomBytes(16), link.commitment, sealed), is('link-rejected'));
  assert.throws(() => openLinkBundle(provider, link.ephemeral.privateKey, linkId, new Uint8Array(16), sealed), is('link-rejected'));
  const other = linkHpkeSuite().kem.generateKeyPair(provider);
  assert.throws(() => openLinkBundle(provider, other.privateKey, linkId, link.commitment, sealed), is('link-rejected'));
  const tampered = sealed.slice();
  tampered[tampered.length - 1]! ^= 1;
  assert.throws(() => openLinkBundle(provider, link.ephemeral.privateKey, linkId, link.commitment, tampered), is('link-rejected'));
  assert.throws(() => openLinkBundle(provider, link.ephemeral.privateKey, linkId, link.commitment, sealed.subarray(0, 10)), is('link-rejected'));
  // An ephemeral key of the wrong length cannot be sealed to.
  assert.throws(() => sealLinkBundle(provider, new Uint8Array(7), linkId, link.commitment, bundle), is('link-rejected'));
});

test('bundle decoding is strict', () => {
  const { bundle } = fixture();
  const good = encodeLinkBundle(bundle);
  assert.deepEqual(encodeLinkBundle(decodeLinkBundle(good)), good);
  assert.throws(() => decodeLinkBundle(good.subarray(0, good.length - 1)), is('link-rejected'));
  assert.throws(() => decodeLinkBundle(encodeCbor([2, 'alice'])), is('link-rejected'));
  assert.throws(() => decodeLinkBundle(encodeCbor([1, 'alice', new Uint8Array(32), new Uint8Array(32), new Uint8Array(3), [], []].slice(0, 6))), is('link-rejected'));
  assert.throws(() => decodeLinkBundle(encodeCbor([1, 'alice', new Uint8Array(32), new Uint8Array(32), new Uint8Array(3), ['not bytes'], []])), is('link-rejected'));
  assert.throws(() => decodeLinkBundle(encodeCbor([1, 'alice', new Uint8Array(32), new Uint8Array(32), new Uint8Array(3), [], Array.from({ length: 2049 }, () => new Uint8Array(1))])), is('link-rejected'));
  assert.throws(() => decodeLinkBundle(encodeCbor('x')), is('link-rejected'));
});

test('the new device refuses an answer that does not make it a listed device of a consistent account', () => {
  const { core, link, bundle } = fixture();
  const account = accountFromBundle(core, link, bundle);
  assert.equal(account.username, 'alice');
  assert.equal(account.deviceListVersion, 2);
  // A list that does not name this device.
  const other = newAccount(provider, 'alice');
  const withoutMe = signEntries(provider, 'alice', bundle.identity, 3, [{ deviceId: other.device.id, signatureKey: other.device.key.publicKey }]);
  assert.throws(() => accountFromBundle(core, link, { ...bundle, deviceList: withoutMe }), is('link-rejected'));
  // This device's id with another key.
  const wrongKey = signEntries(provider, 'alice', bundle.identity, 3, [{ deviceId: link.device.id, signatureKey: other.device.key.publicKey }]);
  assert.throws(() => accountFromBundle(core, link, { ...bundle, deviceList: wrongKey }), is('link-rejected'));
  // An identity private key that is not the list's.
  assert.throws(() => accountFromBundle(core, link, { ...bundle, identity: { privateKey: other.identity.privateKey, publicKey: bundle.identity.publicKey } }), is('link-rejected'));
  // A list signed by another identity key than the one carried.
  assert.throws(() => accountFromBundle(core, link, { ...bundle, identity: other.identity }), is('link-rejected'));
  // Another account's name.
  assert.throws(() => accountFromBundle(core, link, { ...bundle, username: 'mallory' }), is('link-rejected'));
  assert.throws(() => accountFromBundle(core, link, { ...bundle, deviceList: new Uint8Array(10) }), is('link-rejected'));
});

test('account record: version 2 keeps the signed device list; version 1 records still load', () => {
  const suite = cipherSuite(DEFAULT_CIPHER_SUITE, provider);
  const account = newAccount(provider, 'alice');
  const two = signEntries(provider, 'alice', account.identity, 2, [
    { deviceId: account.device.id, signatureKey: account.device.key.publicKey },
    { deviceId: provider.randomBytes(16), signatureKey: provider.randomBytes(32) },
  ]);
  account.ownList = two;
  account.deviceListVersion = 2;
  const decoded = decodeAccount(suite, encodeAccount(account));
  assert.deepEqual(decoded.ownList, two);
  // A record written before multi-device: 7 fields, version 1.
  const single = newAccount(provider, 'bob');
  const v1 = encodeCbor([1, 'bob', [single.identity.privateKey, single.identity.publicKey], [single.device.id, single.device.key.privateKey, single.device.key.publicKey], 1, [], null]);
  assert.deepEqual(decodeAccount(suite, v1).ownList, single.ownList);
});
