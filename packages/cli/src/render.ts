/** How messages and conversations look in a terminal. Control characters from peers are neutralised. */
import { usersOf } from '@sealed/client/host/host';
import type { ConversationInfo, StoredMessage } from '@sealed/client/host/records';
import { formatDuration } from './duration.ts';

/**
 * A peer's text may contain terminal escape sequences (clear screen, rewrite earlier lines,
 * set the window title); every C0/C1 control but tab is shown as U+FFFD instead.
 */
export function safeText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, '\uFFFD');
}

function time(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** Bytes as "12.0 KiB". */
export function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Receipts of one of our messages, as the host reports them (SealedHost.messageStatus). */
export interface ReceiptState {
  readonly sent: boolean;
  readonly deliveredTo: readonly string[];
  readonly readBy: readonly string[];
}

/** " (read by bob; delivered to carol)", " (sent)", " (not sent yet)". */
export function receiptText(state: ReceiptState): string {
  if (!state.sent) return ' (not sent yet)';
  const read = state.readBy;
  const deliveredOnly = state.deliveredTo.filter((u) => !read.includes(u));
  const parts = [read.length > 0 ? `read by ${read.join(', ')}` : '', deliveredOnly.length > 0 ? `delivered to ${deliveredOnly.join(', ')}` : ''].filter((p) => p !== '');
  return ` (${parts.length === 0 ? 'sent' : parts.join('; ')})`;
}

/** A system line: who set the disappearing timer (the record's text holds the seconds). */
function timerLine(message: StoredMessage, who: string): string {
  const seconds = Number(message.text ?? '0');
  const change = Number.isSafeInteger(seconds) && seconds > 0 ? `set disappearing messages to ${formatDuration(seconds)}` : 'turned disappearing messages off';
  return `[${time(message.sentAt)}] * ${who} ${change}`;
}

/** One history line; `receipts` (our own messages only) adds what the others' devices reported. */
export function messageLine(message: StoredMessage, me: string, receipts?: ReceiptState): string {
  const who = message.outgoing || message.sender.username === me ? 'you' : message.sender.username;
  if (message.kind === 'timer') return timerLine(message, who);
  const file = message.attachment === null ? '' : `[file ${safeText(message.attachment.filename)}, ${size(message.attachment.size)}] `;
  const body = message.deleted ? '(deleted)' : file + safeText(message.text ?? '');
  return `[${time(message.sentAt)}] ${who}: ${body}${message.edited ? ' (edited)' : ''}${receipts === undefined || message.deleted ? '' : receiptText(receipts)}`;
}

/** "bob" for a 1:1 conversation, the local name for a named group, else the members. */
export function conversationTitle(info: ConversationInfo, me: string): string {
  if (info.name !== null) return info.name;
  const others = usersOf(info).filter((u) => u !== me);
  return others.length === 0 ? '(only you)' : others.join(', ');
}

export function conversationLine(info: ConversationInfo, me: string): string {
  const devices = info.members.length;
  const users = usersOf(info);
  const state = info.closed ? ' [closed]' : '';
  return `${info.conversationId.slice(0, 8)}  ${conversationTitle(info, me)}  (${users.join(', ')}; ${devices} device${devices === 1 ? '' : 's'}; epoch ${info.epoch})${state}`;
}
