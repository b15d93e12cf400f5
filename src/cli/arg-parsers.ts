// Parsers for option values (commander argParser): a bad value is a usage error that says what is accepted.
import { InvalidArgumentError } from 'commander';

const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

// ISO 8601 as people type it: a date, or a date and time (minutes at least) with an optional zone.
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * `2h`, `3d`, `90m`, `30s`, `1w` (that long before `now`) or an ISO time (`2025-06-01`, `2025-06-01T12:00Z`) →
 * the instant as an ISO string.
 */
export function timeArg(text: string, now: number = Date.now()): string {
  const d = /^(\d{1,9})([smhdw])$/i.exec(text.trim());
  if (d) return new Date(now - Number(d[1]) * UNIT_MS[d[2].toLowerCase()]).toISOString();
  const t = ISO_TIME.test(text.trim()) ? Date.parse(text.trim()) : NaN;
  if (Number.isNaN(t))
    throw new InvalidArgumentError('Use a duration back from now (30m, 2h, 3d, 1w; units s, m, h, d, w) or an ISO time (2025-06-01, 2025-06-01T12:00Z).');
  return new Date(t).toISOString();
}

/** A whole number ≥ 1. */
export function positiveInt(text: string): number {
  if (!/^\d{1,9}$/.test(text) || Number(text) < 1) throw new InvalidArgumentError('Use a whole number of at least 1.');
  return Number(text);
}
