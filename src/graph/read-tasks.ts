// Reads tasks from wg's graph.jsonl (or a task JSON file) the way wg deserializes them.
import { readFileSync } from 'node:fs';
import * as z from 'zod/mini';
import { badInput } from '../shared/errors.js';
import { issuePath, issueProblem, valueAt } from '../shared/zod-issues.js';

const PRIORITY_NAMES: Record<string, number> = { critical: 100, high: 50, normal: 10, low: 5, idle: 0 };

/** wg's lenient priority: integer, a name, anything else → 10 (reference §2.3). */
export function normalizePriority(value: unknown): number {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 && value <= 0xffffffff ? value : 10;
  if (typeof value === 'string') return PRIORITY_NAMES[value.toLowerCase()] ?? 10;
  return 10;
}

const optStr = z.optional(z.nullable(z.string()));

/** The task fields policies read; every other field is kept as wg wrote it. */
export const TaskSchema = z.looseObject({
  id: z.string().check(z.minLength(1)),
  title: optStr,
  status: optStr,
  model: optStr,
  endpoint: optStr,
  exec: optStr,
  exec_mode: optStr,
  executor: optStr,
  provider: optStr,
  tier: optStr,
  agent: optStr,
  assigned: optStr,
  session_id: optStr,
  tags: z.optional(z.nullable(z.array(z.string()))),
  priority: z.optional(z.unknown()),
});
export type Task = z.infer<typeof TaskSchema> & { priority: number };

/** A task and where it was read from. */
export interface LoadedTask {
  task: Task;
  /** Display path of the file, and the 1-based line for graph.jsonl. */
  file: string;
  line?: number;
}

function validate(obj: unknown, file: string, line?: number): Task {
  const r = TaskSchema.safeParse(obj);
  if (!r.success) {
    const issue = r.error.issues[0];
    const key = issuePath(issue.path);
    throw badInput(`${line ? `${file}:${line}` : file}: task field \`${key}\` ${issueProblem(issue, valueAt(obj, issue.path))}`, { file, line, key });
  }
  // Nulls read as absent, as serde's Option does.
  const clean = Object.fromEntries(Object.entries(r.data).filter(([, v]) => v !== null));
  return { ...clean, priority: normalizePriority(r.data.priority) } as Task;
}

/** Finds task `id` in graph.jsonl; blank, `#` and non-task lines are skipped; a malformed line is an error. */
export function readTaskFromGraph(path: string, shownAs: string, id: string): LoadedTask {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : (e as Error).message;
    throw badInput(`cannot read task \`${id}\`: ${shownAs} ${why}`, { file: shownAs, help: 'pass --task-json FILE to give the task directly' });
  }
  let found: { obj: unknown; line: number } | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (!raw || raw.startsWith('#')) continue;
    let obj: unknown;
    try {
      obj = JSON.parse(raw);
    } catch (e) {
      throw badInput(`${shownAs}:${i + 1}: invalid JSON: ${(e as Error).message}`, { file: shownAs, line: i + 1 });
    }
    if (!obj || typeof obj !== 'object' || Array.isArray(obj))
      throw badInput(`${shownAs}:${i + 1}: each line must be a JSON object`, { file: shownAs, line: i + 1 });
    const rec = obj as Record<string, unknown>;
    if (rec.kind !== 'task') continue;
    if (rec.id === id) found = { obj, line: i + 1 }; // a duplicate id: the later line wins, as in wg
  }
  if (!found) throw badInput(`task \`${id}\` is not in ${shownAs}`, { file: shownAs, key: id });
  return { task: validate(found.obj, shownAs, found.line), file: shownAs, line: found.line };
}

/** Reads a single task object from JSON text (`--task-json FILE`, `-` for stdin). */
export function readTaskFromJson(text: string, shownAs: string, id?: string): LoadedTask {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    throw badInput(`${shownAs}: invalid JSON: ${(e as Error).message}`, { file: shownAs });
  }
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw badInput(`${shownAs}: the task must be a JSON object`, { file: shownAs });
  const task = validate(obj, shownAs);
  if (id && task.id !== id) throw badInput(`${shownAs}: task id \`${task.id}\` does not match the requested \`${id}\``, { file: shownAs, key: 'id' });
  return { task, file: shownAs };
}
