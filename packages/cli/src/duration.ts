/**
 * Durations of the disappearing-messages timer on the command line: a whole number with a
 * unit, `30s`, `5m`, `1h`, `2d`, `1w` (a bare number is seconds), from 1 second to the
 * content format's bound of one year. `off` is handled by the caller.
 */
import { MAX_DISAPPEAR_AFTER_SECONDS } from '@sealed/client/content/conversation-settings';
import { CliError, EXIT } from './exit-codes.ts';

const UNITS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };
/** Longest duration text accepted: far above "31536000s"; bounds the regular expression's input. */
const MAX_DURATION_TEXT = 16;

/** @throws CliError(usage) for anything but `<n>[s|m|h|d|w]` within 1 second .. 1 year */
export function parseDuration(text: string): number {
  const match = text.length <= MAX_DURATION_TEXT ? /^(\d+)([smhdw]?)$/.exec(text.toLowerCase()) : null;
  if (match === null) throw new CliError(EXIT.usage, `"${text.slice(0, MAX_DURATION_TEXT)}" is not a duration`, 'write a number and a unit, e.g. 30s, 5m, 1h, 2d, 1w, or "off"');
  const seconds = Number(match[1]) * UNITS[match[2] === '' ? 's' : match[2]!]!;
  if (!Number.isSafeInteger(seconds) || seconds < 1 || seconds > MAX_DISAPPEAR_AFTER_SECONDS) {
    throw new CliError(EXIT.usage, `the timer must be from 1 second to 1 year (${text})`, 'e.g. 30s, 1h, 1w, or "off"');
  }
  return seconds;
}

const NAMES: readonly [number, string][] = [
  [604_800, 'week'],
  [86_400, 'day'],
  [3600, 'hour'],
  [60, 'minute'],
  [1, 'second'],
];

/** "30 seconds", "1 hour", "2 weeks": the largest unit that divides it exactly. */
export function formatDuration(seconds: number): string {
  const [size, name] = NAMES.find(([unit]) => seconds % unit === 0) ?? [1, 'second'];
  const count = seconds / size;
  return `${count} ${name}${count === 1 ? '' : 's'}`;
}
