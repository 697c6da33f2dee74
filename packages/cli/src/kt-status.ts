/** What `sealed status` and `sealed verify` say about key transparency. */
import type { SealedHost } from '@sealed/client/host/host';
import { toHex } from '@sealed/protocol/encoding';

/** Alerts `sealed status` lists at most (the newest). */
const STATUS_ALERTS = 10;

function when(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

/** `sealed status`: the pinned log, the latest checkpoint, the last failure and the alerts kept. */
export function transparencyStatus(host: SealedHost): string[] {
  const kt = host.transparency;
  if (kt === undefined) return ['Key transparency: off (this device pinned no log at init)'];
  const lines: string[] = [];
  const log = toHex(kt.config.signaturePublicKey).slice(0, 16);
  const c = kt.client?.checkpoint;
  lines.push(`Key transparency: on; log key ${log}..., ${kt.trust.requiredAuditors} auditor countersignature${kt.trust.requiredAuditors === 1 ? '' : 's'} required`);
  lines.push(c === undefined ? 'Checkpoint: none verified yet' : `Checkpoint: size ${c.treeSize}, latest entry ${when(c.timestamp)}`);
  const error = kt.lastError;
  const changed = kt.alerts().some((a) => a.kind === 'own-change');
  if (error !== undefined) lines.push(`Your account in the log: NOT VERIFIED (${error.code}: ${error.detail})`);
  else lines.push(changed ? 'Your account in the log: changed in ways this device did not make (see the alerts below)' : 'Your account in the log: no change you did not make');
  const pending = kt.pendingDevices();
  for (const p of pending) lines.push(`Pending in the log: ${p.deviceIds.length} device${p.deviceIds.length === 1 ? '' : 's'} of ${p.username} (not added until logged)`);
  const alerts = kt.alerts().slice(-STATUS_ALERTS);
  if (alerts.length === 0) lines.push('Transparency alerts: none');
  else {
    lines.push(`Transparency alerts (${alerts.length}, newest last):`);
    for (const a of alerts) lines.push(`  ${when(a.at)}  ${a.message}`);
  }
  kt.takeUnshown(); // listed here: not printed again
  return lines;
}

/** `sealed verify <user>`: the contact's status in the log, beside the safety number. */
export async function contactTransparencyLine(host: SealedHost, username: string): Promise<string> {
  const kt = host.transparency;
  if (kt === undefined) return 'Key transparency: off (this device pinned no log at init)';
  const s = await kt.status(username);
  switch (s.state) {
    case 'verified': {
      // The safety number above is computed over the key this device holds (hex in ContactInfo).
      const held = host.engine.contact(username)?.identityKey;
      const same = held === undefined || held === toHex(s.identityKey);
      const auditors = s.auditors === 0 ? 'no auditor countersignature required' : `countersigned by ${s.auditors} auditor${s.auditors === 1 ? '' : 's'}`;
      if (!same) return `Key transparency: the log names ANOTHER identity key for ${username} than this safety number (checkpoint size ${s.treeSize}); compare again before trusting it`;
      return `Key transparency: verified in the log at checkpoint size ${s.treeSize}, ${auditors}; ${s.deviceCount} device${s.deviceCount === 1 ? '' : 's'} (list version ${s.listVersion})`;
    }
    case 'pending':
      return `Key transparency: pending (${s.detail})`;
    case 'failed':
      return `Key transparency: FAILED (${s.code}: ${s.detail}); do not trust this key until it verifies`;
    case 'off':
      return 'Key transparency: off';
  }
}
