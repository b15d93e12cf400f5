// wg's timeout strings (`parse_timeout_secs`): a whole number with an optional s, m or h suffix.

/** Seconds for a timeout string as wg reads it, or a reason it cannot be read (`30m` → 1800, `90s` → 90, `120` → 120). */
export function parseTimeoutSecs(text: string): { secs: number } | { error: string } {
  const t = text.trim();
  if (t === '') return { error: 'an empty timeout string' };
  let digits = t;
  let unit = 1;
  // wg strips one suffix, checked in the order s, m, h (case-sensitive).
  if (t.endsWith('s')) digits = t.slice(0, -1);
  else if (t.endsWith('m')) [digits, unit] = [t.slice(0, -1), 60];
  else if (t.endsWith('h')) [digits, unit] = [t.slice(0, -1), 3600];
  // Rust's u64 parser: digits with an optional leading `+`; no sign, space, dot or exponent otherwise.
  if (!/^\+?\d+$/.test(digits)) return { error: 'not a whole number of seconds, minutes (m) or hours (h)' };
  const n = Number(digits.replace(/^\+/, ''));
  const secs = n * unit;
  if (!Number.isSafeInteger(secs)) return { error: 'too large' };
  return { secs };
}
