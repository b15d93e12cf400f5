// Reads tasks from wg's graph.jsonl (or a task JSON file) the way wg deserializes them.
import * as z from 'zod/mini';
import { jsonSyntaxReason, PolicyError } from '../shared/errors.js';
import { nestsDeeperThan } from '../shared/depth.js';
import { issueKey, issueSentence } from '../shared/zod-issues.js';
import { findIndexedTask, graphIndex, type GraphIndex } from './task-index.js';

const PRIORITY_NAMES: Readonly<Record<string, number>> = { critical: 100, high: 50, normal: 10, low: 5, idle: 0 };

/** wg's lenient priority: integer, a name, anything else → 10 (reference §2.3). */
export function normalizePriority(value: unknown): number {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 && value <= 0xffffffff ? value : 10;
  if (typeof value === 'string') {
    const name = value.toLowerCase();
    return Object.prototype.hasOwnProperty.call(PRIORITY_NAMES, name) ? PRIORITY_NAMES[name] : 10;
  }
  return 10;
}

const optStr = z.optional(z.nullable(z.string()));

/** The task fields policies read; every other field is kept as wg wrote it. */
export const TaskSchema = z.looseObject({
  id: z.string().check(z.minLength(1)),
  title: optStr,
  description: optStr,
  status: optStr,
  model: optStr,
  endpoint: optStr,
  exec: optStr,
  exec_mode: optStr,
  executor: optStr,
  provider: optStr,
  tier: optStr,
  timeout: optStr,
  verify: optStr,
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
  // The common case, checked by hand: what the zod parse below gives for it (a test holds the two together).
  const o = obj as Record<string, unknown>;
  refuseDeepNesting(o, file, line);
  if (!Object.prototype.hasOwnProperty.call(o, '__proto__') && fitsTaskSchema(o)) return taskOf(o);
  const r = TaskSchema.safeParse(obj);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new PolicyError('task-field', `task field ${issueSentence(issue, obj, { whole: 'the task' })}`, { file, line, key: issueKey(issue) });
  }
  return taskFromParsed(r.data as Record<string, unknown>);
}

/** A task as zod read it, as wg reads it: nulls read as absent (serde's Option); `priority` normalised in place (or added last). */
export function taskFromParsed(data: Record<string, unknown>): Task {
  const out: Record<string, unknown> = {};
  let priority = false;
  for (const k in data) {
    const v = data[k];
    if (v === null || !Object.prototype.hasOwnProperty.call(data, k)) continue;
    const value = k === 'priority' ? normalizePriority(v) : v;
    if (k === 'priority') priority = true;
    if (k === '__proto__') Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
    else out[k] = value;
  }
  if (!priority) out.priority = normalizePriority(undefined);
  return out as Task;
}

const validated = new WeakMap<GraphIndex, Map<string, LoadedTask>>();

/** Task `id` of an indexed graph, validated once per graph version. */
export function taskFromIndex(index: GraphIndex, id: string): LoadedTask {
  let tasks = validated.get(index);
  if (!tasks) validated.set(index, (tasks = new Map()));
  const hit = tasks.get(id);
  if (hit) return hit;
  const found = findIndexedTask(index, id);
  if (!found) throw new PolicyError('task-not-found', `task \`${id}\` is not in ${index.shownAs}`, { file: index.shownAs, key: id });
  const loaded = { task: validate(found.record, index.shownAs, found.line), file: index.shownAs, line: found.line };
  tasks.set(id, loaded);
  return loaded;
}

/**
 * Finds task `id` in graph.jsonl; blank, `#` and non-task lines are skipped; a malformed line anywhere is an error.
 * The file is indexed once per version (revalidated by a stat), so a lookup parses only the task's own line.
 */
export function readTaskFromGraph(path: string, shownAs: string, id: string): LoadedTask {
  return taskFromIndex(graphIndex(path, shownAs), id);
}

/**
 * How deep a task's values may nest: serde_json, which wg reads tasks with, stops at 128 levels. Deeper is bad input
 * (wg could not load the task), refused before anything recurses into it.
 */
export const MAX_TASK_DEPTH = 128;

/** Throws `task-field` naming the top-level field whose value nests deeper than MAX_TASK_DEPTH (the task is level 1). */
function refuseDeepNesting(task: Record<string, unknown>, file: string, line?: number): void {
  for (const key of Object.keys(task))
    if (nestsDeeperThan(task[key], MAX_TASK_DEPTH - 1))
      throw new PolicyError('task-field', `task field \`${key}\` nests deeper than ${MAX_TASK_DEPTH} levels, which wg cannot read`, { file, line, key });
}

/** A deep copy of `v` when it is plain JSON data (what JSON.parse(JSON.stringify(v)) gives unchanged), else undefined. */
function jsonCopy(v: unknown, depth = 1): unknown {
  // Deeper than a task may nest: the JSON path below reports it (and this recursion stays bounded).
  if (depth > MAX_TASK_DEPTH) return undefined;
  if (typeof v === 'string' || typeof v === 'boolean' || v === null) return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'object') return undefined;
  const proto = Object.getPrototypeOf(v) as unknown;
  if (Array.isArray(v)) {
    if (proto !== Array.prototype) return undefined;
    const out: unknown[] = new Array(v.length);
    for (let i = 0; i < v.length; i++) {
      const c = i in v ? jsonCopy(v[i], depth + 1) : undefined;
      if (c === undefined) return undefined;
      out[i] = c;
    }
    return out;
  }
  if (proto !== Object.prototype && proto !== null) return undefined;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    if (k === '__proto__' || k === 'toJSON') return undefined;
    const c = jsonCopy((v as Record<string, unknown>)[k], depth + 1);
    if (c === undefined) return undefined;
    out[k] = c;
  }
  return out;
}

const SHAPE_KEYS = Object.keys(TaskSchema.shape);
const isOptText = (v: unknown) => v === undefined || v === null || typeof v === 'string';

/** True when TaskSchema accepts `o` (checked by hand: the common case skips zod; a failure is reported through zod). */
function fitsTaskSchema(o: Record<string, unknown>): boolean {
  if (typeof o.id !== 'string' || o.id.length === 0) return false;
  for (const k of SHAPE_KEYS) {
    if (k === 'id' || k === 'priority') continue;
    const v = o[k];
    if (k === 'tags') {
      if (v !== undefined && v !== null && !(Array.isArray(v) && v.every((t) => typeof t === 'string'))) return false;
    } else if (!isOptText(v)) return false;
  }
  return true;
}

/** `validate` for an object TaskSchema accepts: the same task, keys in the order zod's parse gives them (the schema's first). */
function taskOf(o: Record<string, unknown>): Task {
  const out: Record<string, unknown> = {};
  for (const k of SHAPE_KEYS) {
    if (!Object.prototype.hasOwnProperty.call(o, k)) continue;
    const v = o[k];
    if (v !== null) out[k] = k === 'priority' ? normalizePriority(v) : v;
  }
  for (const k of Object.keys(o)) {
    const v = o[k];
    if (v !== null && !Object.prototype.hasOwnProperty.call(TaskSchema.shape, k)) out[k] = v;
  }
  if (!Object.prototype.hasOwnProperty.call(out, 'priority')) out.priority = normalizePriority(undefined);
  return out as Task;
}

/**
 * Reads a task given as an object (library callers), exactly as readTaskFromJson reads `JSON.stringify(obj)`: plain
 * JSON data is copied and checked without the text round trip; anything else takes it.
 */
export function readTaskFromObject(obj: Record<string, unknown>, shownAs: string, id?: string): LoadedTask {
  let copy: Record<string, unknown> | undefined;
  let text: string | undefined;
  try {
    copy = jsonCopy(obj) as Record<string, unknown> | undefined;
    if (copy === undefined || Array.isArray(copy) || !fitsTaskSchema(copy)) {
      refuseDeepNesting(obj, shownAs); // before JSON.stringify recurses into it
      text = JSON.stringify(obj) ?? '';
    }
  } catch (e) {
    // A BigInt, a cycle, a getter that throws: not JSON data, so not a task (and not a crash of the caller's batch).
    if (e instanceof PolicyError) throw e;
    throw new PolicyError('task-json', `the task object is not JSON data (${e instanceof Error ? e.message : 'reading it threw'})`, { file: shownAs });
  }
  if (text !== undefined || copy === undefined) return readTaskFromJson(text ?? '', shownAs, id);
  const task = taskOf(copy);
  if (id && task.id !== id) throw new PolicyError('task-json', `task id \`${task.id}\` does not match the requested \`${id}\``, { file: shownAs, key: 'id' });
  return { task, file: shownAs };
}

/** Reads a single task object from JSON text (`--task-json FILE`, `-` for stdin). */
export function readTaskFromJson(text: string, shownAs: string, id?: string): LoadedTask {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    throw new PolicyError('task-json', `invalid JSON: ${jsonSyntaxReason(e)}`, { file: shownAs });
  }
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw new PolicyError('task-json', 'the task must be a JSON object', { file: shownAs });
  const task = validate(obj, shownAs);
  if (id && task.id !== id) throw new PolicyError('task-json', `task id \`${task.id}\` does not match the requested \`${id}\``, { file: shownAs, key: 'id' });
  return { task, file: shownAs };
}
