/**
 * Key-transparency status and alerts: the contact's status beside the safety number, our
 * own account's last monitoring round (devices screen), and the alert banner (a device
 * added to our account that this device did not add, a forked log, a changed Configuration).
 */
import { useEffect } from 'preact/hooks';
import type { ContactTransparencyStatus } from '@sealed/client/transparency/transparency-client';
import { toHex } from '@sealed/protocol/encoding';
import type { Session } from '../host/session.ts';
import { timeOf } from './format.ts';

/** While a contact is not in the log yet, the safety screen checks again this often... */
export const PENDING_RECHECK_MS = 3_000;
/** ...at most this many times (then the user can press "Check again"). */
export const MAX_PENDING_RECHECKS = 20;

/** Failure codes that mean "not logged yet" for an account or key that may be minutes old. */
const PENDING_CODES: ReadonlySet<string> = new Set(['not-logged-yet', 'not-in-log', 'not-verified']);

/**
 * The status line. `pinnedKeyHex` is the identity key the safety number is computed from: a
 * log that vouches for another key is a failure, whatever else verified.
 */
export function contactStatusText(
  username: string,
  status: ContactTransparencyStatus,
  pinnedKeyHex: string | undefined,
  requirement?: { readonly auditors: number; readonly maxAgeMs: number },
): { kind: 'ok' | 'pending' | 'failed' | 'unknown'; text: string } {
  switch (status.state) {
    case 'not-checked':
      return { kind: 'unknown', text: `Checking ${username} in the key-transparency log…` };
    case 'verified':
      if (pinnedKeyHex !== undefined && toHex(status.identityKey) !== pinnedKeyHex) {
        return { kind: 'failed', text: `Key transparency: the identity key the public log shows for ${username} is NOT the one this safety number is computed from. Do not trust this key until this is explained.` };
      }
      return {
        kind: 'ok',
        text: `Key transparency: ${username}'s identity key and ${status.deviceCount} device${status.deviceCount === 1 ? '' : 's'} (list version ${status.listVersion}) are in the public log (checked at ${timeOf(status.checkedAt)}, log size ${status.treeSize}${requirementText(requirement)}).`,
      };
    case 'failed':
      if (status.code === 'stale-checkpoint') {
        return { kind: 'failed', text: `Key transparency: the log's latest checkpoint is too old for this device (stale-checkpoint: ${status.detail}). The server stopped its log or its auditor stopped countersigning; ${username}'s keys cannot be checked until it is fresh again.` };
      }
      if (PENDING_CODES.has(status.code)) {
        return { kind: 'pending', text: `Key transparency: ${username}'s keys are not in the public log yet; new accounts and devices appear at the server's next epoch. If this stays, the server may be hiding them. (${status.code})` };
      }
      return { kind: 'failed', text: `Key transparency check FAILED for ${username}: ${status.code} (${status.detail}). Do not trust these keys until this is explained.` };
  }
}

/** What a verified checkpoint met: the auditors' countersignatures this device requires, and its age bound. */
function requirementText(requirement: { readonly auditors: number; readonly maxAgeMs: number } | undefined): string {
  if (requirement === undefined) return '';
  const auditors = requirement.auditors === 0 ? 'the server names no auditor' : `countersigned by ${requirement.auditors === 1 ? 'its auditor' : `all ${requirement.auditors} of its auditors`} as required`;
  return `; ${auditors}; checkpoints older than ${durationText(requirement.maxAgeMs)} are refused`;
}

function durationText(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
}

/** Beside the safety number: checks the contact when shown, and again while pending (bounded). */
export function ContactTransparency({ session, username }: { session: Session; username: string }) {
  const status = session.transparencyStatus(username);
  const pinned = () => session.contact(username)?.identityKey;
  const shown = contactStatusText(username, status, pinned(), session.transparency?.requirement);
  useEffect(() => {
    session.checkTransparency(username);
    let checks = 0;
    const timer = setInterval(() => {
      const now = contactStatusText(username, session.transparencyStatus(username), pinned());
      if ((now.kind !== 'pending' && now.kind !== 'unknown') || ++checks > MAX_PENDING_RECHECKS) {
        clearInterval(timer);
        return;
      }
      session.checkTransparency(username);
    }, PENDING_RECHECK_MS);
    return () => clearInterval(timer);
  }, [username]);
  if (session.transparency === undefined) return null;
  return (
    <div class={`kt-status ${shown.kind}`} data-testid="kt-status" data-state={shown.kind}>
      <p role={shown.kind === 'failed' ? 'alert' : 'status'}>{shown.text}</p>
      <button type="button" class="link" onClick={() => session.checkTransparency(username)}>Check again</button>
    </div>
  );
}

/** Our own account in the log (devices screen), with "Check now". */
export function OwnTransparency({ session }: { session: Session }) {
  const kt = session.transparency;
  if (kt === undefined) return null;
  const status = kt.ownStatus;
  const text =
    status.state === 'not-checked'
      ? 'Your account has not been checked against the key-transparency log yet.'
      : status.state === 'ok'
        ? `Your account was checked against the key-transparency log at ${timeOf(status.checkedAt)} (log size ${status.treeSize})${status.accountMonitored ? '' : '; its device list is watched once the log shows your account'}.`
        : status.state === 'pending'
          ? `Your account is not in the key-transparency log yet (checked at ${timeOf(status.checkedAt)}): new accounts appear at the server's next epoch. Checking again shortly.`
          : `Checking your account against the key-transparency log failed at ${timeOf(status.checkedAt)}: ${status.reason}.`;
  return (
    <div class="kt-status" data-testid="kt-own-status" data-state={status.state}>
      <h3>Key transparency</h3>
      <p role="status">{text}</p>
      <button type="button" onClick={() => void kt.monitorNow()}>Check now</button>
    </div>
  );
}

/** The banner of transparency alerts, above every screen while unlocked. */
export function TransparencyAlerts({ session }: { session: Session }) {
  const kt = session.transparency;
  if (kt === undefined || kt.alerts.length === 0) return null;
  return (
    <ul class="notices kt-alerts" aria-label="Key-transparency alerts">
      {kt.alerts.map((a) => (
        <li key={a.id} class="notice error" role="alert" data-kind={a.kind}>
          <span>{a.message}</span>
          <button type="button" class="link" onClick={() => kt.dismiss(a.id)} aria-label="Dismiss alert">×</button>
        </li>
      ))}
    </ul>
  );
}
