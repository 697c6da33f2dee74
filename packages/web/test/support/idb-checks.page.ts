/**
 * Runs inside Chromium (bundled by idb-storage.browser.test.ts): the IndexedDB vault storage
 * and record back end against the same contract the memory and SQLite back ends meet
 * (packages/client/test/store/conformance.ts, which needs node:test and cannot run here).
 * Each check throws on failure; the result is the list of passed check names.
 */
import { RecordKind } from '@sealed/client/store/backend';
import { VaultError } from '@sealed/client/vault/errors';
import { Vault } from '@sealed/client/vault/vault';
import { nobleProvider } from '@sealed/crypto/noble/provider';
import { IndexedDbVaultStorage } from '../../src/host/idb-vault-storage.ts';

const enc = (text: string) => new TextEncoder().encode(text);
const dec = (bytes: Uint8Array | undefined) => (bytes === undefined ? undefined : new TextDecoder().decode(bytes));
const WEAK = { memoryKiB: 8, iterations: 1, parallelism: 1 };

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`check failed: ${what}`);
}

async function rejectsWith(promise: Promise<unknown>, code: string, what: string): Promise<void> {
  try {
    await promise;
  } catch (error) {
    check(error instanceof VaultError && error.code === code, `${what}: ${String(error)}`);
    return;
  }
  throw new Error(`check failed: ${what} did not reject`);
}

export async function runChecks(): Promise<string[]> {
  const passed: string[] = [];
  const storage = new IndexedDbVaultStorage(`sealed-conformance-${Date.now()}`);
  const col = enc('c1');
  const backend = await storage.openRecords();

  await backend.put(RecordKind.message, col, enc('a'), enc('A1'));
  await backend.put(RecordKind.message, col, enc('b'), enc('B1'));
  await backend.put(RecordKind.message, col, enc('a'), enc('A2'));
  check(dec(await backend.get(RecordKind.message, col, enc('a'))) === 'A2', 'replace');
  const rows = await backend.list(RecordKind.message, col, 0, 10);
  check(rows.map((r) => dec(r.value)).join() === 'A2,B1', 'a replaced row keeps its place');
  check(rows[0]!.seq < rows[1]!.seq, 'seq ascending');
  const after = await backend.list(RecordKind.message, col, rows[0]!.seq, 10);
  check(after.length === 1 && dec(after[0]!.value) === 'B1', 'list after a cursor');
  check((await backend.list(RecordKind.message, col, 0, 1)).length === 1, 'limit');
  check((await backend.get(RecordKind.conversation, col, enc('a'))) === undefined, 'kinds are separate');
  check((await backend.list(RecordKind.message, enc('c2'), 0, 10)).length === 0, 'collections are separate');
  passed.push('put, replace (keeps order), get, list with cursor and limit, kinds and collections apart');

  check((await backend.delete(RecordKind.message, col, enc('a'))) === true, 'delete existing');
  check((await backend.delete(RecordKind.message, col, enc('a'))) === false, 'delete missing');
  await backend.put(RecordKind.message, col, enc('c'), enc('C'));
  check((await backend.deleteCollection(RecordKind.message, col)) === 2, 'deleteCollection count');
  check((await backend.list(RecordKind.message, col, 0, 10)).length === 0, 'collection empty');
  passed.push('delete and deleteCollection');

  await backend.close();
  await rejectsWith(backend.get(RecordKind.message, col, enc('a')), 'locked', 'closed handle');
  passed.push('a closed handle refuses with locked');

  await storage.writeHeader(enc('header-1'));
  check(dec(await storage.readHeader()) === 'header-1', 'header round trip');
  const order: number[] = [];
  await Promise.all([1, 2, 3].map((n) => storage.exclusive(async () => {
    order.push(n);
    await new Promise((r) => setTimeout(r, 10));
    order.push(-n);
  })));
  check(order.join() === '1,-1,2,-2,3,-3', `exclusive runs one task at a time (${order.join()})`);
  passed.push('header and exclusive lock');

  const fresh = new IndexedDbVaultStorage(`sealed-vault-conformance-${Date.now()}`);
  const vault = await Vault.create({ provider: nobleProvider, storage: fresh, passcode: 'right', argon2: WEAK, maxAttempts: 3, allowWeakParametersForTests: true });
  await vault.stores().messages.put(enc('conv'), enc('m1'), { version: 1, data: enc('secret text') });
  const raw = await fresh.openRecords();
  const stored = await raw.list(RecordKind.message, new Uint8Array(32), 0, 10);
  check(stored.length === 0, 'the collection id is a tag, not the id');
  await vault.lock();
  const reopened = await Vault.open({ provider: nobleProvider, storage: fresh, allowWeakParametersForTests: true });
  await reopened.unlock('right');
  const back = await reopened.stores().messages.get(enc('conv'), enc('m1'));
  check(dec(back?.data) === 'secret text', 'record survives lock and unlock');
  await reopened.lock();
  passed.push('vault over IndexedDB: records encrypted, restored after lock/unlock');

  const again = await Vault.open({ provider: nobleProvider, storage: fresh, allowWeakParametersForTests: true });
  await rejectsWith(again.unlock('wrong'), 'wrong-passcode', 'first wrong');
  await rejectsWith(again.unlock('wrong'), 'wrong-passcode', 'second wrong');
  await rejectsWith(again.unlock('wrong'), 'wiped', 'third wrong wipes');
  await rejectsWith(Vault.open({ provider: nobleProvider, storage: fresh, allowWeakParametersForTests: true }), 'wiped', 'stays wiped');
  const left = await (await fresh.openRecords()).list(RecordKind.message, new Uint8Array(0), 0, 10);
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const open = indexedDB.open(fresh.name);
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  const count = await new Promise<number>((resolve, reject) => {
    const request = db.transaction('records').objectStore('records').count();
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  check(left.length === 0 && count === 0, `no record left after the wipe (${count})`);
  passed.push('attempt limit wipes header and records');
  return passed;
}

(window as unknown as { __checks: Promise<string[]> }).__checks = runChecks();
