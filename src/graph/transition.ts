// The done transition (done, pending-eval, pending-validation) on graph.jsonl under wg's lock protocol: flock(LOCK_EX) on graph.lock, temp file, fsync, rename.
import path from 'node:path';
import * as z from 'zod/mini';
import { PolicyError } from '../shared/errors.js';
import { withFileLock } from '../shared/lock.js';
import { readFileBytes } from '../shared/read-file.js';
import { writeAtomically } from '../shared/write-file.js';
import { readGraph } from './graph.js';

/** What the transition changed. */
export const TransitionSchema = z.object({
  task: z.string(),
  from: z.string(),
  /** The status written: done, pending-eval or pending-validation. */
  to: z.string(),
  completedAt: z.string(),
  /** The log entry's message (wg's text). */
  message: z.string(),
  /** graph.jsonl line (1-based) of the task. */
  line: z.number(),
  /** How long the write waited for another holder of graph.lock. */
  waitedMs: z.number(),
});
export type Transition = z.infer<typeof TransitionSchema>;

/** wg's timestamp form (chrono RFC 3339, nanoseconds, `+00:00`). */
export function wgTimestamp(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000000+00:00');
}

/** Top-level members of a JSON object text: key, value span; `close` is the index of the final `}`. */
function members(text: string): { list: Array<{ key: string; start: number; end: number }>; close: number } {
  let i = text.indexOf('{') + 1;
  const list: Array<{ key: string; start: number; end: number }> = [];
  const ws = () => {
    while (/\s/.test(text[i] ?? '')) i++;
  };
  const skipString = () => {
    for (i++; text[i] !== '"'; i++) if (text[i] === '\\') i++;
    i++;
  };
  const skipValue = () => {
    if (text[i] === '"') return skipString();
    if (text[i] === '{' || text[i] === '[') {
      let depth = 0;
      do {
        if (text[i] === '"') {
          skipString();
          continue;
        }
        if (text[i] === '{' || text[i] === '[') depth++;
        else if (text[i] === '}' || text[i] === ']') depth--;
        i++;
      } while (depth > 0);
      return;
    }
    while (i < text.length && !/[\s,}\]]/.test(text[i])) i++;
  };
  for (;;) {
    ws();
    if (text[i] === '}') return { list, close: i };
    const keyStart = i;
    skipString();
    const key = JSON.parse(text.slice(keyStart, i)) as string;
    ws();
    i++; // ':'
    ws();
    const start = i;
    skipValue();
    list.push({ key, start, end: i });
    ws();
    if (text[i] === ',') i++;
  }
}

/**
 * Edits one task line's text: `status` set, `completed_at` set, one entry appended to `log`. Every other byte of the
 * line (field order, number forms, escapes, unknown fields) is kept.
 */
export function editTaskLine(line: string, status: string, completedAt: string, entry: Record<string, string>): string {
  const { list, close } = members(line);
  const last = (k: string) => [...list].reverse().find((m) => m.key === k);
  const edits: Array<{ at: number; end: number; text: string }> = [];
  const appended: string[] = [];
  const set = (k: string, json: string) => {
    const m = last(k);
    if (m) edits.push({ at: m.start, end: m.end, text: json });
    else appended.push(`${JSON.stringify(k)}:${json}`);
  };
  set('status', JSON.stringify(status));
  set('completed_at', JSON.stringify(completedAt));
  const item = JSON.stringify(entry);
  const log = last('log');
  if (log && line[log.start] === '[') {
    const inner = line.slice(log.start + 1, log.end - 1);
    edits.push({ at: log.end - 1, end: log.end - 1, text: inner.trim() === '' ? item : `,${item}` });
  } else set('log', `[${item}]`);
  if (appended.length) edits.push({ at: close, end: close, text: `${list.length ? ',' : ''}${appended.join(',')}` });
  let out = line;
  for (const e of edits.sort((a, b) => b.at - a.at)) out = out.slice(0, e.at) + e.text + out.slice(e.end);
  return out;
}

/** Options for {@link applyTransition}; `now` is injectable. */
export interface TransitionOptions {
  wgDir: string;
  taskId: string;
  /** The status to write. */
  to: string;
  /** The log entry's message. */
  message: string;
  /** The log entry's `user` (wg: `$WG_USER`, else `$USER`, else `unknown`). */
  user: string;
  /** The statuses the decision was made from (the task's and any other task it read); checked again under the lock. */
  expect: Readonly<Record<string, string | null>>;
  now?: () => Date;
  /** Called when graph.lock is held by someone else and the write has to wait. */
  onWait?: () => void;
}

/** The write, or why there was none: the task went to done while the gate ran (wg's re-check: a no-op). */
export type TransitionResult = { written: true; transition: Transition } | { written: false; alreadyDone: true; line: number };

/**
 * Applies a decided transition to `<wgdir>/graph.jsonl` under wg's lock: re-reads the file under the lock, changes
 * only the task's line (the last one with its id, as wg reads it), writes `.graph.tmp.<pid>`, fsyncs, renames over.
 * The log entry is wg's: `{timestamp, actor: <assigned>, user, message}`. A task already done by then is a no-op; a
 * status the decision read that changed meanwhile is `task-status` (nothing written); a bad graph is `graph-line`,
 * `task-field`, `task-not-found` or `file-unreadable`.
 */
export async function applyTransition(opts: TransitionOptions): Promise<TransitionResult> {
  const graph = path.join(opts.wgDir, 'graph.jsonl');
  const shownAs = path.join(path.basename(opts.wgDir), 'graph.jsonl');
  const started = performance.now();
  return withFileLock(
    path.join(opts.wgDir, 'graph.lock'),
    (): TransitionResult => {
      const waitedMs = Math.round(performance.now() - started);
      // INVARIANT: every other line is written back byte for byte (bytes that are not UTF-8 included).
      const bytes = readFileBytes(graph, { shownAs, what: 'graph' })!;
      const text = bytes.toString('utf8');
      const tasks = readGraph(text, shownAs);
      const task = tasks.get(opts.taskId);
      if (!task) throw new PolicyError('task-not-found', `task \`${opts.taskId}\` is not in ${shownAs}`, { file: shownAs, key: opts.taskId });
      if (task.status === 'done') return { written: false, alreadyDone: true, line: task.line };
      for (const [id, was] of Object.entries(opts.expect)) {
        const now = tasks.get(id)?.status ?? null;
        if (now !== was)
          throw new PolicyError(
            'task-status',
            `task \`${id}\` changed while the gate ran (${was ?? 'absent'} → ${now ?? 'absent'}); nothing was written, run the gate again`,
            { file: shownAs, line: tasks.get(id)?.line, key: id },
          );
      }
      const completedAt = wgTimestamp((opts.now ?? (() => new Date()))());
      const assigned = task.record.assigned;
      const entry = { timestamp: completedAt, ...(typeof assigned === 'string' ? { actor: assigned } : {}), user: opts.user, message: opts.message };
      const lines = splitLines(bytes);
      const raw = lines[task.line - 1].toString('utf8');
      const cr = raw.endsWith('\r') ? '\r' : '';
      const edited = editTaskLine(cr ? raw.slice(0, -1) : raw, opts.to, completedAt, entry) + cr;
      JSON.parse(edited); // INVARIANT: the edited line is still one JSON object
      lines[task.line - 1] = Buffer.from(edited, 'utf8');
      writeAtomically(
        graph,
        path.join(opts.wgDir, `.graph.tmp.${process.pid}`),
        joinLines(lines),
        (reason) => new PolicyError('write-failed', `cannot write \`${shownAs}\`: ${reason}; it was left as it was`, { file: shownAs }),
      );
      const transition = { task: opts.taskId, from: task.status, to: opts.to, completedAt, message: opts.message, line: task.line, waitedMs };
      return { written: true, transition };
    },
    { onWait: opts.onWait, what: shownAs },
  );
}

/** The lines of a file as bytes, split at `\n` (the `\n` dropped). */
function splitLines(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let nl = bytes.indexOf(0x0a); nl >= 0; nl = bytes.indexOf(0x0a, start)) {
    out.push(bytes.subarray(start, nl));
    start = nl + 1;
  }
  out.push(bytes.subarray(start));
  return out;
}

const joinLines = (lines: Buffer[]): Buffer => Buffer.concat(lines.flatMap((l, i) => (i === 0 ? [l] : [NEWLINE, l])));
const NEWLINE = Buffer.from('\n');
