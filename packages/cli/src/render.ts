/** How messages and conversations look in a terminal. Control characters from peers are neutralised. */
import { usersOf } from '@sealed/client/host/host';
import type { ConversationInfo, StoredMessage } from '@sealed/client/host/records';

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

export function messageLine(message: StoredMessage, me: string): string {
  const who = message.outgoing || message.sender.username === me ? 'you' : message.sender.username;
  const body = message.deleted ? '(deleted)' : safeText(message.text ?? '');
  return `[${time(message.sentAt)}] ${who}: ${body}${message.edited ? ' (edited)' : ''}`;
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
