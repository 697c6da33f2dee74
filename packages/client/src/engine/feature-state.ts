/**
 * State of the conversation features (names, disappearing timers, receipts, leaving,
 * verified contacts) beside the engine's core state, and its records. It is kept in
 * WeakMaps keyed by the engine's own objects, so the core files only call in here.
 *
 *   conversation meta record = [
 *     version: 2,                                                 ; version 1 (without the last two) still loads
 *     name: tstr, topic: tstr, disappearAfterSeconds: uint,
 *     expiries: [* [messageId bstr .size 32, expiresAt uint]],   ; at most MAX_PENDING_EXPIRIES
 *     leaving: bool,
 *     outgoing: [* [messageId bstr .size 32, sent bool, deliveredTo [* tstr], readBy [* tstr]]],
 *     incoming: [* messageId bstr .size 32],                      ; both: the latest MAX_PERSISTED_RECEIPTS
 *     stamps: [name stamp, topic stamp, timer stamp],            ; stamp = [sentAt uint, deviceId tstr] / null
 *   ]
 *   device meta record = [
 *     version: 1,
 *     receipts: bool,
 *     verified: [* [username tstr, identityKey bstr]],            ; at most MAX_VERIFIED_CONTACTS
 *   ]
 *
 * Both are handed to the host as `save` actions of record 'meta' (keys: the conversation
 * id, or DEVICE_META_KEY) and encrypted by the vault like every record. Receipt state of
 * the latest MAX_PERSISTED_RECEIPTS messages each way is kept, so a host that restarts
 * between sending and the receipts (the CLI runs one command at a time) still reports them.
 * `META_RECORD_VERSION` is the version of the vault envelope; each record carries its own.
 */
import { fromHex, toHex } from '@sealed/protocol/encoding';
import { decodeCbor } from '../content/cbor-decode.ts';
import { encodeCbor, encodeCborArrayOfEncoded } from '../content/cbor-encode.ts';
import { ContentError } from '../content/cbor-errors.ts';
import type { CborValue } from '../content/cbor-value.ts';
import { MAX_CONVERSATION_NAME_BYTES, MAX_CONVERSATION_TOPIC_BYTES, MAX_DISAPPEAR_AFTER_SECONDS } from '../content/conversation-settings.ts';
import type { Action } from './actions.ts';
import type { Conversation } from './conversation.ts';
import type { EngineCore } from './core.ts';
import { SnapshotError } from './snapshot.ts';

export const META_RECORD_VERSION = 1;
const CONVERSATION_META_VERSION = 2;
const DEVICE_META_VERSION = 1;
export const DEVICE_META_KEY = 'device';

/**
 * Messages waiting to disappear per conversation. A busy conversation with a one-week timer
 * stays far below 20 000; beyond it the oldest expire at once (early deletion is the safe
 * side for a disappearing message).
 */
export const MAX_PENDING_EXPIRIES = 20_000;
/** Outgoing messages whose receipts are tracked per conversation (the most recent ones). */
export const MAX_TRACKED_OUTGOING = 1024;
/** Message authors remembered per conversation for checking edits and deletes (as many as ids seen, MAX_SEEN_MESSAGE_IDS). */
export const MAX_TRACKED_AUTHORS = 4096;
/** Contacts marked verified on this device. */
export const MAX_VERIFIED_CONTACTS = 10_000;
/**
 * Receipt state saved per conversation: the latest 256 outgoing and incoming messages. A
 * receipt for an older message after a restart is ignored (the message is long seen).
 */
export const MAX_PERSISTED_RECEIPTS = 256;
/** Accounts named per saved status: the relay's recipient bound (1024 devices) cannot name more accounts. */
export const MAX_STATUS_ACCOUNTS = 1024;
/**
 * Largest meta record we load: MAX_PENDING_EXPIRIES entries of ~45 bytes (0.9 MiB) plus
 * MAX_PERSISTED_RECEIPTS statuses naming up to 64 accounts each (~0.6 MiB), rounded up.
 */
export const MAX_META_RECORD_BYTES = 4 * 1024 * 1024;

/** What the sending device knows of one of its messages. */
export interface OutgoingStatus {
  sent: boolean;
  /** Accounts (not us) that reported delivery, then reading. */
  readonly deliveredTo: Set<string>;
  readonly readBy: Set<string>;
}

/**
 * Which change of a setting won (last writer wins, conversation-features.ts): the change's
 * sentAt, ties broken by the sender's device id. Every device keeps the greatest stamp per
 * field, so all converge on the same value whatever order the changes arrive in.
 */
export interface SettingStamp {
  readonly at: number;
  readonly device: string;
}

export interface ConversationMeta {
  /** Stamps of the current name, topic and timer (undefined: never set). */
  readonly stamps: { name?: SettingStamp | undefined; topic?: SettingStamp | undefined; timer?: SettingStamp | undefined };
  name: string;
  topic: string;
  /** 0: off. */
  disappearAfterSeconds: number;
  /** Message id (hex) -> when it expires (ms since the Unix epoch). */
  readonly expiries: Map<string, number>;
  readonly outgoing: Map<string, OutgoingStatus>;
  /** Ids of messages received from other accounts, for read receipts (bounded like outgoing). */
  readonly incoming: Set<string>;
  /** Author (account) of recent messages by id: an edit or delete must come from the same account. */
  readonly authors: Map<string, string>;
  /** Ids of our control messages (receipts, settings): their `sent` reports are not for the UI. */
  readonly control: Set<string>;
  /** A leave was asked: our Remove proposal is out, we wait for a member to commit it. */
  leaving: boolean;
  /** The epoch our Remove proposal was made in (proposed again in each later epoch). */
  leaveEpoch: bigint | undefined;
}

export interface DeviceMeta {
  receipts: boolean;
  /** Username -> identity key the user verified (safety number compared). */
  readonly verified: Map<string, Uint8Array>;
  /** Delivery receipts to send after the current batch of entries, per conversation id. */
  readonly pendingDelivered: Map<string, Uint8Array[]>;
  /** Usernames already warned of an identity change (one warning per offer). */
  readonly warned: Set<string>;
}

const conversationMetas = new WeakMap<Conversation, ConversationMeta>();
const deviceMetas = new WeakMap<EngineCore, DeviceMeta>();

export function metaOf(conversation: Conversation): ConversationMeta {
  let meta = conversationMetas.get(conversation);
  if (meta === undefined) {
    meta = { stamps: {}, name: '', topic: '', disappearAfterSeconds: 0, expiries: new Map(), outgoing: new Map(), incoming: new Set(), authors: new Map(), control: new Set(), leaving: false, leaveEpoch: undefined };
    conversationMetas.set(conversation, meta);
  }
  return meta;
}

export function deviceMetaOf(core: EngineCore): DeviceMeta {
  let meta = deviceMetas.get(core);
  if (meta === undefined) {
    meta = { receipts: true, verified: new Map(), pendingDelivered: new Map(), warned: new Set() };
    deviceMetas.set(core, meta);
  }
  return meta;
}

/** `lazy`: see the 'save' action (receipt state and expiries of shown messages). */
/**
 * Encodings of the entries of a conversation's meta record that did not change since the
 * last save, by entry id: the record is written after every message, and encoding its
 * hundreds of receipt entries each time cost milliseconds per message.
 */
interface EncodedEntries {
  expiries: Map<string, { readonly at: number; readonly bytes: Uint8Array }>;
  outgoing: Map<string, { readonly state: string; readonly bytes: Uint8Array }>;
  incoming: Map<string, Uint8Array>;
}
const encodedEntries = new WeakMap<ConversationMeta, EncodedEntries>();

/** The last `count` entries of an insertion-ordered collection, without copying the rest. */
function lastOf<T>(items: Iterable<T>, size: number, count: number): T[] {
  const out: T[] = [];
  let skip = size - count;
  for (const item of items) {
    if (skip-- > 0) continue;
    out.push(item);
  }
  return out;
}

export function saveConversationMeta(conversation: Conversation, lazy = false): Action {
  if (!lazy) return { type: 'save', record: 'meta', key: conversation.id, bytes: encodeConversationMeta(conversation) };
  // Lazy: encoded when the transport reads it, which is after the step's displays and frames
  // (transport/node-transport.ts), so a message is shown or sent before this record of
  // hundreds of receipt entries is built. The state it encodes is the latest by then.
  let bytes: Uint8Array | undefined;
  return {
    type: 'save',
    record: 'meta',
    key: conversation.id,
    lazy,
    get bytes(): Uint8Array {
      return (bytes ??= encodeConversationMeta(conversation));
    },
  };
}

function encodeConversationMeta(conversation: Conversation): Uint8Array {
  const meta = metaOf(conversation);
  const old = encodedEntries.get(meta) ?? { expiries: new Map(), outgoing: new Map(), incoming: new Map() };
  const next: EncodedEntries = { expiries: new Map(), outgoing: new Map(), incoming: new Map() };
  for (const [id, at] of meta.expiries) {
    const cached = old.expiries.get(id);
    next.expiries.set(id, cached !== undefined && cached.at === at ? cached : { at, bytes: encodeCbor([fromHex(id)!, at]) });
  }
  for (const [id, s] of lastOf(meta.outgoing, meta.outgoing.size, MAX_PERSISTED_RECEIPTS)) {
    // Both sets only grow, so their sizes and the flag identify the entry's state.
    const state = `${s.sent}:${s.deliveredTo.size}:${s.readBy.size}`;
    const cached = old.outgoing.get(id);
    next.outgoing.set(id, cached !== undefined && cached.state === state ? cached : { state, bytes: encodeCbor([fromHex(id)!, s.sent, [...s.deliveredTo], [...s.readBy]]) });
  }
  for (const id of lastOf(meta.incoming, meta.incoming.size, MAX_PERSISTED_RECEIPTS)) next.incoming.set(id, old.incoming.get(id) ?? encodeCbor(fromHex(id)!));
  encodedEntries.set(meta, next);
  const stamp = (s: SettingStamp | undefined): CborValue => (s === undefined ? null : [s.at, s.device]);
  const stamps: CborValue = [stamp(meta.stamps.name), stamp(meta.stamps.topic), stamp(meta.stamps.timer)];
  return encodeCborArrayOfEncoded([
    encodeCbor(CONVERSATION_META_VERSION),
    encodeCbor(meta.name),
    encodeCbor(meta.topic),
    encodeCbor(meta.disappearAfterSeconds),
    encodeCborArrayOfEncoded([...next.expiries.values()].map((e) => e.bytes)),
    encodeCbor(meta.leaving),
    encodeCborArrayOfEncoded([...next.outgoing.values()].map((e) => e.bytes)),
    encodeCborArrayOfEncoded([...next.incoming.values()]),
    encodeCbor(stamps),
  ]);
}

export function saveDeviceMeta(core: EngineCore): Action {
  const meta = deviceMetaOf(core);
  const verified: CborValue[] = [...meta.verified].map(([username, key]) => [username, key]);
  return { type: 'save', record: 'meta', key: DEVICE_META_KEY, bytes: encodeCbor([DEVICE_META_VERSION, meta.receipts, verified]) };
}

function malformed(detail: string): SnapshotError {
  return new SnapshotError('malformed-record', `meta: ${detail}`);
}

function items(bytes: Uint8Array, versions: Readonly<Record<number, number>>): readonly CborValue[] {
  let value: CborValue;
  try {
    value = decodeCbor(bytes, MAX_META_RECORD_BYTES);
  } catch (error) {
    if (error instanceof ContentError) throw malformed(`cbor ${error.code}`);
    throw error;
  }
  if (!Array.isArray(value) || value.length === 0) throw malformed('not an array');
  const list = value as readonly CborValue[];
  const length = typeof list[0] === 'number' ? versions[list[0]] : undefined;
  if (length === undefined) throw new SnapshotError('unknown-version', `meta version ${String(list[0])}`);
  if (list.length !== length) throw malformed('wrong field count');
  return list;
}

function pairs(value: CborValue | undefined, max: number, what: string): (readonly CborValue[])[] {
  if (!Array.isArray(value)) throw malformed(`${what} is not an array`);
  if (value.length > max) throw malformed(`${what}: ${value.length} entries`);
  return (value as readonly CborValue[]).map((p) => {
    if (!Array.isArray(p) || p.length !== 2) throw malformed(`${what} entry`);
    return p as readonly CborValue[];
  });
}

const utf8 = new TextEncoder();

function names(value: CborValue | undefined): string[] {
  if (!Array.isArray(value) || value.length > MAX_STATUS_ACCOUNTS) throw malformed('account list');
  return (value as readonly CborValue[]).map((n) => {
    if (typeof n !== 'string' || n.length === 0 || n.length > 64) throw malformed('account name');
    return n;
  });
}

/**
 * Loads a conversation meta record into `conversation`.
 * @throws SnapshotError('unknown-version' | 'malformed-record')
 */
export function loadConversationMeta(conversation: Conversation, bytes: Uint8Array): void {
  const fields = items(bytes, { 1: 6, 2: 9 });
  const [, name, topic, timer, expiries, leaving] = fields;
  if (typeof name !== 'string' || utf8.encode(name).length > MAX_CONVERSATION_NAME_BYTES) throw malformed('name');
  if (typeof topic !== 'string' || utf8.encode(topic).length > MAX_CONVERSATION_TOPIC_BYTES) throw malformed('topic');
  if (typeof timer !== 'number' || timer < 0 || timer > MAX_DISAPPEAR_AFTER_SECONDS) throw malformed('timer');
  if (typeof leaving !== 'boolean') throw malformed('leaving');
  const loaded = new Map<string, number>();
  for (const [id, at] of pairs(expiries, MAX_PENDING_EXPIRIES, 'expiries')) {
    if (!(id instanceof Uint8Array) || id.length !== 32 || typeof at !== 'number' || at < 0) throw malformed('expiry entry');
    loaded.set(toHex(id), at);
  }
  const outgoing = new Map<string, { sent: boolean; deliveredTo: Set<string>; readBy: Set<string> }>();
  const incoming: string[] = [];
  let stamps: (SettingStamp | undefined)[] = [undefined, undefined, undefined];
  if (fields.length === 9) {
    const savedStamps = fields[8];
    if (!Array.isArray(savedStamps) || savedStamps.length !== 3) throw malformed('stamps');
    stamps = (savedStamps as readonly CborValue[]).map((s) => {
      if (s === null) return undefined;
      if (!Array.isArray(s) || s.length !== 2 || typeof s[0] !== 'number' || s[0] < 0 || typeof s[1] !== 'string' || s[1].length > 64) throw malformed('stamp');
      return { at: s[0] as number, device: s[1] as string };
    });
    const saved = fields[6];
    if (!Array.isArray(saved) || saved.length > MAX_PERSISTED_RECEIPTS) throw malformed('outgoing');
    for (const entry of saved as readonly CborValue[]) {
      if (!Array.isArray(entry) || entry.length !== 4) throw malformed('outgoing entry');
      const [id, sent, deliveredTo, readBy] = entry as readonly CborValue[];
      if (!(id instanceof Uint8Array) || id.length !== 32 || typeof sent !== 'boolean') throw malformed('outgoing entry');
      outgoing.set(toHex(id), { sent, deliveredTo: new Set(names(deliveredTo)), readBy: new Set(names(readBy)) });
    }
    const ids = fields[7];
    if (!Array.isArray(ids) || ids.length > MAX_PERSISTED_RECEIPTS) throw malformed('incoming');
    for (const id of ids as readonly CborValue[]) {
      if (!(id instanceof Uint8Array) || id.length !== 32) throw malformed('incoming entry');
      incoming.push(toHex(id));
    }
  }
  const meta = metaOf(conversation);
  meta.stamps.name = stamps[0];
  meta.stamps.topic = stamps[1];
  meta.stamps.timer = stamps[2];
  meta.outgoing.clear();
  for (const [id, status] of outgoing) meta.outgoing.set(id, status);
  meta.incoming.clear();
  for (const id of incoming) meta.incoming.add(id);
  meta.name = name;
  meta.topic = topic;
  meta.disappearAfterSeconds = timer;
  meta.leaving = leaving;
  meta.expiries.clear();
  for (const [id, at] of loaded) meta.expiries.set(id, at);
}

/**
 * Loads the device meta record.
 * @throws SnapshotError('unknown-version' | 'malformed-record')
 */
export function loadDeviceMeta(core: EngineCore, bytes: Uint8Array): void {
  const [, receipts, verified] = items(bytes, { 1: 3 });
  if (typeof receipts !== 'boolean') throw malformed('receipts');
  const loaded = new Map<string, Uint8Array>();
  for (const [username, key] of pairs(verified, MAX_VERIFIED_CONTACTS, 'verified')) {
    if (typeof username !== 'string' || !(key instanceof Uint8Array) || key.length === 0) throw malformed('verified entry');
    loaded.set(username, key);
  }
  const meta = deviceMetaOf(core);
  meta.receipts = receipts;
  meta.verified.clear();
  for (const [u, k] of loaded) {
    meta.verified.set(u, k);
    // A verified key stays pinned across restarts: a swapped key is an identity change, not a first use.
    core.directory.pin(u, k);
  }
}

/** Adds `id` to a bounded insertion-ordered set/map, evicting the oldest entry beyond `max`. */
export function boundedAdd<V>(map: Map<string, V>, id: string, value: V, max: number): void {
  map.set(id, value);
  if (map.size > max) {
    const oldest = map.keys().next().value;
    if (oldest !== undefined) map.delete(oldest);
  }
}

/** Adds `id` to a bounded insertion-ordered set, evicting the oldest beyond `max`. */
export function boundedAddToSet(set: Set<string>, id: string, max: number): void {
  set.add(id);
  if (set.size > max) {
    const oldest = set.values().next().value;
    if (oldest !== undefined) set.delete(oldest);
  }
}
