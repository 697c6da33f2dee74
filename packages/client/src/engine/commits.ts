/**
 * Membership changes of a conversation, one commit in flight at a time (RFC 9420 §12.4;
 * DESIGN.md "A message's path" step 2): build the commit on our current state, send it
 * with its epoch, adopt the new state only when the relay accepted it (SENT), then send
 * the Welcome. When another member's commit won the epoch (ERROR stale-epoch), our commit
 * is dropped, the winner arrives through our queue and is processed, and the intent is
 * built again on the new epoch, at most MAX_COMMIT_RETRIES times.
 */
import { addMembers, commitPending, removeMembers, selfUpdate } from '@sealed/mls/group/api';
import type { CreatedCommit } from '@sealed/mls/group/commit';
import { GroupError } from '@sealed/mls/group/errors';
import { serializeGroupState } from '@sealed/mls/group/serialize';
import { encryptApplication } from '@sealed/mls/group/send';
import type { KeyPackage } from '@sealed/mls/structs/key-package';
import { parseMLSMessage } from '@sealed/mls/structs/mls-message';
import { fromHex, toHex } from '@sealed/protocol/encoding';
import { parseAccountResponse, parseClaimResponse } from '@sealed/protocol/http';
import type { Action } from './actions.ts';
import { type CommitIntent, type Conversation, membersOf, type OutgoingMessage, recipientsOf } from './conversation.ts';
import type { EngineCore } from './core.ts';
import { EngineError } from './errors.ts';
import { parseCredential } from './identity.ts';
import { MAX_COMMIT_RETRIES, MAX_PENDING_REPORTED } from './limits.ts';
import { afterMembersAdded } from './conversation-features.ts';
import { notSent } from './unsent.ts';
import { queueOwnRemovals } from './verify-members.ts';
import { reservedPosition, reserveSends } from './send-reservation.ts';
import { forgetDeparted, orphansOf } from './unconfirmed-adds.ts';

/**
 * The group's record. Our application ratchet is saved at the end of its reserved block
 * when one is reserved (send-reservation.ts). `lazy`: may be written after later actions
 * (the host makes it durable before acknowledging deliveries); default: before them.
 */
export function saveGroup(conversation: Conversation, lazy = false): Action {
  const serialize = (): Uint8Array => {
    const reserved = reservedPosition(conversation);
    return serializeGroupState(conversation.state, reserved === undefined ? {} : { ownApplicationAt: reserved });
  };
  if (!lazy) return { type: 'save', record: 'group', key: conversation.id, bytes: serialize() };
  // Lazy (a received message): serialized when the transport reads it, after the step's
  // displays (transport/node-transport.ts), so the message is shown first; the state is the
  // latest by then (our epoch changes only on an event, after the step), reservation included.
  let bytes: Uint8Array | undefined;
  return {
    type: 'save',
    record: 'group',
    key: conversation.id,
    lazy,
    get bytes(): Uint8Array {
      return (bytes ??= serialize());
    },
  };
}

export function conversationAction(conversation: Conversation): Action {
  const members = membersOf(conversation.state).map(({ username, deviceId }) => ({ username, deviceId }));
  return { type: 'conversation', conversationId: conversation.id, members, epoch: conversation.state.groupContext.epoch };
}

function failed(core: EngineCore, conversation: Conversation, intent: CommitIntent, error: unknown): Action[] {
  conversation.preparing = false;
  const engineError = error instanceof EngineError ? error : new EngineError('relay-error', error instanceof GroupError ? `mls ${error.code}` : String(error));
  return [{ type: 'intent-failed', intent: intent.intent, error: engineError }, ...pump(core, conversation)];
}

/**
 * Moves a conversation forward: starts the next intent when no commit is in flight, or
 * sends the texts waiting in its outbox.
 */
export function pump(core: EngineCore, conversation: Conversation): Action[] {
  // Offline or still catching up: a commit or message now would use an epoch the group
  // may already have left. Everything waits and runs when the catch-up completes.
  if (!core.caughtUp() || conversation.inFlight !== undefined || conversation.preparing) return [];
  if (conversation.waitEpoch !== undefined && conversation.state.groupContext.epoch < conversation.waitEpoch) return [];
  conversation.waitEpoch = undefined;
  // A member's device its owner removed is still in the group: no text, no add goes out until
  // its removal commit (verify-members.ts). A removal of ours may (it only takes members out):
  // two people who each removed a device at once waited for each other's removal commit,
  // holding back their own, until both warned of a ghost (chaos suite).
  if (conversation.awaitingRemoval !== undefined) {
    const removal = conversation.intents.findIndex((i) => i.kind === 'remove-devices' || i.kind === 'remove');
    return removal < 0 ? [] : startIntent(core, conversation, conversation.intents.splice(removal, 1)[0]!);
  }
  const intent = conversation.intents.shift();
  if (intent !== undefined) return startIntent(core, conversation, intent);
  return flushOutbox(core, conversation);
}

function flushOutbox(core: EngineCore, conversation: Conversation): Action[] {
  const actions: Action[] = [];
  const recipients = recipientsOf(conversation.state);
  while (conversation.outbox.length > 0) {
    const { content, messageId, attempts = 0 } = conversation.outbox.shift()!;
    const payload = encryptApplication(conversation.state, content);
    conversation.sentSinceUpdate++;
    const epoch = conversation.state.groupContext.epoch;
    // Nobody else in the group (the others were removed): the text reached every member there
    // is. It was dropped without a word and shown as sending for good (chaos suite).
    if (recipients.length === 0) {
      actions.push({ type: 'sent', conversationId: conversation.id, messageId, epoch });
      continue;
    }
    const send = core.send(
      { kind: 'application', epoch: Number(epoch), groupId: conversation.groupId, recipients, payload },
      (reply): Action[] =>
        reply.type === 'sent'
          ? [{ type: 'sent', conversationId: conversation.id, messageId, epoch }]
          : reply.code === 'stale-epoch' && attempts + 1 < MAX_SEND_ATTEMPTS
            ? sendAfterCatchingUp(core, conversation, { content, messageId, attempts: attempts + 1 }, BigInt(reply.value))
            : RETRIED_SEND_ERRORS.has(reply.code) && attempts + 1 < MAX_SEND_ATTEMPTS
            ? sendAgainLater(core, conversation, { content, messageId, attempts: attempts + 1 })
            : [{ type: 'intent-failed', intent: 0, error: new EngineError('relay-error', `send: ${reply.code}`) }],
      () => retryApplication(core, conversation, requestId, epoch, { content, messageId }),
    );
    const requestId = send.type === 'send-frame' && send.frame.type === 'send' ? send.frame.requestId : 0;
    actions.push(send);
  }
  // The generations used must be durably reserved before the ciphertexts leave; inside
  // the saved block nothing needs saving (send-reservation.ts).
  if (actions.length > 0 && reserveSends(conversation)) actions.unshift(saveGroup(conversation));
  return actions;
}

/**
 * Relay answers to an application SEND that say "not now" rather than "never": the relay
 * restarting or losing its database, rate limits, a full queue, a device revoked before the
 * commit removing it reached us. The message is encrypted again on the next tick (new
 * recipients and epoch if they changed), at most MAX_SEND_ATTEMPTS times; failing the
 * message at the first such answer lost it (chaos suite).
 */
const RETRIED_SEND_ERRORS: ReadonlySet<string> = new Set(['internal', 'unavailable', 'rate-limited', 'queue-full', 'unknown-recipient']);
export const MAX_SEND_ATTEMPTS = 20;

function sendAgainLater(core: EngineCore, conversation: Conversation, message: OutgoingMessage): Action[] {
  core.defer(() => {
    if (core.conversations.get(conversation.id) !== conversation) return notSent([message.messageId]);
    conversation.outbox.unshift(message);
    return pump(core, conversation);
  });
  return [];
}

/**
 * The relay refused the message as more than MAX_APPLICATION_EPOCH_LAG epochs behind the
 * group (protocol limits.ts; ERROR value: the group's epoch): the commits we have not
 * processed yet are in our queue. The message waits, ahead of texts never sent, until we
 * reach that epoch and is then encrypted again. Its id is that of its content, so members
 * show it once; nothing was stored, so nothing acknowledged is lost (chaos suite: such
 * messages were stored and failed as wrong-epoch for every member).
 */
function sendAfterCatchingUp(core: EngineCore, conversation: Conversation, message: OutgoingMessage, groupEpoch: bigint): Action[] {
  if (core.conversations.get(conversation.id) !== conversation) return notSent([message.messageId]); // removed meanwhile
  const firstNew = conversation.outbox.findIndex((m) => (m.attempts ?? 0) === 0);
  conversation.outbox.splice(firstNew < 0 ? conversation.outbox.length : firstNew, 0, message);
  if (conversation.waitEpoch === undefined || conversation.waitEpoch < groupEpoch) conversation.waitEpoch = groupEpoch;
  return pump(core, conversation);
}

/** See EngineCore.retryApplications. */
function retryApplication(core: EngineCore, conversation: Conversation, requestId: number, epoch: bigint, message: OutgoingMessage): Action[] {
  if (core.conversations.get(conversation.id) !== conversation) {
    core.abandonSend(requestId); // we were removed meanwhile
    return notSent([message.messageId]);
  }
  if (conversation.state.groupContext.epoch === epoch) return core.resend(requestId);
  core.abandonSend(requestId);
  conversation.outbox.unshift(message);
  return pump(core, conversation);
}

function startIntent(core: EngineCore, conversation: Conversation, intent: CommitIntent): Action[] {
  if (intent.kind === 'add' && intent.keyPackages === undefined) {
    conversation.preparing = true;
    return gatherKeyPackages(core, conversation, intent, 0, []);
  }
  let created: CreatedCommit;
  let newDevices: string[] = [];
  let readd: string[] | undefined;
  try {
    const options = { policy: core.policy() };
    if (intent.kind === 'add') {
      // Built again after a lost commit race: the winner may have added some of these devices (MLS refuses a member twice).
      // And a device its owner removed since its key package was claimed (no longer in the
      // verified list) is not added: nothing would remove it again (chaos suite).
      const present = new Set(membersOf(conversation.state).map((m) => m.deviceId));
      const keyPackages = (intent.keyPackages ?? []).filter((kp) => {
        const named = parseCredential(kp.leafNode.credential)!;
        return !present.has(named.deviceId) && core.directory.deviceKey(named.username, named.deviceId) !== undefined;
      });
      if (keyPackages.length === 0) return intent.sync === true || intent.readd === true ? pump(core, conversation) : failed(core, conversation, intent, new EngineError('already-a-participant', intent.usernames.join(',')));
      created = addMembers(conversation.state, keyPackages, options);
      newDevices = created.added.map((leaf) => parseCredential(created.state.tree.requireLeaf(leaf).credential)!.deviceId);
    } else if (intent.kind === 'remove') {
      const leaves = membersOf(conversation.state).filter((m) => m.username === intent.username && m.leafIndex !== conversation.state.own.leafIndex);
      if (leaves.length === 0) return failed(core, conversation, intent, new EngineError('not-a-participant', intent.username));
      created = removeMembers(conversation.state, leaves.map((m) => m.leafIndex), options);
    } else if (intent.kind === 'remove-devices') {
      // Another of our devices may have removed them first (we lost a race): nothing left to do.
      const gone = new Set(intent.deviceIds);
      const leaves = membersOf(conversation.state).filter((m) => m.username === core.account!.username && gone.has(m.deviceId) && m.leafIndex !== conversation.state.own.leafIndex);
      if (leaves.length === 0) return pump(core, conversation);
      // Members one of them added whose Welcome may never have gone out (it was revoked in
      // between): removed with it and added again next, with a Welcome of ours (unconfirmed-adds.ts).
      const orphans = orphansOf(conversation, leaves.map((m) => m.deviceId));
      if (orphans.length > 0) readd = [...new Set(orphans.map((m) => m.username))];
      created = removeMembers(conversation.state, [...leaves, ...orphans].map((m) => m.leafIndex), options);
    } else if (intent.kind === 'commit-pending') {
      // Another member's commit already took them (we lost a race): nothing left to do.
      if (conversation.state.pendingProposals.length === 0) return pump(core, conversation);
      created = commitPending(conversation.state, options);
    } else {
      created = selfUpdate(conversation.state, options);
    }
  } catch (error) {
    return failed(core, conversation, intent, error);
  }
  // Every current member but us hears of the commit, the removed included (so they learn
  // it); a group of one sends it to ourselves so the relay still orders its epoch.
  const others = recipientsOf(conversation.state);
  const recipients = others.length > 0 ? others : [core.account!.device.id];
  const inFlight = { requestId: 0, intent, next: created.state, welcome: created.welcome, newDevices, phase: 'commit' as 'commit' | 'welcome', ...(readd === undefined ? {} : { readd }) };
  const send = core.send({ kind: 'commit', epoch: Number(conversation.state.groupContext.epoch), groupId: conversation.groupId, recipients, payload: created.commit }, (reply) =>
    onCommitReply(core, conversation, reply),
  );
  conversation.inFlight = inFlight;
  return [send];
}

function onCommitReply(core: EngineCore, conversation: Conversation, reply: Parameters<Parameters<EngineCore['send']>[1]>[0]): Action[] {
  const inFlight = conversation.inFlight;
  if (inFlight === undefined) return [];
  if (reply.type === 'error') {
    conversation.inFlight = undefined;
    const intent = inFlight.intent;
    if (reply.code === 'stale-epoch') {
      core.stats.commitRacesLost++;
      if (intent.retries + 1 > MAX_COMMIT_RETRIES) return failed(core, conversation, intent, new EngineError('commit-retries-exhausted', `${MAX_COMMIT_RETRIES} commit races lost`));
      conversation.intents.unshift({ ...intent, retries: intent.retries + 1 });
      conversation.waitEpoch = BigInt(reply.value);
      return pump(core, conversation);
    }
    return failed(core, conversation, intent, new EngineError('relay-error', `commit: ${reply.code}`));
  }
  conversation.state = inFlight.next;
  conversation.lastCommitAt = core.now;
  conversation.sentSinceUpdate = 0;
  // Our list may have dropped a device while this commit was in flight (it may even have added it): its removal goes next.
  queueOwnRemovals(core, conversation);
  forgetDeparted(conversation, conversation.state);
  // Members removed because their Welcome may never have come are added again first (unconfirmed-adds.ts).
  if (inFlight.readd !== undefined) conversation.intents.unshift({ kind: 'add', intent: core.id(), usernames: inFlight.readd, retries: 0, readd: true });
  const actions: Action[] = [saveGroup(conversation), conversationAction(conversation)];
  if (inFlight.welcome === undefined || inFlight.newDevices.length === 0) {
    conversation.inFlight = undefined;
    return [...actions, ...pump(core, conversation)];
  }
  inFlight.phase = 'welcome';
  afterMembersAdded(core, conversation);
  const recipients = inFlight.newDevices.map((d) => fromHex(d)!);
  const frame = { kind: 'welcome' as const, epoch: Number(conversation.state.groupContext.epoch), groupId: conversation.groupId, recipients, payload: inFlight.welcome, clientMessageId: core.provider.randomBytes(16) };
  const sendWelcome = (attempt: number): Action =>
    core.send(frame, (welcomeReply) => {
      // The commit stands, so the Welcome must arrive: a "not now" answer sends the same
      // message again (same client message id: stored once) on the next tick, meanwhile
      // nothing else is committed here. Failing it left the new members in the tree with no
      // way in (their devices never learn of the group).
      if (welcomeReply.type === 'error' && RETRIED_WELCOME_ERRORS.has(welcomeReply.code) && attempt + 1 < MAX_SEND_ATTEMPTS) {
        core.defer(() => (core.conversations.get(conversation.id) === conversation ? [sendWelcome(attempt + 1)] : []));
        return [];
      }
      conversation.inFlight = undefined;
      // The only new device was revoked by its owner meanwhile (relay: unknown-recipient): no
      // one is left to welcome and the commit stands; its owner's other device removes the leaf.
      // (With several new devices the relay's refusal drops the revoked one: EngineCore.resolveSend.)
      const gone = welcomeReply.type === 'error' && welcomeReply.code === 'unknown-recipient';
      const after = welcomeReply.type === 'sent' || gone ? [] : [{ type: 'intent-failed', intent: inFlight.intent.intent, error: new EngineError('relay-error', `welcome: ${welcomeReply.code}`) } as const];
      return [...after, ...pump(core, conversation)];
    });
  actions.push(sendWelcome(0));
  return actions;
}

/** Relay answers to a Welcome's SEND that say "not now" (its database or bus lost for a moment, or rate limiting). */
const RETRIED_WELCOME_ERRORS: ReadonlySet<string> = new Set(['internal', 'unavailable', 'rate-limited', 'queue-full']);

/**
 * Relay answers to an add's account fetch or key-package claim that say "not now": no answer
 * (status 0: the relay restarting), a server fault, a rate limit. The add is gathered again.
 */
const RETRIED_ADD_ERRORS: ReadonlySet<string> = new Set(['unavailable', 'internal', 'rate-limited']);
/**
 * Times an add is gathered again after a "not now" answer or finding no key package at all,
 * one tick (about a second) apart: a relay restart or a new device's first upload is over
 * well within it; then the add fails for the user to see.
 */
export const MAX_ADD_ATTEMPTS = 30;

/**
 * The add waits for the next tick (or READY) and is gathered again from the start (chaos
 * suite: adds failed for good when a relay restarted under them, or when add storms met a
 * device with no key package on the relay). Other intents and texts go on meanwhile.
 * `code`: the relay's answer; an answer that will not change fails the add at once.
 */
function addLater(core: EngineCore, conversation: Conversation, intent: CommitIntent & { kind: 'add' }, error: EngineError, code?: string): Action[] {
  if (code === NOT_LOGGED_YET) return addOnceLogged(core, conversation, intent, error);
  const attempts = (intent.attempts ?? 0) + 1;
  if ((code !== undefined && !RETRIED_ADD_ERRORS.has(code)) || attempts >= MAX_ADD_ATTEMPTS) return failed(core, conversation, intent, error);
  return gatherAgainLater(core, conversation, { ...intent, attempts });
}

/**
 * The account fetch's answer when key transparency found no version of the user's labels
 * in the log yet (client/transparency/transport-hook.ts): an account registered since the
 * last epoch. Not a failure: the add waits for the epoch that logs it.
 */
const NOT_LOGGED_YET = 'not-logged-yet';
/**
 * How long an add waits for a new account to appear in the transparency log: two and a
 * half epochs at the relay's default 60 s. A user messaging someone who just signed up sees
 * the message go out once the log has the account, instead of "try again" (a relay with a
 * longer epoch makes the add fail after this, as a log that never shows the account must).
 */
export const AWAIT_LOG_MS = 150_000;

function addOnceLogged(core: EngineCore, conversation: Conversation, intent: CommitIntent & { kind: 'add' }, error: EngineError): Action[] {
  const until = intent.awaitLogUntil ?? core.now + AWAIT_LOG_MS;
  if (core.now >= until) return failed(core, conversation, intent, error);
  return gatherAgainLater(core, conversation, { ...intent, awaitLogUntil: until });
}

/** The add is gathered again from the start on the next tick (or READY). */
function gatherAgainLater(core: EngineCore, conversation: Conversation, intent: CommitIntent & { kind: 'add' }): Action[] {
  conversation.preparing = false;
  core.defer(() => {
    if (core.conversations.get(conversation.id) !== conversation) return []; // we left meanwhile
    conversation.intents.unshift({ ...intent, keyPackages: undefined });
    return pump(core, conversation);
  });
  return pump(core, conversation);
}

/**
 * Fetches each user's device list, then claims one key package per device, checking each
 * against the verified list (credential names the claimed device; leaf key is the listed
 * key). Our own device is skipped.
 */
function gatherKeyPackages(core: EngineCore, conversation: Conversation, intent: CommitIntent & { kind: 'add' }, index: number, collected: KeyPackage[]): Action[] {
  const username = intent.usernames[index];
  if (username === undefined) {
    conversation.preparing = false;
    const present = new Set(membersOf(conversation.state).map((m) => m.deviceId));
    const fresh = collected.filter((kp) => !present.has(parseCredential(kp.leafNode.credential)!.deviceId));
    // A sync with nothing to add: our devices are all there, or the missing one has no key package yet (devices/sync.ts retries).
    if (fresh.length === 0 && (intent.sync === true || intent.readd === true)) return pump(core, conversation);
    // Every device we got a key package for is a member already: another member added them first (a race, not a fault).
    if (fresh.length === 0 && collected.length > 0) return failed(core, conversation, intent, new EngineError('already-a-participant', intent.usernames.join(',')));
    // Not even a last-resort key package (a device whose upload has not landed yet): try again later.
    if (fresh.length === 0) return addLater(core, conversation, intent, new EngineError('no-key-packages', 'no device to add'));
    return startIntent(core, conversation, { ...intent, keyPackages: fresh });
  }
  return [
    core.http({ kind: 'get-account', username }, (outcome) => {
      if (!outcome.ok) return addLater(core, conversation, intent, new EngineError('relay-error', `account ${username}: ${outcome.code}`), outcome.code);
      try {
        const account = parseAccountResponse(outcome.body);
        core.directory.learn(username, account.deviceList);
      } catch (error) {
        return failed(core, conversation, intent, error instanceof EngineError ? error : new EngineError('invalid-device-list', username));
      }
      const own = core.account!;
      const onlyUs = username === own.username && (core.directory.deviceList(username)?.devices.length ?? 1) <= 1;
      if (onlyUs) return gatherKeyPackages(core, conversation, intent, index + 1, collected);
      return [
        core.http({ kind: 'claim-key-packages', username }, (claim) => {
          if (!claim.ok) return addLater(core, conversation, intent, new EngineError('relay-error', `claim ${username}: ${claim.code}`), claim.code);
          const found: KeyPackage[] = [];
          const pending: string[] = [];
          try {
            for (const claimed of parseClaimResponse(claim.body).keyPackages) {
              const deviceId = toHex(claimed.deviceId);
              if (username === own.username && deviceId === own.deviceIdHex) continue;
              // With key transparency a device the log does not show yet (a contact's device
              // linked after the last epoch, or ours before our monitoring saw it logged) is
              // pending: not added, and not a failure. It is added by a later add once logged
              // (the host retries; our own devices by sync.ts); one never logged stays out.
              if (core.directory.transparencyRequired && !core.directory.addable(username, deviceId)) {
                if (pending.length < MAX_PENDING_REPORTED) pending.push(deviceId);
                continue;
              }
              found.push(checkClaimed(core, username, deviceId, claimed.keyPackage));
            }
          } catch (error) {
            return failed(core, conversation, intent, error instanceof EngineError ? error : new EngineError('invalid-key-package', username));
          }
          const report: Action[] = pending.length === 0 ? [] : [{ type: 'devices-pending', conversationId: conversation.id, username, deviceIds: pending }];
          return [...report, ...gatherKeyPackages(core, conversation, intent, index + 1, [...collected, ...found])];
        }),
      ];
    }),
  ];
}

/** @throws EngineError('invalid-key-package') when the key package does not belong to `username`'s `deviceId`. */
function checkClaimed(core: EngineCore, username: string, deviceId: string, bytes: Uint8Array): KeyPackage {
  let keyPackage: KeyPackage;
  try {
    const message = parseMLSMessage(bytes);
    if (message.wireFormat !== 'mls_key_package') throw new EngineError('invalid-key-package', `${username}: not a key package`);
    keyPackage = message.keyPackage;
  } catch (error) {
    if (error instanceof EngineError) throw error;
    throw new EngineError('invalid-key-package', `${username}: does not decode`);
  }
  const named = parseCredential(keyPackage.leafNode.credential);
  if (named === undefined || named.username !== username || named.deviceId !== deviceId) throw new EngineError('invalid-key-package', `${username}: credential names another device`);
  const listed = core.directory.deviceKey(username, deviceId);
  if (listed === undefined || !core.provider.constantTimeEqual(listed, keyPackage.leafNode.signatureKey)) throw new EngineError('invalid-key-package', `${username}: device not in the signed list`);
  if (keyPackage.cipherSuite !== core.suite.id) throw new EngineError('invalid-key-package', `${username}: suite ${keyPackage.cipherSuite}`);
  return keyPackage;
}
