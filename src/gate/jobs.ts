// The gate's `jobs` (how many scenarios run at once), checked alike wherever a caller gives it: CLI, serve, library.
import { PolicyError } from '../shared/errors.js';

/** `jobs` as given (a number, or the digits of `--jobs`): a positive whole number, else a `usage` error naming `key`. */
export function jobsOf(given: unknown, key: string): number | undefined {
  if (given === undefined) return undefined;
  const n = typeof given === 'string' && /^\d+$/.test(given) ? Number(given) : given;
  if (typeof n === 'number' && Number.isSafeInteger(n) && n >= 1) return n;
  throw new PolicyError('usage', `\`${key}\` must be a positive whole number, not \`${String(given)}\``, { key });
}
