/**
 * Conversation settings as typed content: a group's name and topic and its disappearing
 * messages timer. Sealed carries them in MIMI content (a SinglePart of content type
 * CONVERSATION_SETTINGS_CONTENT_TYPE, disposition `session`) rather than in an MLS
 * GroupContext extension: a GroupContextExtensions proposal needs every member's leaf to
 * advertise the extension type (RFC 9420 §12.1.7) and a commit with an UpdatePath for each
 * rename, while an application message is cheap, authenticated by MLS like any message,
 * and reaches every device of every member. A member who joins later learns the current
 * settings because the adder sends them again right after the Welcome (engine/features).
 *
 *   settings = {
 *     ? 1 => name: tstr,                    ; at most MAX_CONVERSATION_NAME_BYTES
 *     ? 2 => topic: tstr,                   ; at most MAX_CONVERSATION_TOPIC_BYTES
 *     ? 3 => disappearAfterSeconds: uint,   ; 0 = off; at most MAX_DISAPPEAR_AFTER_SECONDS
 *   }                                       ; at least one entry; absent = unchanged
 */
import { ContentError } from './cbor-errors.ts';
import { decodeCbor } from './cbor-decode.ts';
import { encodeCbor } from './cbor-encode.ts';
import { CborMap, type CborKey, type CborValue } from './cbor-value.ts';

export const CONVERSATION_SETTINGS_CONTENT_TYPE = 'application/vnd.sealed.conversation-settings+cbor';

/** A name fits a title bar: 128 bytes of UTF-8. */
export const MAX_CONVERSATION_NAME_BYTES = 128;
/** A topic is a line or two: 1 KiB. */
export const MAX_CONVERSATION_TOPIC_BYTES = 1024;
/** Longest disappearing timer: one year (a longer one is as good as off, and bounds the schedule). */
export const MAX_DISAPPEAR_AFTER_SECONDS = 365 * 24 * 3600;

const NAME = 1;
const TOPIC = 2;
const DISAPPEAR = 3;

export interface ConversationSettings {
  readonly name?: string | undefined;
  readonly topic?: string | undefined;
  /** 0 turns disappearing messages off. */
  readonly disappearAfterSeconds?: number | undefined;
}

const utf8 = new TextEncoder();

function checkText(text: string, max: number, field: string): void {
  if (utf8.encode(text).length > max) throw new ContentError('too-large', `${field} above ${max} bytes`);
}

/** @throws ContentError('too-large') for a name, topic or timer above its bound; RangeError for an empty change */
export function encodeConversationSettings(settings: ConversationSettings): Uint8Array {
  const entries: [CborKey, CborValue][] = [];
  if (settings.name !== undefined) {
    checkText(settings.name, MAX_CONVERSATION_NAME_BYTES, 'name');
    entries.push([NAME, settings.name]);
  }
  if (settings.topic !== undefined) {
    checkText(settings.topic, MAX_CONVERSATION_TOPIC_BYTES, 'topic');
    entries.push([TOPIC, settings.topic]);
  }
  if (settings.disappearAfterSeconds !== undefined) {
    const s = settings.disappearAfterSeconds;
    if (!Number.isSafeInteger(s) || s < 0 || s > MAX_DISAPPEAR_AFTER_SECONDS) throw new ContentError('too-large', 'disappearing timer out of range');
    entries.push([DISAPPEAR, s]);
  }
  if (entries.length === 0) throw new RangeError('an empty settings change');
  return encodeCbor(new CborMap(entries));
}

/** @throws ContentError: codes of decodeCbor; 'invalid-content' for another shape; 'too-large' above a bound */
export function decodeConversationSettings(bytes: Uint8Array): ConversationSettings {
  const value = decodeCbor(bytes);
  if (!(value instanceof CborMap) || value.entries.length === 0) throw new ContentError('invalid-content', 'settings is not a non-empty map');
  let name: string | undefined;
  let topic: string | undefined;
  let disappearAfterSeconds: number | undefined;
  for (const [key, item] of value.entries) {
    if (key === NAME || key === TOPIC) {
      if (typeof item !== 'string') throw new ContentError('invalid-content', `settings key ${key} is not text`);
      checkText(item, key === NAME ? MAX_CONVERSATION_NAME_BYTES : MAX_CONVERSATION_TOPIC_BYTES, key === NAME ? 'name' : 'topic');
      if (key === NAME) name = item;
      else topic = item;
    } else if (key === DISAPPEAR) {
      if (typeof item !== 'number' || item < 0) throw new ContentError('invalid-content', 'timer is not a uint');
      if (item > MAX_DISAPPEAR_AFTER_SECONDS) throw new ContentError('too-large', 'disappearing timer above a year');
      disappearAfterSeconds = item;
    } else {
      throw new ContentError('invalid-content', `unknown settings key ${String(key)}`);
    }
  }
  return { name, topic, disappearAfterSeconds };
}
