// Status filters (`--status` of `plan --all` and `diff`, a library's `status`): wg's statuses only, checked before anything is planned.
import { didYouMean } from '../shared/did-you-mean.js';
import { PolicyError } from '../shared/errors.js';
import { STATUSES } from './node-schema.js';

/** Throws `usage` naming `key`, a near status and the allowed ones when `list` holds a status wg does not have. */
export function checkStatuses(list: readonly string[], key: string): void {
  const unknown = list.find((s) => !STATUSES.includes(s));
  if (unknown === undefined) return;
  const allowed = STATUSES.map((s) => `\`${s}\``).join(', ');
  throw new PolicyError('usage', `unknown status \`${unknown}\` given by ${key} (wg's statuses: ${allowed})${didYouMean(unknown, STATUSES)}`, { key });
}

/** A `--status` value: comma-separated statuses as wg spells them in graph.jsonl; anything else is a usage error. */
export function statusFilter(text: string): string[] {
  const list = text.split(',').map((s) => s.trim());
  if (list.some((s) => s === '')) throw new PolicyError('usage', '`--status` needs a comma-separated list of statuses', { key: '--status' });
  checkStatuses(list, '--status');
  return list;
}
