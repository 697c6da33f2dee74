/** A chaos report as text for people: counts first, then every invariant with its verdict. */
import { INVARIANTS } from './invariants.ts';
import type { ChaosReport } from './scenario.ts';

export function renderReport(report: ChaosReport): string {
  const inv = report.invariants;
  const lines = [
    `chaos report: mode ${report.mode}, seed ${report.seed}, ${(report.durationMs / 1000).toFixed(0)} s, ${report.users} users, ${inv.groups} groups`,
    `  steps: ${Object.entries(report.steps).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `  proxy faults: ${Object.entries(report.faults).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `  server faults: ${Object.entries(report.serverFaults).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `  messages: ${inv.messagesSent} sent, ${inv.messagesAcknowledged} acknowledged; deliveries ${inv.deliveriesShown}/${inv.deliveriesExpected}; ` +
      `tolerated race failures ${inv.failuresTolerated}; queued at end ${inv.queuedAtEnd}; settled in ${(inv.settledInMs / 1000).toFixed(1)} s`,
    `  devices: ${report.users} users, ${report.devicesLinked} devices linked, ${inv.devicesRevoked} removed (${inv.deliveriesToRevokedDevices} deliveries to them excused: revoked before reading)`,
    `  memory: server peak ${inv.memory.serverPeakMiB} MiB (last ${inv.memory.serverLastMiB.join(', ')}), clients heap peak ${inv.memory.clientsHeapPeakMiB} MiB`,
  ];
  const kinds = Object.entries(inv.failuresByKind).sort((a, b) => b[1] - a[1]);
  if (kinds.length > 0) lines.push(`  SDK failures by kind: ${kinds.map(([k, n]) => `${k} x${n}`).join('; ')}`);
  const violated = new Set(inv.violations.map((v) => v.invariant));
  for (const name of Object.values(INVARIANTS)) if (!violated.has(name)) lines.push(`  held: ${name}`);
  if (inv.violations.length === 0) lines.push('  invariants: all held');
  for (const v of inv.violations) lines.push(`  VIOLATED: ${v.invariant} (${v.count})${v.examples.map((e) => `\n      ${e}`).join('')}`);
  if (inv.stalls.length > 0) lines.push(`  devices of groups not converged (group@epoch; what incoming processing waits on):${inv.stalls.map((s) => `\n      ${s}`).join('')}`);
  return lines.join('\n');
}
