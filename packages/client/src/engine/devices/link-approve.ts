/**
 * Linking, on an existing device: read the code, fetch the offer from the mailbox and
 * check it against the code's commitment, sign the account's device list with the new
 * device added (identity key), upload it (PUT /v1/devices: the relay checks the signature
 * and that the version grows, and registers the device), then answer the mailbox with the
 * account sealed to the offer's ephemeral key (link-bundle.ts). If the answer cannot be
 * delivered (the mailbox expired meanwhile), the device is taken out of the list again.
 * Adding the device to every conversation follows (sync.ts).
 */
import { decodeSignedDeviceList, type DeviceList } from '@sealed/protocol/device-list';
import { parseAccountResponse } from '@sealed/protocol/http';
import { toHex } from '@sealed/protocol/encoding';
import { MAX_DEVICES_PER_ACCOUNT } from '@sealed/protocol/limits';
import { parseLinkStateResponse } from '@sealed/protocol/link';
import { ValidationError } from '@sealed/protocol/validate';
import { fromHex } from '@sealed/protocol/encoding';
import type { Action } from '../actions.ts';
import type { EngineCore } from '../core.ts';
import { EngineError } from '../errors.ts';
import { saveAccount } from '../snapshot.ts';
import { decodeLinkCode } from './link-code.ts';
import { LINK_KEM_ID, sealLinkBundle } from './link-bundle.ts';
import { decodeLinkOffer, offerCommitment, verificationCode, type LinkOffer } from './link-offer.ts';
import { MAX_LINK_CONTACTS } from './limits.ts';
import { ownDevicesOf, signEntries } from './own-devices.ts';

/** Hooks into the engine: what to run once our list changed (sync to every group). */
export interface ListChangeHooks {
  readonly onListChanged: () => Action[];
}

type Entries = readonly { deviceId: Uint8Array; signatureKey: Uint8Array }[];

/**
 * Uploads a new version of our list, `entriesOf` applied to the current one; on success
 * adopts it (directory, account record) and runs `then`. When another device of ours
 * changed the list meanwhile (`version-not-increasing`), the list is fetched again and the
 * change applied to it once more (once): a stale copy never drops a device silently.
 * `entriesOf` returns an EngineError to give up (e.g. the device is no longer listed).
 */
export function putOwnList(core: EngineCore, entriesOf: (list: DeviceList) => Entries | EngineError, then: (encoded: Uint8Array) => Action[], fail: (error: EngineError) => Action[], retried = false, attempt = 0): Action[] {
  const account = core.account!;
  const current = core.directory.deviceList(account.username);
  if (current === undefined) return fail(new EngineError('relay-error', 'own device list unknown'));
  const entries = entriesOf(current);
  if (entries instanceof EngineError) return fail(entries);
  const version = Math.max(account.deviceListVersion, current.version) + 1;
  const encoded = signEntries(core.provider, account.username, account.identity, version, entries);
  return [
    core.http({ kind: 'put-device-list', deviceList: encoded }, (outcome): Action[] => {
      if (!outcome.ok && outcome.code === 'version-not-increasing' && !retried) return refetchThen(core, () => putOwnList(core, entriesOf, then, fail, true), fail);
      if (!outcome.ok && RETRIED_LIST_ERRORS.has(outcome.code) && attempt + 1 < MAX_LIST_UPLOAD_ATTEMPTS) {
        // "Not now" (no answer, the relay restarting or losing its database): on the next tick
        // the list is fetched again (the upload may have landed after all) and the change
        // applied to it once more (chaos suite: a device removal failed for good).
        const again = (): Action[] => putOwnList(core, entriesOf, then, fail, retried, attempt + 1);
        // The fetch itself may get no answer yet: then the next attempt waits another tick.
        core.defer(() => refetchThen(core, again, fail, () => putOwnListLater(core, again)));
        return [];
      }
      if (!outcome.ok) return fail(new EngineError('relay-error', `device list: ${outcome.code}`));
      core.directory.learn(account.username, encoded);
      account.deviceListVersion = version;
      account.ownList = encoded;
      return [saveAccount(account), { type: 'devices', devices: ownDevicesOf(decodeSignedDeviceList(encoded).list, account.deviceIdHex) }, ...then(encoded)];
    }),
  ];
}

/** Answers to a list upload that mean "not now"; the upload is tried again, at most MAX_LIST_UPLOAD_ATTEMPTS times, a tick apart. */
const RETRIED_LIST_ERRORS: ReadonlySet<string> = new Set(['unavailable', 'internal', 'rate-limited']);
export const MAX_LIST_UPLOAD_ATTEMPTS = 30;

/** The upload step `again` (which counts its attempts) on the next tick, without fetching first: it fetches when it is refused. */
function putOwnListLater(core: EngineCore, again: () => Action[]): Action[] {
  core.defer(again);
  return [];
}

/** `notNow`: what to do instead of failing when the fetch gets a "not now" answer. */
function refetchThen(core: EngineCore, next: () => Action[], fail: (error: EngineError) => Action[], notNow?: () => Action[]): Action[] {
  const username = core.account!.username;
  return [
    core.http({ kind: 'get-account', username }, (outcome): Action[] => {
      if (!outcome.ok && notNow !== undefined && RETRIED_LIST_ERRORS.has(outcome.code)) return notNow();
      if (!outcome.ok) return fail(new EngineError('relay-error', `account: ${outcome.code}`));
      try {
        core.directory.learn(username, parseAccountResponse(outcome.body).deviceList);
      } catch (error) {
        return fail(error instanceof EngineError ? error : new EngineError('invalid-device-list', username));
      }
      return next();
    }),
  ];
}

/** @throws EngineError('invalid-link-code') at once for text that is not a link code. */
export function approveLink(core: EngineCore, intent: number, codeText: string, hooks: ListChangeHooks, attempt = 0): Action[] {
  const code = decodeLinkCode(codeText);
  const fail = (error: EngineError): Action[] => [{ type: 'intent-failed', intent, error }];
  return [
    core.http({ kind: 'get-link', linkId: code.linkId }, (outcome): Action[] => {
      if (!outcome.ok && RETRIED_LIST_ERRORS.has(outcome.code) && attempt + 1 < MAX_LIST_UPLOAD_ATTEMPTS) {
        // "Not now" (the relay restarting): the mailbox is read again on the next tick.
        core.defer(() => approveLink(core, intent, codeText, hooks, attempt + 1));
        return [];
      }
      if (!outcome.ok) return fail(outcome.code === 'not-found' ? new EngineError('link-expired', 'unknown or expired link code') : new EngineError('relay-error', `link: ${outcome.code}`));
      let offerBytes: Uint8Array;
      let offer: LinkOffer;
      try {
        const state = parseLinkStateResponse(outcome.body);
        if (state.sealed !== null) return fail(new EngineError('link-expired', 'link already answered'));
        offerBytes = state.offer;
        offer = decodeLinkOffer(offerBytes);
      } catch (error) {
        if (error instanceof EngineError) return fail(error);
        if (error instanceof ValidationError) return fail(new EngineError('link-rejected', `mailbox: ${error.field}`));
        throw error;
      }
      // The relay handed us this offer: it must be the one the code commits to.
      if (!core.provider.constantTimeEqual(offerCommitment(core.provider, offerBytes), code.commitment)) return fail(new EngineError('link-rejected', 'offer does not match the code'));
      if (offer.kemId !== LINK_KEM_ID) return fail(new EngineError('link-rejected', `kem ${offer.kemId}`));
      const withNew = (list: DeviceList): Entries | EngineError => {
        const listed = list.devices.find((d) => core.provider.constantTimeEqual(d.deviceId, offer.deviceId));
        // Listed with the offer's own key: our earlier upload landed although its answer was
        // lost (the upload is retried after "not now"); only we sign our list. Anything else is refused.
        if (listed !== undefined) return core.provider.constantTimeEqual(listed.signatureKey, offer.deviceKey) ? list.devices : new EngineError('link-rejected', 'device already listed');
        if (list.devices.length >= MAX_DEVICES_PER_ACCOUNT) return new EngineError('too-many-devices', `${MAX_DEVICES_PER_ACCOUNT} devices`);
        return [...list.devices, { deviceId: offer.deviceId, signatureKey: offer.deviceKey }];
      };
      return putOwnList(core, withNew, (encoded) => answer(core, intent, code.linkId, code.commitment, offer, offerBytes, encoded, hooks), fail);
    }),
  ];
}

function answer(core: EngineCore, intent: number, linkId: Uint8Array, commitment: Uint8Array, offer: LinkOffer, offerBytes: Uint8Array, ownList: Uint8Array, hooks: ListChangeHooks): Action[] {
  const account = core.account!;
  const contacts = core.directory
    .usernames()
    .filter((u) => u !== account.username)
    .slice(0, MAX_LINK_CONTACTS)
    .flatMap((u) => {
      const signed = core.directory.signedList(u);
      return signed === undefined ? [] : [signed];
    });
  const conversations = [...core.conversations.values()].map((c) => c.groupId);
  let sealed: Uint8Array;
  try {
    sealed = sealLinkBundle(core.provider, offer.ephemeralKey, linkId, commitment, { username: account.username, identity: account.identity, deviceList: ownList, contacts, conversations });
  } catch (error) {
    if (error instanceof EngineError) return undo(core, intent, offer, error, hooks);
    throw error;
  }
  return deliverAnswer(core, intent, linkId, sealed, offer, offerBytes, hooks, 0);
}

/**
 * Puts the sealed answer in the mailbox. A "not now" answer (no answer: the relay restarting)
 * is tried again on the next tick with the same bytes, at most MAX_LIST_UPLOAD_ATTEMPTS
 * times; the device was taken out of the list again and the link failed (chaos suite:
 * link-expired after a relay restart). After an attempt that got no answer, a mailbox already
 * answered (`forbidden`) or already taken by the new device (`not-found`) means that attempt
 * landed: the link completes. Anything else undoes the listing, as before.
 */
function deliverAnswer(core: EngineCore, intent: number, linkId: Uint8Array, sealed: Uint8Array, offer: LinkOffer, offerBytes: Uint8Array, hooks: ListChangeHooks, attempt: number): Action[] {
  const linked = (): Action[] => [{ type: 'device-linked', deviceId: toHex(offer.deviceId), verificationCode: verificationCode(core.provider, offerBytes) }, ...hooks.onListChanged()];
  return [
    core.http({ kind: 'seal-link', linkId, sealed }, (outcome): Action[] => {
      if (outcome.ok) return linked();
      if (RETRIED_LIST_ERRORS.has(outcome.code) && attempt + 1 < MAX_LIST_UPLOAD_ATTEMPTS) {
        core.defer(() => deliverAnswer(core, intent, linkId, sealed, offer, offerBytes, hooks, attempt + 1));
        return [];
      }
      if (attempt > 0 && (outcome.code === 'forbidden' || outcome.code === 'not-found')) return linked();
      return undo(core, intent, offer, new EngineError('link-expired', `answer: ${outcome.code}`), hooks);
    }),
  ];
}

/** The new device never got the account: take it out of the list again, then report. */
function undo(core: EngineCore, intent: number, offer: LinkOffer, error: EngineError, hooks: ListChangeHooks): Action[] {
  const without = (list: DeviceList): Entries => list.devices.filter((d) => !core.provider.constantTimeEqual(d.deviceId, offer.deviceId));
  const report: Action = { type: 'intent-failed', intent, error };
  return putOwnList(core, without, () => [report, ...hooks.onListChanged()], () => [report]);
}

/** Removes one of our other devices (hex id): a list without it; the relay revokes it at once. */
export function removeOwnDevice(core: EngineCore, intent: number, deviceIdHex: string, hooks: ListChangeHooks): Action[] {
  const account = core.account!;
  if (deviceIdHex === account.deviceIdHex) throw new EngineError('cannot-remove-self', 'remove this device from another one');
  const list = core.directory.deviceList(account.username);
  const id = fromHex(deviceIdHex);
  if (list === undefined || id === undefined || !list.devices.some((d) => toHex(d.deviceId) === deviceIdHex)) throw new EngineError('unknown-device', deviceIdHex.slice(0, 32));
  const without = (current: DeviceList): Entries | EngineError => {
    // Gone already: our earlier upload landed although its answer was lost, or another device
    // of ours removed it. The list is uploaded unchanged and every group brought in step.
    if (!current.devices.some((d) => toHex(d.deviceId) === deviceIdHex)) return current.devices;
    return current.devices.filter((d) => toHex(d.deviceId) !== deviceIdHex);
  };
  return putOwnList(core, without, () => hooks.onListChanged(), (error) => [{ type: 'intent-failed', intent, error }]);
}
