/**
 * The engine's part for accounts with several devices: linking (both sides), removing a
 * device, listing devices, and keeping every conversation in step with our signed device
 * list (sync.ts). Engine.ts delegates to it and calls its hooks on ticks, after catch-up,
 * and after every event (to notice a newer own list learnt while verifying members).
 */
import { decodeSignedDeviceList } from '@sealed/protocol/device-list';
import { parseChallengeResponse, parseSessionResponse } from '@sealed/protocol/http';
import type { Action } from '../actions.ts';
import { type Account, sessionRequest } from '../account.ts';
import type { EngineCore } from '../core.ts';
import { EngineError } from '../errors.ts';
import { saveAccount } from '../snapshot.ts';
import { toHex } from '@sealed/protocol/encoding';
import { approveLink, removeOwnDevice } from './link-approve.ts';
import { pollLink, startLink, type LinkedAccount, type PendingLink } from './link-new-device.ts';
import { ownDevicesOf, type OwnDevice } from './own-devices.ts';
import { type DeviceSync, deviceTick, newDeviceSync, ownListMaybeChanged, reconcile, refreshOwnDevices } from './sync.ts';

/** Uploads key packages (and a last resort) for a freshly installed account, then runs `then`. */
export type UploadKeyPackages = (account: Account, then: () => Action[]) => Action[];

export class DeviceManager {
  private link: PendingLink | undefined;
  private readonly sync: DeviceSync;
  /** Conversation ids the linking device was in: "joining" until their Welcome arrives. */
  private readonly awaited = new Set<string>();

  constructor(
    private readonly core: EngineCore,
    private readonly upload: UploadKeyPackages,
  ) {
    this.sync = newDeviceSync(core.now);
  }

  /** New device: start linking. @throws EngineError('account-exists') also while a link is under way */
  beginLink(intent: number): Action[] {
    if (this.core.account !== undefined) throw new EngineError('account-exists', this.core.account.username);
    if (this.link !== undefined) throw new EngineError('account-exists', 'a link is under way');
    const { link, actions } = startLink(this.core, intent, () => {
      this.link = undefined;
    });
    // Held at once (a second beginLink is refused); polled only once the relay gave it an id.
    this.link = link;
    return actions;
  }

  /** Existing device: link the device whose code the user read. @throws EngineError('invalid-link-code') */
  approveLink(intent: number, code: string): Action[] {
    return approveLink(this.core, intent, code, { onListChanged: () => reconcile(this.core, this.sync) });
  }

  /** @throws EngineError('cannot-remove-self' | 'unknown-device') */
  removeDevice(intent: number, deviceIdHex: string): Action[] {
    return removeOwnDevice(this.core, intent, deviceIdHex, { onListChanged: () => reconcile(this.core, this.sync) });
  }

  refresh(): Action[] {
    return refreshOwnDevices(this.core, this.sync);
  }

  devices(): OwnDevice[] {
    const account = this.core.account;
    const list = account === undefined ? undefined : this.core.directory.deviceList(account.username);
    return account === undefined || list === undefined ? [] : ownDevicesOf(list, account.deviceIdHex);
  }

  /** Conversations the linking device was in that this device has not joined yet. */
  awaitedConversations(): string[] {
    return [...this.awaited].filter((id) => !this.core.conversations.has(id));
  }

  /** The version of our list before an event, to compare after it. */
  ownVersion(): number | undefined {
    const account = this.core.account;
    return account === undefined ? undefined : this.core.directory.deviceList(account.username)?.version;
  }

  /** After an event: a newer own list (learnt while verifying members) is adopted and synced. */
  afterEvent(versionBefore: number | undefined): Action[] {
    if (this.ownVersion() === versionBefore) return [];
    return [...ownListMaybeChanged(this.core, versionBefore), ...reconcile(this.core, this.sync)];
  }

  tick(): Action[] {
    const actions: Action[] = [];
    const link = this.link;
    if (link !== undefined) {
      actions.push(
        ...pollLink(this.core, link, (linked) => this.install(linked), () => {
          this.link = undefined;
        }),
      );
    }
    return [...actions, ...deviceTick(this.core, this.sync)];
  }

  /** Once caught up after READY: our list may have changed while we were away. */
  caughtUp(): Action[] {
    return refreshOwnDevices(this.core, this.sync);
  }

  /** New device: the answer checked out; become the account's device and connect. */
  private install(linked: LinkedAccount): Action[] {
    const core = this.core;
    const { account, bundle } = linked;
    core.directory.learn(account.username, bundle.deviceList);
    for (const signed of bundle.contacts) {
      try {
        core.directory.learn(decodeSignedDeviceList(signed).list.username, signed);
      } catch {
        // A contact list that does not verify is skipped: fetched (TOFU) when needed.
      }
    }
    for (const groupId of bundle.conversations) this.awaited.add(toHex(groupId));
    core.account = account;
    const devices: Action = { type: 'devices', devices: ownDevicesOf(decodeSignedDeviceList(account.ownList).list, account.deviceIdHex) };
    return [
      saveAccount(account),
      devices,
      core.http({ kind: 'challenge' }, (challenge): Action[] => {
        if (!challenge.ok) return [{ type: 'sign-in-failed', code: challenge.code }];
        return [
          core.http({ kind: 'session', body: sessionRequest(core.provider, account, parseChallengeResponse(challenge.body).challenge) }, (session): Action[] => {
            if (!session.ok) return [{ type: 'sign-in-failed', code: session.code }];
            ({ token: core.token, accountId: core.accountId } = parseSessionResponse(session.body));
            return this.upload(account, () => [
              { type: 'connect', token: core.token! },
              { type: 'account-ready', username: account.username, deviceId: account.deviceIdHex },
            ]);
          }),
        ];
      }),
    ];
  }
}
