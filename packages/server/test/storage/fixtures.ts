/** Builders for storage conformance tests: random ids and small records. */
import { randomBytes } from 'node:crypto';
import type { NewAccount } from '../../src/storage/accounts.ts';
import type { Storage } from '../../src/storage/storage.ts';
import { DAY_MS, type AccountId, type DeviceId, type DeviceRecord, type GroupId, type MessageKind } from '../../src/storage/types.ts';
import type { EnqueueInput } from '../../src/storage/queue.ts';

/** Opens a fresh, empty storage. */
export type OpenStorage = () => Promise<Storage>;

/** Runs `fn` against a fresh storage and closes it whatever happens. */
export function withStorage(open: OpenStorage, fn: (storage: Storage) => Promise<void>): () => Promise<void> {
  return async () => {
    const storage = await open();
    try {
      await fn(storage);
    } finally {
      await storage.close();
    }
  };
}

export const NOW = 1_764_000_000_000;
export const TODAY = Math.floor(NOW / DAY_MS) * DAY_MS;

export function hexId<T extends string>(bytes = 16): T {
  return randomBytes(bytes).toString('hex') as T;
}

export function bytesOf(...values: number[]): Uint8Array {
  return new Uint8Array(values);
}

export function newDevice(accountId: AccountId): DeviceRecord {
  return { id: hexId<DeviceId>(), accountId, signatureKey: new Uint8Array(randomBytes(32)), createdDay: TODAY };
}

export function newAccount(username = `user${randomBytes(4).toString('hex')}`): NewAccount {
  const id = hexId<AccountId>();
  return {
    account: { id, username, identityKey: new Uint8Array(randomBytes(32)), createdDay: TODAY, lastSeenDay: TODAY },
    firstDevice: newDevice(id),
    deviceList: { version: 1, encoded: bytesOf(1, 2, 3) },
  };
}

/** Creates an account and returns it with its first device id. */
export async function createAccount(storage: Storage, username?: string): Promise<{ input: NewAccount; deviceId: DeviceId }> {
  const input = newAccount(username);
  await storage.accounts.createAccount(input);
  return { input, deviceId: input.firstDevice.id };
}

export function send(sender: DeviceId, recipients: DeviceId[], over: Partial<EnqueueInput> = {}): EnqueueInput {
  const now = over.now ?? NOW;
  return {
    senderDeviceId: sender,
    clientMessageId: hexId(),
    groupId: hexId<GroupId>(),
    epoch: 0,
    kind: 'application' as MessageKind,
    recipients,
    payload: bytesOf(9, 9, 9),
    now,
    receivedAt: now,
    maxQueuedPerDevice: 100,
    idempotencyTtlMs: DAY_MS,
    ...over,
  };
}
