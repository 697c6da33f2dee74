/**
 * Every error the SDK can throw, as one line for a person: what happened and what to do
 * next, with the exit code of its kind. Secrets never appear: SDK messages name codes and
 * public values only, and only their codes are used here.
 */
import { ContentError } from '@sealed/client/content/cbor-errors';
import { EngineError } from '@sealed/client/engine/errors';
import { HostError } from '@sealed/client/host/errors';
import { SessionBusyError } from '@sealed/client/host/node-host';
import { VaultError } from '@sealed/client/vault/errors';
import { CliError, EXIT } from './exit-codes.ts';

function vault(error: VaultError): CliError {
  switch (error.code) {
    case 'not-initialized':
      return new CliError(EXIT.notInitialized, 'no account on this device yet', 'run `sealed init <username> --server <url>` first');
    case 'already-exists':
      return new CliError(EXIT.notInitialized, 'this device already has an account', 'use another --data-dir (or SEALED_HOME) for a second account');
    case 'wrong-passcode': {
      const left = error.attemptsRemaining ?? 0;
      return new CliError(EXIT.wrongPasscode, `wrong passcode: ${left} attempt${left === 1 ? '' : 's'} left before this device erases its keys`, 'try again carefully');
    }
    case 'wiped':
      return new CliError(EXIT.wiped, 'this device erased its keys after too many wrong passcodes', 'run `sealed init` to start again (link it from another device once linking is available)');
    case 'busy':
      return new CliError(EXIT.busy, 'the vault is busy in another process', 'try again in a few seconds');
    case 'invalid-argument':
      return new CliError(EXIT.usage, 'the passcode must be 1 to 1024 bytes', 'choose another passcode');
    case 'weak-parameters':
      return new CliError(EXIT.notInitialized, 'this vault was made with test-only Argon2id parameters and is refused', 'create a real one with `sealed init` in another data directory');
    case 'locked':
      return new CliError(EXIT.internal, 'the vault was locked while in use', 'run the command again');
    default:
      return new CliError(EXIT.notInitialized, `the vault files are damaged or from a newer version (${error.code})`, 'restore the data directory from a backup, or start again with `sealed init` in a new one');
  }
}

function relayCode(code: string, what: string): CliError {
  switch (code) {
    case 'username-taken':
      return new CliError(EXIT.refused, 'that username is taken on this server', 'choose another username');
    case 'invalid-username':
      return new CliError(EXIT.refused, 'that username is not allowed (3 to 32 of a-z, 0-9, ".", "_", "-", starting and ending with a letter or digit)', 'choose another username');
    case 'not-found':
      return new CliError(EXIT.notFound, `${what}: no such user on this server`, 'check the spelling with the person');
    case 'unavailable':
      return new CliError(EXIT.relay, 'cannot reach the server', 'check the address and your connection, then try again');
    case 'rate-limited':
      return new CliError(EXIT.relay, 'the server is rate-limiting this device', 'wait a minute and try again');
    case 'not-in-transparency-log':
      return new CliError(EXIT.refused, `${what}: the key transparency log does not vouch for this account (not logged yet, or the server served something else)`, 'a new account is logged within a minute: try again then; if it persists, run `sealed verify <user>` and do not trust it');
    case 'not-logged-yet':
      return new CliError(EXIT.relay, `${what}: a new account, not in the key transparency log yet`, 'the log adds it at its next epoch (a minute at most by default): try again then');
    case 'unauthorized':
      return new CliError(EXIT.relay, 'the server does not know this device any more', 'it may have been removed from the account; run `sealed status`');
    default:
      return new CliError(EXIT.relay, `the server refused: ${code}`, 'try again later; if it persists, tell the server operator');
  }
}

function engine(error: EngineError): CliError {
  switch (error.code) {
    case 'relay-error': {
      const code = error.detail.replace(/^[a-z- ]+: /, '');
      return relayCode(code, error.detail.split(':')[0] ?? 'request');
    }
    case 'no-key-packages':
      return new CliError(EXIT.notFound, `${error.detail}: that user has no device to add`, 'ask them to open Sealed once, then try again');
    case 'not-a-participant':
      return new CliError(EXIT.notFound, `${error.detail} is not in this conversation`, 'see the members with `sealed group list`');
    case 'too-many-users':
      return new CliError(EXIT.usage, `too many users in one conversation (${error.detail})`, 'make a smaller group');
    case 'identity-changed':
      return new CliError(EXIT.refused, `${error.detail}'s identity key changed since you last talked`, 'check with them in person before you continue');
    case 'invalid-device-list':
    case 'invalid-key-package':
      return new CliError(EXIT.refused, `the server sent data for ${error.detail} that does not verify`, 'this may be an attack; do not add this user until it is resolved');
    case 'outbox-full':
      return new CliError(EXIT.relay, 'too many messages waiting to be sent', 'wait until the server is reachable');
    case 'commit-retries-exhausted':
      return new CliError(EXIT.relay, 'the group is too busy right now (lost the commit race five times)', 'try again in a moment');
    case 'conversation-left':
      return new CliError(EXIT.refused, 'you are leaving this conversation', 'ask a member to add you again once the leave is complete');
    case 'unknown-conversation':
      return new CliError(EXIT.notFound, 'no such conversation on this device', 'see `sealed group list`');
    case 'unknown-device':
      return new CliError(EXIT.notFound, 'no such device in this account', 'see `sealed devices`');
    case 'cannot-remove-self':
      return new CliError(EXIT.usage, 'a device cannot remove itself', 'run `sealed devices remove <id>` on another device of the account');
    case 'invalid-link-code':
      return new CliError(EXIT.usage, 'that is not a link code', 'copy the code the new device shows after `sealed link --server <url>`');
    case 'link-expired':
      return new CliError(EXIT.refused, 'that link code expired or was used already', 'run `sealed link --server <url>` on the new device again for a new code');
    case 'link-rejected':
      return new CliError(EXIT.refused, 'the link did not verify', 'start again on the new device; if it happens again, do not link over this server');
    case 'too-many-devices':
      return new CliError(EXIT.refused, 'this account has as many devices as allowed', 'remove one with `sealed devices remove <id>` first');
    default:
      return new CliError(EXIT.internal, `unexpected state (${error.code})`, 'please report it');
  }
}

/** This device was removed from its account on another device; its vault is (being) erased. */
export function deviceRemovedError(): CliError {
  return new CliError(
    EXIT.wiped,
    'this device was removed from your account on another device, so it erased its keys and messages',
    'to use it again, link it with `sealed link --server <url>` or create an account with `sealed init`',
  );
}

/** The CliError for any thrown value. */
export function explain(error: unknown): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof VaultError) return vault(error);
  if (error instanceof SessionBusyError) {
    return new CliError(EXIT.busy, `another sealed process (pid ${error.pid}) has this device unlocked`, 'close it first, or run `sealed lock`');
  }
  if (error instanceof EngineError) return engine(error);
  if (error instanceof HostError) {
    switch (error.code) {
      case 'no-account':
      case 'no-server':
        return new CliError(EXIT.notInitialized, 'this device has no finished account', 'run `sealed init` again in a new data directory');
      case 'account-failed':
        return relayCode(error.detail, 'account');
      case 'timeout':
        return new CliError(EXIT.relay, `the server did not answer in time (${error.detail})`, 'check that it is running, or raise --timeout');
      case 'unknown-conversation':
        return new CliError(EXIT.notFound, `no conversation ${error.detail}`, 'see `sealed group list`');
      case 'ambiguous-conversation':
        return new CliError(EXIT.usage, error.detail, 'give more digits of the id');
      case 'closed':
        return new CliError(EXIT.refused, 'you are no longer a member of this conversation', 'ask a member to add you again');
      case 'transport-failed':
        return new CliError(EXIT.internal, `local failure: ${error.detail}`, 'check the disk, then run the command again');
    }
  }
  if (error instanceof ContentError) {
    return error.code === 'too-large'
      ? new CliError(EXIT.usage, 'too long for one message (at most 60 KiB of text)', 'split it into several messages')
      : new CliError(EXIT.internal, `content could not be encoded (${error.code})`, 'please report it with the command you ran');
  }
  if (error instanceof RangeError) return new CliError(EXIT.usage, error.message, 'see `sealed --help`');
  const name = error instanceof Error ? error.name : typeof error;
  return new CliError(EXIT.internal, `internal error (${name})`, 'please report it with the command you ran');
}
