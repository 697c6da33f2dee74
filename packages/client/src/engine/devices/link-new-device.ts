/**
 * Linking, on the new device: create the device key and an ephemeral HPKE key, open a
 * mailbox with the offer, show the code, then poll the mailbox on clock ticks until an
 * existing device of the account answers. The answer is opened, checked (the list it
 * carries is signed by the identity key it carries and names this device with this
 * device's key), and becomes this device's account; the host then signs in, uploads key
 * packages and connects like a first device. Until then nothing is saved: a restart
 * means linking again (the mailbox expires on its own).
 */
import type { KeyPair } from '@sealed/crypto/provider';
import { decodeSignedDeviceList } from '@sealed/protocol/device-list';
import { toHex } from '@sealed/protocol/encoding';
import { ID_BYTES } from '@sealed/protocol/limits';
import { parseLinkCreatedResponse, parseLinkStateResponse } from '@sealed/protocol/link';
import { DecodeError } from '@sealed/protocol/binary/decode-error';
import { ValidationError } from '@sealed/protocol/validate';
import type { Action } from '../actions.ts';
import type { Account } from '../account.ts';
import type { EngineCore } from '../core.ts';
import { EngineError } from '../errors.ts';
import type { DeviceKeys } from '../identity.ts';
import { encodeLinkCode } from './link-code.ts';
import { LINK_KEM_ID, linkHpkeSuite, openLinkBundle, type LinkBundle } from './link-bundle.ts';
import { encodeLinkOffer, offerCommitment, verificationCode } from './link-offer.ts';
import { LINK_POLL_MS } from './limits.ts';

/** A link this device started and waits on (memory only). */
export interface PendingLink {
  readonly intent: number;
  readonly device: DeviceKeys;
  readonly ephemeral: KeyPair;
  readonly offer: Uint8Array;
  readonly commitment: Uint8Array;
  linkId: Uint8Array | undefined;
  expiresAt: number;
  nextPollAt: number;
  polling: boolean;
}

/** What the new device learnt, for the engine to install. */
export interface LinkedAccount {
  readonly account: Account;
  readonly bundle: LinkBundle;
}

export function startLink(core: EngineCore, intent: number, onFailed: () => void): { link: PendingLink; actions: Action[] } {
  const device: DeviceKeys = { id: core.provider.randomBytes(ID_BYTES), key: core.provider.signatureGenerate('Ed25519') };
  const ephemeral = linkHpkeSuite().kem.generateKeyPair(core.provider);
  const offer = encodeLinkOffer({ deviceId: device.id, deviceKey: device.key.publicKey, kemId: LINK_KEM_ID, ephemeralKey: ephemeral.publicKey });
  const link: PendingLink = { intent, device, ephemeral, offer, commitment: offerCommitment(core.provider, offer), linkId: undefined, expiresAt: 0, nextPollAt: 0, polling: false };
  const create = (attempt: number): Action =>
    core.http({ kind: 'create-link', offer }, (outcome): Action[] => {
      if (!outcome.ok && RETRIED_CREATE_ERRORS.has(outcome.code) && attempt + 1 < MAX_CREATE_LINK_ATTEMPTS) {
        // "Not now" (no answer, the relay restarting): the mailbox is asked for again on the
        // next tick (chaos suite: linking failed for good during a relay restart). A mailbox
        // that was created after all is never shown and expires.
        core.defer(() => [create(attempt + 1)]);
        return [];
      }
      if (!outcome.ok) {
        onFailed();
        return [{ type: 'intent-failed', intent, error: new EngineError('relay-error', `create link: ${outcome.code}`) }];
      }
      const created = parseLinkCreatedResponse(outcome.body);
      link.linkId = created.linkId;
      link.expiresAt = created.expiresAt;
      link.nextPollAt = core.now + LINK_POLL_MS;
      return [{ type: 'link-offer', code: encodeLinkCode({ linkId: created.linkId, commitment: link.commitment }), verificationCode: verificationCode(core.provider, offer), expiresAt: created.expiresAt }];
    });
  return { link, actions: [create(0)] };
}

/** Answers to creating the mailbox that mean "not now"; tried again a tick later, at most MAX_CREATE_LINK_ATTEMPTS times. */
const RETRIED_CREATE_ERRORS: ReadonlySet<string> = new Set(['unavailable', 'internal', 'rate-limited']);
export const MAX_CREATE_LINK_ATTEMPTS = 30;

/**
 * Checks an opened answer and builds this device's account from it.
 * @throws EngineError('link-rejected') when the list is not signed by the carried identity
 *   key, names another account, or does not name this device with this device's key
 */
export function accountFromBundle(core: EngineCore, link: PendingLink, bundle: LinkBundle): Account {
  const provider = core.provider;
  let signed;
  try {
    signed = decodeSignedDeviceList(bundle.deviceList);
  } catch (error) {
    if (error instanceof DecodeError) throw new EngineError('link-rejected', `device list: ${error.code}`);
    throw error;
  }
  const { list } = signed;
  if (list.username !== bundle.username) throw new EngineError('link-rejected', 'list of another account');
  if (!provider.constantTimeEqual(list.identityKey, bundle.identity.publicKey)) throw new EngineError('link-rejected', 'identity key differs from the list');
  if (!provider.verify('Ed25519', list.identityKey, signed.signingInput, signed.signature)) throw new EngineError('link-rejected', 'list signature');
  let derived: Uint8Array;
  try {
    derived = provider.signaturePublicKey('Ed25519', bundle.identity.privateKey);
  } catch {
    throw new EngineError('link-rejected', 'identity private key');
  }
  if (!provider.constantTimeEqual(derived, bundle.identity.publicKey)) throw new EngineError('link-rejected', 'identity key pair does not match');
  const me = list.devices.find((d) => provider.constantTimeEqual(d.deviceId, link.device.id));
  if (me === undefined || !provider.constantTimeEqual(me.signatureKey, link.device.key.publicKey)) throw new EngineError('link-rejected', 'list does not name this device');
  return {
    username: list.username,
    identity: bundle.identity,
    device: link.device,
    deviceIdHex: toHex(link.device.id),
    deviceListVersion: list.version,
    ownList: bundle.deviceList,
    keyPackages: new Map(),
    lastResort: undefined,
  };
}

/**
 * On a tick: poll the mailbox when due. `onLinked` installs the account (sign in, key
 * packages, connect); `onDone` forgets the pending link.
 */
export function pollLink(core: EngineCore, link: PendingLink, onLinked: (linked: LinkedAccount) => Action[], onDone: () => void): Action[] {
  if (link.linkId === undefined || link.polling || core.now < link.nextPollAt) return [];
  const fail = (error: EngineError): Action[] => {
    onDone();
    return [{ type: 'intent-failed', intent: link.intent, error }];
  };
  if (core.now >= link.expiresAt) return fail(new EngineError('link-expired', 'no device answered in time'));
  const linkId = link.linkId;
  link.polling = true;
  return [
    core.http({ kind: 'get-link', linkId }, (outcome): Action[] => {
      link.polling = false;
      link.nextPollAt = core.now + LINK_POLL_MS;
      if (!outcome.ok) return outcome.code === 'not-found' ? fail(new EngineError('link-expired', 'mailbox gone')) : [];
      let state;
      try {
        state = parseLinkStateResponse(outcome.body);
      } catch (error) {
        if (error instanceof ValidationError) return fail(new EngineError('link-rejected', `mailbox: ${error.field}`));
        throw error;
      }
      if (state.sealed === null) return [];
      let linked: LinkedAccount;
      try {
        const bundle = openLinkBundle(core.provider, link.ephemeral.privateKey, linkId, link.commitment, state.sealed);
        linked = { account: accountFromBundle(core, link, bundle), bundle };
      } catch (error) {
        if (error instanceof EngineError) return fail(error);
        throw error;
      }
      onDone();
      return onLinked(linked);
    }),
  ];
}
