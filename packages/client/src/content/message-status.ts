/**
 * Delivery and read receipts as MIMI message status reports (draft-mahy-mimi-message-status,
 * content type `application/mimi-message-status`), carried as a SinglePart of MIMI content
 * inside an MLS application message: the relay sees a ciphertext like any other.
 *
 *   MessageStatusReport = [
 *     timestamp: uint,                      ; sender's clock, ms since the Unix epoch
 *     statuses: [+ PerMessageStatus],       ; at most MAX_STATUSES_PER_REPORT
 *   ]
 *   PerMessageStatus = [messageId: bstr .size 32, status: uint .size 1]
 *   status: unread 0, delivered 1, read 2, expired 3, deleted 4, hidden 5, error 6
 *
 * The layout follows our reading of the individual draft; it has not been checked byte for
 * byte against another implementation. Sealed sends `delivered` and `read`; other values
 * decode (so a newer peer's report is not an error) and are ignored by the engine.
 */
import { ContentError } from './cbor-errors.ts';
import { decodeCbor } from './cbor-decode.ts';
import { encodeCbor } from './cbor-encode.ts';
import type { CborValue } from './cbor-value.ts';
import { MESSAGE_ID_BYTES } from './mimi.ts';

export const MESSAGE_STATUS_CONTENT_TYPE = 'application/mimi-message-status';

/** Statuses in one report: a read receipt covers what a screen shows at once; 256 is plenty and bounds the work. */
export const MAX_STATUSES_PER_REPORT = 256;

export const MessageStatus = { unread: 0, delivered: 1, read: 2, expired: 3, deleted: 4, hidden: 5, error: 6 } as const;

export interface PerMessageStatus {
  readonly messageId: Uint8Array;
  readonly status: number;
}

export interface MessageStatusReport {
  readonly timestamp: number;
  readonly statuses: readonly PerMessageStatus[];
}

/**
 * @throws RangeError for an empty report, too many statuses or a wrong id length (a programming error)
 */
export function encodeMessageStatusReport(report: MessageStatusReport): Uint8Array {
  if (report.statuses.length === 0 || report.statuses.length > MAX_STATUSES_PER_REPORT) throw new RangeError('status count');
  for (const s of report.statuses) if (s.messageId.length !== MESSAGE_ID_BYTES || s.status < 0 || s.status > 0xff) throw new RangeError('status entry');
  return encodeCbor([report.timestamp, report.statuses.map((s) => [s.messageId, s.status])]);
}

/**
 * @throws ContentError: codes of decodeCbor; 'invalid-content' when the CBOR does not match
 *   the CDDL; 'too-large' above MAX_STATUSES_PER_REPORT
 */
export function decodeMessageStatusReport(bytes: Uint8Array): MessageStatusReport {
  const value = decodeCbor(bytes);
  if (!Array.isArray(value) || value.length !== 2) throw new ContentError('invalid-content', 'report is not [timestamp, statuses]');
  const [timestamp, list] = value as readonly CborValue[];
  if (typeof timestamp !== 'number' || timestamp < 0) throw new ContentError('invalid-content', 'timestamp is not a uint');
  if (!Array.isArray(list) || list.length === 0) throw new ContentError('invalid-content', 'statuses is not a non-empty array');
  if (list.length > MAX_STATUSES_PER_REPORT) throw new ContentError('too-large', `${list.length} statuses`);
  const statuses = (list as readonly CborValue[]).map((item): PerMessageStatus => {
    if (!Array.isArray(item) || item.length !== 2) throw new ContentError('invalid-content', 'status is not [messageId, status]');
    const [messageId, status] = item as readonly CborValue[];
    if (!(messageId instanceof Uint8Array) || messageId.length !== MESSAGE_ID_BYTES) throw new ContentError('invalid-content', 'messageId is not 32 bytes');
    if (typeof status !== 'number' || status < 0 || status > 0xff) throw new ContentError('invalid-content', 'status is not a uint8');
    return { messageId, status };
  });
  return { timestamp, statuses };
}
