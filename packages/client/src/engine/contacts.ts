/**
 * Contacts as verification sees them: the safety number with an account whose device list
 * this device holds (features/safety-number.ts), marking it verified (the identity key is
 * stored with the mark), and the identity-change warning. The directory pins identity keys
 * on first use and refuses a different one (`identity-changed`); the warning makes that
 * refusal visible, louder when the contact had been verified, and `acceptIdentityChange`
 * lets the user pin the new key after comparing the new safety number (it clears the mark).
 */
import { compareScanned, type SafetyNumber, safetyNumber, type ScanResult } from '../features/safety-number.ts';
import type { Action } from './actions.ts';
import type { EngineCore } from './core.ts';
import { EngineError } from './errors.ts';
import { deviceMetaOf, MAX_VERIFIED_CONTACTS, saveDeviceMeta } from './feature-state.ts';

export interface ContactInfo {
  readonly username: string;
  /** Hex of the pinned identity key. */
  readonly identityKey: string;
  /** Verified, and the pinned key is the one verified. */
  readonly verified: boolean;
  /** Another identity key was offered and refused; the user must compare and accept or not. */
  readonly identityChanged: boolean;
}

function pinnedKey(core: EngineCore, username: string): Uint8Array {
  const list = core.directory.deviceList(username);
  if (list === undefined) throw new EngineError('unknown-contact', username);
  return list.identityKey;
}

/** @throws EngineError('unknown-contact') when this device never fetched `username`'s device list */
export function safetyNumberWith(core: EngineCore, username: string): SafetyNumber {
  const account = core.account!;
  return safetyNumber(core.provider, { username: account.username, identityKey: account.identity.publicKey }, { username, identityKey: pinnedKey(core, username) });
}

/** Compares a scanned QR payload with our safety number with `username`. @throws EngineError('unknown-contact') */
export function compareScannedWith(core: EngineCore, username: string, scanned: string): ScanResult {
  return compareScanned(core.provider, safetyNumberWith(core, username), scanned);
}

/** @throws EngineError('unknown-contact'); EngineError('too-many-users') above MAX_VERIFIED_CONTACTS */
export function markVerified(core: EngineCore, username: string, verified: boolean): Action[] {
  const key = pinnedKey(core, username);
  const meta = deviceMetaOf(core);
  if (verified) {
    if (!meta.verified.has(username) && meta.verified.size >= MAX_VERIFIED_CONTACTS) throw new EngineError('too-many-users', `${MAX_VERIFIED_CONTACTS} verified contacts`);
    meta.verified.set(username, key.slice());
  } else meta.verified.delete(username);
  return [saveDeviceMeta(core)];
}

export function contactInfo(core: EngineCore, username: string): ContactInfo | undefined {
  const list = core.directory.deviceList(username);
  if (list === undefined) return undefined;
  const verifiedKey = deviceMetaOf(core).verified.get(username);
  const hex = [...list.identityKey].map((b) => b.toString(16).padStart(2, '0')).join('');
  return {
    username,
    identityKey: hex,
    verified: verifiedKey !== undefined && core.provider.constantTimeEqual(verifiedKey, list.identityKey),
    identityChanged: core.directory.changedIdentities.has(username),
  };
}

/** One `identity-changed` warning per refused offer (after any event or intent). */
export function identityWarnings(core: EngineCore): Action[] {
  const meta = deviceMetaOf(core);
  const actions: Action[] = [];
  for (const username of core.directory.changedIdentities.keys()) {
    if (meta.warned.has(username)) continue;
    meta.warned.add(username);
    actions.push({ type: 'identity-changed', username, verified: meta.verified.has(username) });
  }
  return actions;
}

/**
 * Pins the refused new identity key of `username` (the user compared the new safety
 * number). The verified mark is cleared: it belonged to the old key.
 * @throws EngineError('unknown-contact') when no change is pending for `username`
 */
export function acceptIdentityChange(core: EngineCore, username: string): Action[] {
  if (!core.directory.acceptIdentityChange(username)) throw new EngineError('unknown-contact', `${username}: no identity change pending`);
  const meta = deviceMetaOf(core);
  meta.warned.delete(username);
  meta.verified.delete(username);
  return [saveDeviceMeta(core)];
}
