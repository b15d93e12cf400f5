// `--status` of `plan --all` and `diff`: a comma-separated list of wg's statuses, checked before anything is planned.
import { checkStatuses } from '../graph/node-schema.js';
import { PolicyError } from '../shared/errors.js';

/** A `--status` value: comma-separated statuses as wg spells them in graph.jsonl; anything else is a usage error naming the allowed ones. */
export function statusFilter(text: string): string[] {
  const list = text.split(',').map((s) => s.trim());
  if (list.some((s) => s === '')) throw new PolicyError('usage', '`--status` needs a comma-separated list of statuses', { key: '--status' });
  checkStatuses(list);
  return list;
}
