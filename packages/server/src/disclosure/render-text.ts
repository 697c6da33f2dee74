/** The human-readable form of a {@link DisclosureReport} (the JSON form is the report itself). */
import type { DisclosureReport } from './report.ts';

export function renderText(r: DisclosureReport): string {
  const lines: string[] = [];
  const row = (label: string, value: string | number) => lines.push(`  ${label.padEnd(22)}${value}`);
  lines.push(`Sealed server disclosure for account "${r.username}" (storage: ${r.storage}, report version ${r.reportVersion})`, '');
  lines.push('Requested data');
  row('Account created:', `${r.account.createdDay} (day only)`);
  row('Last connection:', `${r.account.lastConnectionDay} (day only)`);
  row('Identity public key:', r.account.identityKey);
  row('Devices:', r.devices.count);
  r.devices.list.forEach((d, i) => lines.push(`    ${i + 1}. device ${d.id}  public key ${d.publicKey}  added ${d.addedDay}`));
  row('Queued entries:', `${r.queuedEntries} (MLS ciphertext; deleted on acknowledgement or expiry)`);
  lines.push('', 'Also held (exact, as stored)');
  row('Account id:', r.alsoHeld.accountId);
  row('Signed device list:', `version ${r.alsoHeld.deviceList.version}, ${r.alsoHeld.deviceList.bytes} bytes (names the devices and keys above)`);
  for (const d of r.alsoHeld.perDevice) {
    lines.push(`  Device ${d.id}`);
    const kinds = Object.entries(d.queue.byKind).map(([k, n]) => `${n} ${k}`).join(', ');
    const range = d.queue.count === 0 ? '' : `, received ${d.queue.oldestReceivedAt} .. ${d.queue.newestReceivedAt}`;
    lines.push(`    queued now: ${d.queue.count}${kinds ? ` (${kinds})` : ''}, ${d.queue.bytes} bytes${range}`);
    lines.push(`    entries ever queued: ${d.entriesEverQueued}`);
    lines.push(`    sessions: ${d.sessions.count}${d.sessions.count ? `, expiring ${d.sessions.expiresAt.join(', ')}` : ''}`);
    lines.push(`    key packages: ${d.keyPackages}${d.lastResortKeyPackage ? ' + a last-resort key package' : ''}`);
    lines.push(`    send records (retry window): ${d.sendRecords.count}${d.sendRecords.count ? `, expiring ${d.sendRecords.expiresAt.join(', ')}` : ''}`);
  }
  const kt = r.alsoHeld.transparency;
  row('Transparency log:', `${kt.accountLabelVersions} device-list version(s) and ${kt.usernameLabelVersions} username binding(s), kept forever (append-only log); last logged device list: ${kt.loggedDeviceListVersion ?? 'none yet'}`);
  lines.push('', 'Not held');
  for (const n of r.notHeld) lines.push(`  - ${n}`);
  lines.push('', 'Findings (held beyond the target of days and counts only)');
  if (r.findings.length === 0) lines.push('  none');
  for (const f of r.findings) lines.push(`  - ${f}`);
  return lines.join('\n') + '\n';
}
