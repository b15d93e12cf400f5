// Parsers for option values (commander argParser): a bad value is a usage error that says what is accepted.
import { InvalidArgumentError } from 'commander';

const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

// ISO 8601 as people type it: a date, or a date and time (minutes at least) with an optional zone.
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;
// The instants a JavaScript Date can hold (±100,000,000 days around 1970).
const DATE_LIMIT_MS = 8.64e15;
const USE = 'Use a duration back from now (30m, 2h, 3d, 1w; units s, m, h, d, w) or an ISO time (2025-06-01, 2025-06-01T12:00Z).';

/**
 * `2h`, `3d`, `90m`, `30s`, `1w` (that long before `now`) or an ISO time (`2025-06-01`, `2025-06-01T12:00Z`; without a
 * zone, local time) → the instant as an ISO string. A date that does not exist (`2025-02-30`) is refused, not rolled over.
 */
export function timeArg(text: string, now: number = Date.now()): string {
  const d = /^(\d{1,9})([smhdw])$/i.exec(text.trim());
  const t = d ? now - Number(d[1]) * UNIT_MS[d[2].toLowerCase()] : isoInstant(text.trim());
  if (!(Math.abs(t) <= DATE_LIMIT_MS)) throw new InvalidArgumentError(USE); // NaN too
  return new Date(t).toISOString();
}

/** The instant an ISO time names, or NaN when it is not one or names a day, hour or zone that does not exist. */
function isoInstant(text: string): number {
  const m = ISO_TIME.exec(text);
  if (!m) return NaN;
  const wanted = m.slice(1, 7).map((x) => (x === undefined ? 0 : Number(x)));
  const [year, month, day, hour, minute, second] = wanted;
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  const zone = m[8] === undefined ? undefined : /^([+-])(\d{2}):?(\d{2})$/.exec(m[8]);
  if (zone && (Number(zone[2]) > 23 || Number(zone[3]) > 59)) return NaN;
  const utc = m[8] !== undefined;
  const date = new Date(0);
  if (utc) {
    date.setUTCFullYear(year, month - 1, day);
    date.setUTCHours(hour, minute, second, ms);
  } else {
    date.setFullYear(year, month - 1, day);
    date.setHours(hour, minute, second, ms);
  }
  // A field out of range (2025-02-30, 24:00) or a local time the clocks skip comes back moved: it does not exist.
  const got = utc
    ? [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()]
    : [date.getFullYear(), date.getMonth() + 1, date.getDate(), date.getHours(), date.getMinutes(), date.getSeconds()];
  if (got.some((v, k) => v !== wanted[k])) return NaN;
  const offsetMin = zone ? (zone[1] === '-' ? -1 : 1) * (Number(zone[2]) * 60 + Number(zone[3])) : 0;
  return date.getTime() - offsetMin * 60_000;
}

/** A whole number ≥ 1. */
export function positiveInt(text: string): number {
  if (!/^\d{1,9}$/.test(text) || Number(text) < 1) throw new InvalidArgumentError('Use a whole number of at least 1.');
  return Number(text);
}
