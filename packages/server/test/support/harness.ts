/**
 * Test harness: an in-process server on 127.0.0.1 port 0 with a real SQLite file in a temp
 * dir, plus an HTTP helper and registration shortcuts. Tests talk to it over real sockets.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authSigningInput, registrationSigningInput } from '@sealed/protocol/auth';
import { toBase64Url, toHex } from '@sealed/protocol/encoding';
import { parseChallengeResponse, parseSessionResponse } from '@sealed/protocol/http';
import { startServer, type RunningServer, type StartOptions } from '../../src/app.ts';
import { parseConfig, type Config } from '../../src/config.ts';
import { memoryLogger } from '../../src/log.ts';
import { ed25519, newTestDevice, signedDeviceList, signWith, type Ed25519Key, type TestDevice } from './identity.ts';

export interface Harness {
  readonly server: RunningServer;
  readonly dir: string;
  readonly config: Config;
  readonly logLines: string[];
  /** Stops the server (if still running) and deletes the temp dir. */
  cleanup(): Promise<void>;
}

/** Extra flags override the test defaults (high rate limits, short timeouts). */
export async function startHarness(flags: string[] = [], options: StartOptions & { dir?: string } = {}): Promise<Harness> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'sealed-server-test-'));
  const config = parseConfig(
    ['--port', '0', '--data-dir', dir, '--register-per-minute', '100000', '--claim-per-minute', '100000', '--log-level', 'debug', ...flags],
    {},
  );
  const log = memoryLogger();
  const server = await startServer(config, { log, ...options });
  return {
    server,
    dir,
    config,
    logLines: log.lines,
    cleanup: async () => {
      await server.close();
      if (options.dir === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface HttpResult {
  readonly status: number;
  readonly json: unknown;
  readonly headers: Headers;
}

export async function http(base: string, method: string, path: string, body?: unknown, token?: Uint8Array, extra: Record<string, string> = {}): Promise<HttpResult> {
  const headers: Record<string, string> = { ...extra };
  if (body !== undefined && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
  if (token !== undefined) headers['authorization'] = `Bearer ${toBase64Url(token)}`;
  const res = await fetch(base + path, { method, headers, body: body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON (metrics, attachments)
  }
  return { status: res.status, json, headers: res.headers };
}

/** The `error.code` of an error body. */
export function errorCode(result: HttpResult): string | undefined {
  return (result.json as { error?: { code?: string } }).error?.code;
}

export interface TestUser {
  readonly username: string;
  readonly identity: Ed25519Key;
  readonly devices: TestDevice[];
  readonly accountId: string;
  /** Device id (hex) -> session token. */
  readonly tokens: Map<string, Uint8Array>;
  listVersion: number;
}

export async function challenge(base: string): Promise<Uint8Array> {
  const res = await http(base, 'POST', '/v1/challenges');
  if (res.status !== 200) throw new Error(`challenge: ${res.status}`);
  return parseChallengeResponse(res.json).challenge;
}

export function registerBody(username: string, identity: Ed25519Key, device: TestDevice, ch: Uint8Array) {
  return {
    username,
    identityKey: toBase64Url(identity.publicKey),
    deviceList: toBase64Url(signedDeviceList(username, identity, 1, [device])),
    challenge: toBase64Url(ch),
    identitySignature: toBase64Url(signWith(identity, registrationSigningInput(ch, username))),
    deviceSignature: toBase64Url(signWith(device.key, authSigningInput(ch, device.id))),
  };
}

export async function register(base: string, username: string): Promise<TestUser> {
  const identity = ed25519();
  const device = newTestDevice();
  const res = await http(base, 'POST', '/v1/accounts', registerBody(username, identity, device, await challenge(base)));
  if (res.status !== 201) throw new Error(`register ${username}: ${res.status} ${JSON.stringify(res.json)}`);
  const session = parseSessionResponse(res.json);
  return { username, identity, devices: [device], accountId: toHex(session.accountId), tokens: new Map([[toHex(device.id), session.token]]), listVersion: 1 };
}

/** Signs in a device with a fresh challenge; returns its token. */
export async function signIn(base: string, device: TestDevice): Promise<Uint8Array> {
  const ch = await challenge(base);
  const res = await http(base, 'POST', '/v1/sessions', {
    deviceId: toHex(device.id),
    challenge: toBase64Url(ch),
    signature: toBase64Url(signWith(device.key, authSigningInput(ch, device.id))),
  });
  if (res.status !== 200) throw new Error(`sign-in: ${res.status} ${JSON.stringify(res.json)}`);
  return parseSessionResponse(res.json).token;
}

/** First device's token. */
export function tokenOf(user: TestUser, index = 0): Uint8Array {
  return user.tokens.get(toHex(user.devices[index]!.id))!;
}
