/**
 * An in-memory relay for engine tests: the protocol's HTTP answers (as the JSON the real
 * server sends) and frames, with per-device queues, commit ordering by epoch, idempotent
 * sends, acknowledgements and the key-packages-low notice. It checks what a test needs
 * (epochs, recipients, device lists decode); signatures are the real server's job and are
 * covered by the e2e tests against it.
 */
import { randomBytes } from 'node:crypto';
import { decodeSignedDeviceList } from '@sealed/protocol/device-list';
import { fromHex, toHex } from '@sealed/protocol/encoding';
import type { ClientFrame } from '@sealed/protocol/frames/client';
import type { DeliveredEntry, ServerFrame } from '@sealed/protocol/frames/server';
import { accountResponseJson, challengeResponseJson, claimResponseJson, keyPackageCountJson, sessionResponseJson } from '@sealed/protocol/http';
import { linkCreatedJson, linkStateJson, LINK_TTL_MS } from '@sealed/protocol/link';
import { KEY_PACKAGES_LOW_MARK, MAX_APPLICATION_EPOCH_LAG } from '@sealed/protocol/limits';
import type { HttpRequest } from '../../src/engine/actions.ts';
import type { HttpOutcome } from '../../src/engine/events.ts';

interface Device {
  readonly username: string;
  readonly queue: DeliveredEntry[];
  nextSeq: number;
  keyPackages: Uint8Array[];
  lastResort: Uint8Array | undefined;
  /** Where frames for this device go while it is connected. */
  socket: ((frame: ServerFrame) => void) | undefined;
}

export class FakeRelay {
  readonly accounts = new Map<string, { identityKey: Uint8Array; deviceList: Uint8Array; devices: string[] }>();
  readonly devices = new Map<string, Device>();
  readonly epochs = new Map<string, number>();
  /** Session token (hex) -> device id. */
  readonly tokens = new Map<string, string>();
  private readonly seenClientIds = new Map<string, number>();
  /** Device-link mailboxes by link id (hex), as the server keeps them (protocol link.ts). */
  readonly links = new Map<string, { offer: Uint8Array; sealed: Uint8Array | null; expiresAt: number }>();
  /** When set, the next DELIVER of each entry is sent twice (duplicate delivery). */
  duplicateDeliveries = false;
  now = 1_800_000_000_000;

  http(request: HttpRequest, token: Uint8Array | undefined): HttpOutcome {
    const caller = token === undefined ? undefined : this.tokens.get(toHex(token));
    switch (request.kind) {
      case 'challenge':
        return { ok: true, body: json(challengeResponseJson({ challenge: new Uint8Array(randomBytes(32)), expiresAt: this.now + 60_000 })) };
      case 'register': {
        const { list } = decodeSignedDeviceList(request.body.deviceList);
        if (this.accounts.has(list.username)) return { ok: false, status: 409, code: 'username-taken' };
        const deviceIds = list.devices.map((d) => toHex(d.deviceId));
        this.accounts.set(list.username, { identityKey: list.identityKey, deviceList: request.body.deviceList, devices: deviceIds });
        for (const id of deviceIds) this.devices.set(id, { username: list.username, queue: [], nextSeq: 1, keyPackages: [], lastResort: undefined, socket: undefined });
        return this.session(deviceIds[0]!);
      }
      case 'session':
        return this.devices.has(toHex(request.body.deviceId)) ? this.session(toHex(request.body.deviceId)) : { ok: false, status: 401, code: 'unauthorized' };
      case 'upload-key-packages': {
        const device = caller === undefined ? undefined : this.devices.get(caller);
        if (device === undefined) return { ok: false, status: 401, code: 'unauthorized' };
        device.keyPackages.push(...request.body.keyPackages);
        if (request.body.lastResort !== undefined) device.lastResort = request.body.lastResort;
        return { ok: true, body: json(keyPackageCountJson({ count: device.keyPackages.length, low: device.keyPackages.length <= KEY_PACKAGES_LOW_MARK })) };
      }
      case 'get-account': {
        const account = this.accounts.get(request.username);
        if (account === undefined) return { ok: false, status: 404, code: 'not-found' };
        return { ok: true, body: json(accountResponseJson({ username: request.username, identityKey: account.identityKey, deviceList: account.deviceList })) };
      }
      case 'put-device-list': {
        const device = caller === undefined ? undefined : this.devices.get(caller);
        if (device === undefined) return { ok: false, status: 401, code: 'unauthorized' };
        const account = this.accounts.get(device.username)!;
        const { list } = decodeSignedDeviceList(request.deviceList);
        const stored = decodeSignedDeviceList(account.deviceList).list;
        if (list.username !== device.username) return { ok: false, status: 400, code: 'bad-request' };
        if (list.version <= stored.version) return { ok: false, status: 409, code: 'version-not-increasing' };
        const ids = list.devices.map((d) => toHex(d.deviceId));
        // Removed devices are revoked at once: queue, sessions and socket gone (as the server does).
        for (const id of account.devices.filter((d) => !ids.includes(d))) {
          this.devices.delete(id);
          for (const [token, owner] of this.tokens) if (owner === id) this.tokens.delete(token);
        }
        for (const id of ids.filter((d) => !account.devices.includes(d))) this.devices.set(id, { username: list.username, queue: [], nextSeq: 1, keyPackages: [], lastResort: undefined, socket: undefined });
        account.devices = ids;
        account.deviceList = request.deviceList;
        for (const id of ids) if (id !== caller) this.devices.get(id)?.socket?.({ type: 'notice', notice: 'devices-changed', value: list.version });
        return { ok: true, body: { version: list.version } };
      }
      case 'create-link': {
        const linkId = new Uint8Array(randomBytes(16));
        const expiresAt = this.now + LINK_TTL_MS;
        this.links.set(toHex(linkId), { offer: request.offer, sealed: null, expiresAt });
        return { ok: true, body: json(linkCreatedJson({ linkId, expiresAt })) };
      }
      case 'get-link': {
        const link = this.links.get(toHex(request.linkId));
        if (link === undefined || link.expiresAt <= this.now) return { ok: false, status: 404, code: 'not-found' };
        if (link.sealed !== null) this.links.delete(toHex(request.linkId));
        return { ok: true, body: json(linkStateJson(link)) };
      }
      case 'seal-link': {
        if (caller === undefined || !this.devices.has(caller)) return { ok: false, status: 401, code: 'unauthorized' };
        const link = this.links.get(toHex(request.linkId));
        if (link === undefined || link.expiresAt <= this.now) return { ok: false, status: 404, code: 'not-found' };
        if (link.sealed !== null) return { ok: false, status: 403, code: 'forbidden' };
        link.sealed = request.sealed;
        return { ok: true, body: {} };
      }
      case 'claim-key-packages': {
        const account = this.accounts.get(request.username);
        if (account === undefined) return { ok: false, status: 404, code: 'not-found' };
        const keyPackages = [];
        for (const id of account.devices) {
          const device = this.devices.get(id)!;
          const kp = device.keyPackages.shift();
          if (kp !== undefined) keyPackages.push({ deviceId: fromHex(id)!, keyPackage: kp, lastResort: false });
          else if (device.lastResort !== undefined) keyPackages.push({ deviceId: fromHex(id)!, keyPackage: device.lastResort, lastResort: true });
          else continue; // as the real relay: a device nothing was claimed from is not told
          if (device.keyPackages.length <= KEY_PACKAGES_LOW_MARK) device.socket?.({ type: 'notice', notice: 'key-packages-low', value: device.keyPackages.length });
        }
        return { ok: true, body: json(claimResponseJson({ keyPackages })) };
      }
    }
  }

  private session(deviceId: string): HttpOutcome {
    const token = new Uint8Array(randomBytes(32));
    this.tokens.set(toHex(token), deviceId);
    return { ok: true, body: json(sessionResponseJson({ accountId: new Uint8Array(16), deviceId: fromHex(deviceId)!, token, expiresAt: this.now + 3_600_000 })) };
  }

  connect(token: Uint8Array, socket: (frame: ServerFrame) => void): void {
    const deviceId = this.tokens.get(toHex(token));
    if (deviceId === undefined) throw new Error('fake relay: unknown token');
    const device = this.devices.get(deviceId)!;
    device.socket = socket;
    socket({ type: 'ready', deviceId: fromHex(deviceId)!, queued: device.queue.length });
    if (device.queue.length > 0) socket({ type: 'deliver', entries: [...device.queue] });
  }

  disconnect(deviceId: string): void {
    const device = this.devices.get(deviceId);
    if (device !== undefined) device.socket = undefined;
  }

  frame(deviceId: string, frame: ClientFrame): void {
    const device = this.devices.get(deviceId);
    if (device === undefined) return; // a removed device: its socket is closed
    if (frame.type === 'ack') {
      const acked = new Set(frame.seqs);
      for (let i = device.queue.length - 1; i >= 0; i--) if (acked.has(device.queue[i]!.seq)) device.queue.splice(i, 1);
      return;
    }
    if (frame.type !== 'send') return;
    const reply = (f: ServerFrame) => device.socket?.(f);
    const idKey = `${deviceId}:${toHex(frame.clientMessageId)}`;
    const group = toHex(frame.groupId);
    const current = this.epochs.get(group) ?? 0;
    const seen = this.seenClientIds.get(idKey);
    if (seen !== undefined) return reply({ type: 'sent', requestId: frame.requestId, epoch: seen, duplicate: true });
    if (frame.kind === 'commit' && frame.epoch !== current) return reply({ type: 'error', requestId: frame.requestId, code: 'stale-epoch', value: current });
    // As the real relay (server storage/queue.ts isStaleApplication): no member could decrypt it.
    if (frame.kind === 'application' && current - frame.epoch > MAX_APPLICATION_EPOCH_LAG) return reply({ type: 'error', requestId: frame.requestId, code: 'stale-epoch', value: current });
    const recipients = frame.recipients.map(toHex);
    const missing = recipients.findIndex((r) => !this.devices.has(r));
    if (missing >= 0) return reply({ type: 'error', requestId: frame.requestId, code: 'unknown-recipient', value: missing });
    const epoch = frame.kind === 'commit' ? current + 1 : current;
    this.epochs.set(group, epoch);
    this.seenClientIds.set(idKey, epoch);
    const payload = frame.payload.slice();
    for (const r of recipients) {
      const target = this.devices.get(r)!;
      const entry: DeliveredEntry = { seq: target.nextSeq++, kind: frame.kind, receivedAt: this.now, payload };
      target.queue.push(entry);
      target.socket?.({ type: 'deliver', entries: [entry] });
      if (this.duplicateDeliveries) target.socket?.({ type: 'deliver', entries: [entry] });
    }
    reply({ type: 'sent', requestId: frame.requestId, epoch, duplicate: false });
  }
}

/** The relay's JSON through a real serialise/parse round trip, as the transport would see it. */
function json(value: object): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}
