/** Resolving `<user|group|id>` on the command line to a conversation, creating a 1:1 one for a user when needed. */
import type { SealedHost } from '@sealed/client/host/host';
import type { ConversationInfo } from '@sealed/client/host/records';
import { normaliseUsername } from '@sealed/protocol/username';
import { CliError, EXIT } from './exit-codes.ts';
import { explain } from './explain.ts';

/** @throws CliError(notFound) when nothing matches */
export function existingConversation(host: SealedHost, target: string): ConversationInfo {
  const found = host.findConversation(target);
  if (found === undefined) throw new CliError(EXIT.notFound, `no conversation or group called "${target}"`, 'see `sealed group list`');
  return found;
}

/**
 * The conversation `target` names; for a username without one, a new 1:1 conversation,
 * waited for until the other user's devices are in it.
 * @throws CliError(notFound | refused | relay | usage)
 */
export async function conversationFor(host: SealedHost, target: string, timeoutMs: number): Promise<ConversationInfo> {
  const found = host.findConversation(target);
  if (found !== undefined) return found;
  const user = normaliseUsername(target);
  if (!user.ok) throw new CliError(EXIT.notFound, `no conversation or group called "${target}", and it is not a valid username`, 'see `sealed group list`');
  if (user.username === host.username) throw new CliError(EXIT.usage, 'that is you', 'name someone else');
  // The user must exist before a conversation is made for them (no empty conversation left behind).
  if (host.engine.contact(user.username) === undefined) {
    const lookup = await host.lookupContact(user.username);
    await host.settle(timeoutMs);
    const missing = host.outcome(lookup);
    if (missing !== undefined) throw userError(missing, user.username);
  }
  const { conversationId, intent } = await host.createConversation([user.username]);
  await host.settle(timeoutMs);
  const failure = host.outcome(intent);
  if (failure !== undefined) throw userError(failure, user.username);
  return host.conversation(conversationId)!;
}

/** An intent's failure about `username`, with the name in the message when the user is unknown. */
export function userError(failure: unknown, username: string): CliError {
  const explained = explain(failure);
  if (explained.exitCode === EXIT.notFound) return new CliError(EXIT.notFound, `no user "${username}" on this server (or no device of theirs to add)`, explained.hint);
  return explained;
}
