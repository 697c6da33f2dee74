/**
 * What the web client keeps about key transparency between unlocks, as one encrypted vault
 * setting: the SDK's TransparencyState (retained checkpoint, own label states, own
 * published values) and our account id once monitoring learnt it. JSON with hex bytes:
 * small (a checkpoint, two labels, at most OwnChanges.MAX values) and easy to check.
 *
 * It is read back from our own vault (AEAD-authenticated), but it is still parsed strictly:
 * a record that does not decode is dropped (monitoring starts again from the log's history)
 * rather than trusted half-way.
 */
import type { TransparencyState } from '@sealed/client/transparency/transparency-client';
import { OwnChanges } from '@sealed/client/transparency/owner-monitor';
import { fromHex, toHex } from '@sealed/protocol/encoding';

export const TRANSPARENCY_RECORD_VERSION = 1;
/** Own labels are two (username and account). */
const MAX_OWN_LABELS = 2;
/** Longest hex field: a signed device list value is at most a few KiB; 64 KiB bounds it. */
const MAX_HEX_CHARS = 131_072;

export interface TransparencyRecord {
  readonly state: TransparencyState;
  /** Our account id (hex), from the username label's logged value. */
  readonly accountId: string | undefined;
}

export class TransparencyRecordError extends Error {
  override readonly name = 'TransparencyRecordError';
}

export function encodeTransparencyRecord(record: TransparencyRecord): Uint8Array {
  const { checkpoint, ownLabels, ownValues } = record.state;
  const json = {
    accountId: record.accountId ?? null,
    checkpoint:
      checkpoint === undefined
        ? null
        : { treeSize: checkpoint.treeSize, timestamp: checkpoint.timestamp, root: toHex(checkpoint.root), prefixRoot: toHex(checkpoint.prefixRoot), signature: toHex(checkpoint.signature) },
    ownLabels: ownLabels.map((s) => ({ label: toHex(s.label), knownVersion: s.knownVersion ?? null, knownValue: s.knownValue === undefined ? null : toHex(s.knownValue) })),
    ownValues: ownValues.map((v) => toHex(v)),
  };
  return new TextEncoder().encode(JSON.stringify(json));
}

function bytes(value: unknown, what: string): Uint8Array {
  if (typeof value !== 'string' || value.length > MAX_HEX_CHARS) throw new TransparencyRecordError(`${what}: not a bounded hex string`);
  const out = fromHex(value);
  if (out === undefined) throw new TransparencyRecordError(`${what}: not hex`);
  return out;
}

function count(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new TransparencyRecordError(`${what}: not a count`);
  return value;
}

function object(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TransparencyRecordError(`${what}: not an object`);
  return value as Record<string, unknown>;
}

function list(value: unknown, max: number, what: string): unknown[] {
  if (!Array.isArray(value) || value.length > max) throw new TransparencyRecordError(`${what}: not a list of at most ${max}`);
  return value;
}

/** @throws TransparencyRecordError for anything but a record this module wrote. */
export function decodeTransparencyRecord(data: Uint8Array): TransparencyRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
  } catch {
    throw new TransparencyRecordError('not JSON');
  }
  const o = object(parsed, 'record');
  const c = o['checkpoint'] === null ? undefined : object(o['checkpoint'], 'checkpoint');
  const checkpoint =
    c === undefined
      ? undefined
      : { treeSize: count(c['treeSize'], 'treeSize'), timestamp: count(c['timestamp'], 'timestamp'), root: bytes(c['root'], 'root'), prefixRoot: bytes(c['prefixRoot'], 'prefixRoot'), signature: bytes(c['signature'], 'signature') };
  const ownLabels = list(o['ownLabels'], MAX_OWN_LABELS, 'ownLabels').map((entry) => {
    const s = object(entry, 'own label');
    return {
      label: bytes(s['label'], 'label'),
      ...(s['knownVersion'] === null ? {} : { knownVersion: count(s['knownVersion'], 'knownVersion') }),
      ...(s['knownValue'] === null ? {} : { knownValue: bytes(s['knownValue'], 'knownValue') }),
    };
  });
  const ownValues = list(o['ownValues'], OwnChanges.MAX, 'ownValues').map((v) => bytes(v, 'own value'));
  const accountId = o['accountId'] === null ? undefined : toHex(bytes(o['accountId'], 'accountId'));
  return { state: { checkpoint, ownLabels, ownValues }, accountId };
}
