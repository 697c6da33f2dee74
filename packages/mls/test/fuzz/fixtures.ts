// A small group and one valid sample of every incoming message type, built once for the
// decoder fuzz tests. The receiver is bob (a member since epoch 1); the samples are what
// alice (leaf 0) could send him, a Welcome for dave, a GroupInfo for an external joiner and a
// KeyPackage for an adder. Nothing here is ever processed successfully by bob, so his state
// stays the same for the whole file; the tests check exactly that.
import assert from 'node:assert/strict';
import { addMembers, processWelcome, selfUpdate } from '../../src/group/api.ts';
import { createGroup } from '../../src/group/create.ts';
import { GroupError, type GroupErrorCode } from '../../src/group/errors.ts';
import type { GroupState } from '../../src/group/state.ts';
import { encryptApplication, propose, proposeUpdate } from '../../src/group/send.ts';
import { joinByExternalCommit } from '../../src/external/join.ts';
import { mlsMessageBytes } from '../../src/structs/mls-message.ts';
import { createGroupInfo } from '../../src/welcome/create.ts';
import { acceptAll, member, SUITE_1 } from '../group/helpers.ts';

export const suite = SUITE_1;
export const options = { policy: acceptAll };
export const welcomeOptions = { suite, policy: acceptAll };
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

const bobKp = member(suite, 'bob');
const carolKp = member(suite, 'carol');
export const daveKp = member(suite, 'dave');
/** A key package nobody used yet: the KeyPackage sample, added by bob. */
export const erinKp = member(suite, 'erin');

const created = addMembers(createGroup(suite, member(suite, 'alice')), [bobKp.keyPackage, carolKp.keyPackage], options);
export const alice: GroupState = created.state;
export const bob: GroupState = processWelcome(created.welcome!, bobKp, welcomeOptions).state;
const carolLeaf = 2;

export const externalGroupInfo = createGroupInfo(alice, { withExternalPub: true });
const external = joinByExternalCommit({
  suite,
  groupInfo: externalGroupInfo,
  policy: acceptAll,
  credential: { type: 'basic', identity: text('frank') },
  signatureKeyPair: suite.provider.signatureGenerate(suite.signature),
});

/** Group messages bob's processIncoming takes, by name. */
export const groupSamples: Readonly<Record<string, Uint8Array>> = {
  'PublicMessage proposal (remove)': propose(alice, { type: 'remove', removed: carolLeaf }, 'mls_public_message').message,
  'PublicMessage proposal (update)': proposeUpdate(alice, 'mls_public_message').message,
  'PublicMessage proposal (add)': propose(alice, { type: 'add', keyPackage: daveKp.keyPackage }, 'mls_public_message').message,
  'PublicMessage commit (update path)': selfUpdate(alice, { ...options, wireFormat: 'mls_public_message' }).commit,
  'PublicMessage commit (add)': addMembers(alice, [daveKp.keyPackage], { ...options, wireFormat: 'mls_public_message' }).commit,
  'PublicMessage external commit': external.commit,
  'PrivateMessage application': encryptApplication(alice, text('hello bob')),
  'PrivateMessage proposal (remove)': propose(alice, { type: 'remove', removed: carolLeaf }).message,
  'PrivateMessage commit (update path)': selfUpdate(alice, options).commit,
  'PrivateMessage commit (add)': addMembers(alice, [daveKp.keyPackage], options).commit,
};

/** A Welcome for dave (tree inside the GroupInfo). */
export const welcomeForDave: Uint8Array = addMembers(alice, [daveKp.keyPackage], options).welcome!;
export const groupInfoMessage: Uint8Array = mlsMessageBytes({ wireFormat: 'mls_group_info', groupInfo: externalGroupInfo });
export const keyPackageMessage: Uint8Array = mlsMessageBytes({ wireFormat: 'mls_key_package', keyPackage: erinKp.keyPackage });

/** What each entry point documents it may throw (the @throws of api.ts, process.ts, join.ts, commit.ts). */
export const INCOMING_CODES: ReadonlySet<GroupErrorCode> = new Set<GroupErrorCode>([
  'message-too-large', 'malformed-message', 'wrong-group', 'wrong-epoch', 'unknown-sender', 'unsupported-sender',
  'own-commit', 'invalid-signature', 'invalid-membership-tag', 'authentication-failed', 'replayed-message',
  'invalid-confirmation-tag', 'invalid-proposal', 'invalid-proposal-list', 'unknown-proposal-reference',
  'too-many-proposals', 'path-required', 'invalid-path', 'committer-removed', 'missing-psk', 'invalid-leaf', 'too-many-members',
]);
export const WELCOME_CODES: ReadonlySet<GroupErrorCode> = new Set<GroupErrorCode>([
  'message-too-large', 'malformed-message', 'unsupported-cipher-suite', 'welcome-not-for-us', 'invalid-welcome', 'missing-psk',
  'invalid-group-info', 'missing-ratchet-tree', 'invalid-tree', 'invalid-leaf', 'too-many-members',
]);
export const EXTERNAL_JOIN_CODES: ReadonlySet<GroupErrorCode> = new Set<GroupErrorCode>([
  'message-too-large', 'malformed-message', 'invalid-group-info', 'unsupported-cipher-suite', 'missing-ratchet-tree', 'invalid-tree',
  'invalid-leaf', 'too-many-members', 'invalid-proposal', 'invalid-proposal-list', 'missing-psk',
]);
export const ADD_CODES: ReadonlySet<GroupErrorCode> = new Set<GroupErrorCode>([
  'message-too-large', 'malformed-message', 'invalid-proposal', 'invalid-proposal-list', 'unsupported-sender', 'too-many-members',
]);

/** Codes seen per entry point, reported at the end of each file. */
export const seen = new Map<string, Map<string, number>>();

/**
 * Runs `fn`; returns 'ok' or the GroupError code. Anything but a GroupError with one of
 * `allowed` codes fails the test (with the entry point's name and the error).
 */
export function typedOutcome(entry: string, allowed: ReadonlySet<GroupErrorCode>, fn: () => unknown): GroupErrorCode | 'ok' {
  let outcome: GroupErrorCode | 'ok' = 'ok';
  try {
    fn();
  } catch (error) {
    if (!(error instanceof GroupError)) throw new Error(`${entry}: untyped ${String(error)}`, { cause: error });
    assert.ok(allowed.has(error.code), `${entry}: undocumented code ${error.message}`);
    outcome = error.code;
  }
  const counts = seen.get(entry) ?? new Map<string, number>();
  counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
  seen.set(entry, counts);
  return outcome;
}

export function report(): void {
  for (const [entry, counts] of seen) console.log(`fuzz ${entry}: ${[...counts].map(([c, n]) => `${c} ${n}`).join(', ')}`);
}
