// The whole graph as `wg done` reads it: every task by id (the last line wins), statuses and `after` checked as wg's loader checks them.
import { PolicyError } from '../shared/errors.js';
import { scanGraph } from './scan.js';

/** wg's task statuses (graph.jsonl spelling) and the Rust variant name wg prints for each (`{:?}`). */
export const WG_STATUSES: Readonly<Record<string, string>> = {
  open: 'Open',
  'in-progress': 'InProgress',
  waiting: 'Waiting',
  done: 'Done',
  blocked: 'Blocked',
  failed: 'Failed',
  abandoned: 'Abandoned',
  'pending-validation': 'PendingValidation',
  'pending-eval': 'PendingEval',
  'failed-pending-eval': 'FailedPendingEval',
  incomplete: 'Incomplete',
};

/** Legacy spellings wg still reads: `pending-review` deserializes to done. */
const LEGACY: Readonly<Record<string, string>> = { 'pending-review': 'done' };

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

/** Every task of graph.jsonl text by id; a status or `after` wg's loader would refuse is `task-field` naming the line. */
export function readGraph(text: string, shownAs: string): Map<string, GraphTask> {
  const tasks = new Map<string, GraphTask>();
  for (const { index, record } of scanGraph(text, shownAs)) {
    if (record.kind !== 'task' || typeof record.id !== 'string') continue;
    const at = { file: shownAs, line: index + 1 };
    tasks.set(record.id, {
      id: record.id,
      status: canonicalStatus(record, record.id, at),
      title: typeof record.title === 'string' ? record.title : '',
      after: afterOf(record, record.id, at),
      line: index + 1,
      record,
    });
  }
  return tasks;
}

/** A task record's status as wg reads it: absent is open, legacy spellings map, anything else wg refuses. */
export function canonicalStatus(record: Record<string, unknown>, id: string, at: { file: string; line: number }): string {
  if (!Object.hasOwn(record, 'status')) return 'open';
  const s = record.status;
  if (typeof s === 'string' && Object.hasOwn(WG_STATUSES, s)) return s;
  if (typeof s === 'string' && Object.hasOwn(LEGACY, s)) return LEGACY[s];
  const shown = typeof s === 'string' ? `\`${s}\`` : JSON.stringify(s);
  throw new PolicyError('task-field', `task \`${id}\` has the unknown status ${shown}, which wg cannot load (known: ${Object.keys(WG_STATUSES).join(', ')})`, {
    ...at,
    key: 'status',
  });
}

function afterOf(record: Record<string, unknown>, id: string, at: { file: string; line: number }): string[] {
  // `blocked_by` is wg's legacy alias of `after`.
  const key = Object.hasOwn(record, 'after') ? 'after' : 'blocked_by';
  const v = record[key];
  if (v === undefined || v === null) return [];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v;
  throw new PolicyError('task-field', `task \`${id}\`: \`${key}\` must be a list of task ids`, { ...at, key });
}

/** The name wg prints for a status (`InProgress`). */
export function statusDebugName(status: string): string {
  return WG_STATUSES[status] ?? status;
}
