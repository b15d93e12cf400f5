// The whole graph as `wg done` reads it: every task by id (the last line wins), statuses and `after` checked as wg's loader checks them.
import { LEGACY_STATUSES, WG_STATUSES } from './node-schema.js';
import { scanGraph } from './scan.js';

export { WG_STATUSES } from './node-schema.js';

/** wg's terminal statuses (`Status::is_terminal`). */
export const TERMINAL_STATUSES: readonly string[] = ['done', 'failed', 'abandoned'];

/** One task as done reads it: canonical status, title, `after` in list order (repeats kept), and the raw record. */
export interface GraphTask {
  id: string;
  status: string;
  title: string;
  after: string[];
  /** 1-based line in graph.jsonl. */
  line: number;
  record: Record<string, unknown>;
}

/** Every task of graph.jsonl text by id (the scanner has refused any line wg's loader would refuse). */
export function readGraph(text: string, shownAs: string): Map<string, GraphTask> {
  const tasks = new Map<string, GraphTask>();
  for (const { index, record } of scanGraph(text, shownAs)) {
    if (record.kind !== 'task' || typeof record.id !== 'string') continue;
    tasks.set(record.id, {
      id: record.id,
      status: canonicalStatus(record.status),
      title: typeof record.title === 'string' ? record.title : '',
      after: afterOf(record),
      line: index + 1,
      record,
    });
  }
  return tasks;
}

/** A status as wg reads it: absent is open, a legacy spelling maps to its status. */
export function canonicalStatus(status: unknown): string {
  if (typeof status !== 'string') return 'open';
  return Object.hasOwn(LEGACY_STATUSES, status) ? LEGACY_STATUSES[status] : status;
}

/** `after` in list order, repeats kept; `blocked_by` is wg's legacy alias. */
function afterOf(record: Record<string, unknown>): string[] {
  const v = Object.hasOwn(record, 'after') ? record.after : record.blocked_by;
  return Array.isArray(v) ? (v as string[]) : [];
}

/** The name wg prints for a status (`InProgress`). */
export function statusDebugName(status: string): string {
  return WG_STATUSES[status] ?? status;
}
