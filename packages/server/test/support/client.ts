/**
 * A minimal Sealed client for whole-system tests against real server processes: registers
 * an account (real Ed25519 proofs through node:crypto), opens an authenticated WebSocket,
 * sends, collects deliveries and acknowledges them. Loopback only; every wait is bounded.
 */
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import WebSocket from 'ws';
import { authSigningInput, registrationSigningInput } from '@sealed/protocol/auth';
import { deviceListSigningInput, encodeDeviceListContent, encodeSignedDeviceList } from '@sealed/protocol/device-list';
import { fromBase64Url, toBase64Url, toHex } from '@sealed/protocol/encoding';
import { encodeClientFrame } from '@sealed/protocol/frames/client';
import { decodeServerFrame, type DeliveredEntry, type ErrorFrame, type SentFrame, type ServerFrame } from '@sealed/protocol/frames/server';
import type { MessageKind } from '@sealed/protocol/frames/header';

/** Upper bound on any single wait of this client (a reply, a delivery, a connection). */
export const CLIENT_WAIT_MS = 15_000;

export interface TestDevice {
  readonly username: string;
  readonly accountId: string;
  readonly deviceId: Uint8Array;
  readonly deviceIdHex: string;
  readonly deviceKey: KeyObject;
  token: Uint8Array;
}

function rawPublicKey(key: KeyObject): Uint8Array {
  const jwk = key.export({ format: 'jwk' });
  const bytes = fromBase64Url(String(jwk.x));
  if (bytes === undefined || bytes.length !== 32) throw new Error('unexpected Ed25519 public key encoding');
  return bytes;
}

function ed25519(data: Uint8Array, key: KeyObject): Uint8Array {
  return new Uint8Array(sign(null, data, key));
}

async function postJson(baseUrl: string, path: string, body: unknown, token?: Uint8Array): Promise<unknown> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== undefined) headers['authorization'] = `Bearer ${toBase64Url(token)}`;
  const response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(CLIENT_WAIT_MS) });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${path}: HTTP ${response.status} ${text.slice(0, 200)}`);
  return JSON.parse(text) as unknown;
}

async function challenge(baseUrl: string): Promise<Uint8Array> {
  const body = (await postJson(baseUrl, '/v1/challenges', {})) as { challenge: string };
  const bytes = fromBase64Url(body.challenge);
  if (bytes === undefined) throw new Error('bad challenge');
  return bytes;
}

/** Registers a fresh account with one device; returns the device with its session token. */
export async function registerDevice(baseUrl: string, username = `u${randomBytes(6).toString('hex')}`): Promise<TestDevice> {
  const identity = generateKeyPairSync('ed25519');
  const device = generateKeyPairSync('ed25519');
  const identityKey = rawPublicKey(identity.publicKey);
  const deviceId = new Uint8Array(randomBytes(16));
  const content = encodeDeviceListContent({
    username,
    identityKey,
    version: 1,
    devices: [{ deviceId, signatureKey: rawPublicKey(device.publicKey) }],
  });
  const deviceList = encodeSignedDeviceList(content, ed25519(deviceListSigningInput(content), identity.privateKey));
  const c = await challenge(baseUrl);
  const body = (await postJson(baseUrl, '/v1/accounts', {
    username,
    identityKey: toBase64Url(identityKey),
    deviceList: toBase64Url(deviceList),
    challenge: toBase64Url(c),
    identitySignature: toBase64Url(ed25519(registrationSigningInput(c, username), identity.privateKey)),
    deviceSignature: toBase64Url(ed25519(authSigningInput(c, deviceId), device.privateKey)),
  })) as { accountId: string; token: string };
  const token = fromBase64Url(body.token);
  if (token === undefined) throw new Error('bad token');
  return { username, accountId: body.accountId, deviceId, deviceIdHex: toHex(deviceId), deviceKey: device.privateKey, token };
}

/** Signs a fresh challenge for a new session (e.g. on another node); updates `device.token`. */
export async function newSession(baseUrl: string, device: TestDevice): Promise<void> {
  const c = await challenge(baseUrl);
  const body = (await postJson(baseUrl, '/v1/sessions', {
    deviceId: device.deviceIdHex,
    challenge: toBase64Url(c),
    signature: toBase64Url(ed25519(authSigningInput(c, device.deviceId), device.deviceKey)),
  })) as { token: string };
  const token = fromBase64Url(body.token);
  if (token === undefined) throw new Error('bad token');
  device.token = token;
}

export interface SendOptions {
  readonly recipients: readonly Uint8Array[];
  readonly payload: Uint8Array;
  readonly groupId?: Uint8Array;
  readonly kind?: MessageKind;
  readonly epoch?: number;
  readonly clientMessageId?: Uint8Array;
}

/** An authenticated socket. Deliveries accumulate in `delivered` (in arrival order). */
export class TestSocket {
  readonly delivered: DeliveredEntry[] = [];
  /** Resolves when the socket closes, with the close code. */
  readonly closed: Promise<number>;
  queuedAtReady = 0;
  /** When set, every DELIVER frame is acknowledged as soon as it arrives. */
  autoAck = false;
  private nextRequestId = 1;
  private readonly pending = new Map<number, (frame: SentFrame | ErrorFrame) => void>();
  private readonly waiters = new Set<() => void>();

  private constructor(private readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => ws.once('close', (code) => {
      for (const [, reply] of this.pending) reply({ type: 'error', requestId: 0, code: 'unavailable', value: 0 });
      this.pending.clear();
      this.wake();
      resolve(code);
    }));
    ws.on('message', (data: Buffer) => this.onFrame(decodeServerFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))));
  }

  /**
   * Connects and authenticates; resolves after READY.
   * @throws when the server refuses or does not answer within CLIENT_WAIT_MS.
   */
  static async open(baseUrl: string, token: Uint8Array): Promise<TestSocket> {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/v1/ws`, { handshakeTimeout: CLIENT_WAIT_MS });
    const socket = new TestSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no READY')), CLIENT_WAIT_MS);
      socket.onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      void socket.closed.then((code) => reject(new Error(`closed before READY (${code})`)));
    });
    ws.send(encodeClientFrame({ type: 'auth', token }));
    await ready;
    return socket;
  }

  private onReady: (() => void) | undefined;

  private onFrame(frame: ServerFrame): void {
    if (frame.type === 'ready') {
      this.queuedAtReady = frame.queued;
      this.onReady?.();
    } else if (frame.type === 'deliver') {
      for (const entry of frame.entries) this.delivered.push({ ...entry, payload: entry.payload.slice() });
      if (this.autoAck && this.ws.readyState === WebSocket.OPEN) this.ack(frame.entries.map((e) => e.seq));
      this.wake();
    } else if (frame.type === 'sent' || frame.type === 'error') {
      const reply = this.pending.get(frame.requestId);
      if (reply !== undefined) {
        this.pending.delete(frame.requestId);
        reply(frame);
      }
    }
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  /** Sends and resolves with the server's SENT or ERROR answer (an ERROR 'unavailable' if the socket dies first). */
  send(options: SendOptions): Promise<SentFrame | ErrorFrame> {
    const requestId = this.nextRequestId++;
    const frame = encodeClientFrame({
      type: 'send',
      requestId,
      clientMessageId: options.clientMessageId ?? new Uint8Array(randomBytes(16)),
      kind: options.kind ?? 'application',
      epoch: options.epoch ?? 0,
      groupId: options.groupId ?? Uint8Array.of(1),
      recipients: options.recipients,
      payload: options.payload,
    });
    return new Promise((resolve) => {
      this.pending.set(requestId, resolve);
      if (this.ws.readyState !== WebSocket.OPEN) {
        this.pending.delete(requestId);
        resolve({ type: 'error', requestId, code: 'unavailable', value: 0 });
        return;
      }
      this.ws.send(frame);
    });
  }

  ack(seqs: readonly number[]): void {
    if (seqs.length > 0) this.ws.send(encodeClientFrame({ type: 'ack', seqs }));
  }

  /**
   * Resolves once `predicate(delivered)` holds.
   * @throws after `timeoutMs`, or when the socket closes first.
   */
  waitFor(predicate: (delivered: readonly DeliveredEntry[]) => boolean, what: string, timeoutMs = CLIENT_WAIT_MS): Promise<void> {
    if (predicate(this.delivered)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = (error?: Error) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        if (error) reject(error);
        else resolve();
      };
      const check = () => {
        if (predicate(this.delivered)) done();
        else if (this.ws.readyState === WebSocket.CLOSED) done(new Error(`socket closed while waiting for ${what} (have ${this.delivered.length})`));
      };
      const timer = setTimeout(() => done(new Error(`timed out waiting for ${what} (have ${this.delivered.length})`)), timeoutMs);
      this.waiters.add(check);
    });
  }

  close(): void {
    this.ws.close();
  }

  /** Drops the TCP connection without a closing handshake (as a crashed client would). */
  terminate(): void {
    this.ws.terminate();
  }
}
