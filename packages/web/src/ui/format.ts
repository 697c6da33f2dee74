/** Small display helpers shared by the screens. */

/** "14:03" today, "3 Mar 14:03" otherwise, in the browser's locale. */
export function timeOf(ms: number): string {
  const date = new Date(ms);
  const sameDay = new Date().toDateString() === date.toDateString();
  return sameDay
    ? date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleString(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
}

/** A conversation's title: its group name, else the other members' names, or "Just you". */
export function titleOf(members: readonly { username: string }[], self: string | undefined, name?: string): string {
  if (name !== undefined && name !== '') return name;
  const others = [...new Set(members.map((m) => m.username))].filter((u) => u !== self);
  return others.length === 0 ? 'Just you' : others.join(', ');
}

/** A device id shown in groups of four hex digits (easier to compare aloud). */
export function groupedHex(hex: string): string {
  return hex.replace(/(.{4})/g, '$1 ').trim();
}

/** Disappearing timer choices (seconds; 0 is off). */
export const TIMER_CHOICES: readonly (readonly [number, string])[] = [
  [0, 'Off'],
  [30, '30 seconds'],
  [300, '5 minutes'],
  [3600, '1 hour'],
  [86_400, '1 day'],
  [604_800, '1 week'],
];

export function timerLabel(seconds: number): string {
  return TIMER_CHOICES.find(([s]) => s === seconds)?.[1] ?? `${seconds} s`;
}
