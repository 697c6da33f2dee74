/**
 * Messages that can no longer go out because we were removed from their conversation before
 * the relay stored them (still in the outbox, or waiting to be encrypted again). They are
 * reported to the user, one `intent-failed` each naming the message id, never dropped in
 * silence: the chaos suite found such messages shown as sending forever.
 */
import type { Action } from './actions.ts';
import { EngineError } from './errors.ts';

export function notSent(messageIds: readonly string[]): Action[] {
  return messageIds.map((messageId): Action => ({ type: 'intent-failed', intent: 0, error: new EngineError('removed-before-sent', messageId) }));
}
