// The done transition on graph.jsonl under wg's lock protocol: flock(LOCK_EX) on graph.lock, temp file, fsync, rename.
import { closeSync, constants, fchmodSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod/mini';
import { PolicyError } from '../shared/errors.js';
import { withFileLock } from '../shared/lock.js';
import { readTextFile } from '../shared/read-file.js';
import { findTaskLine } from './scan.js';

/** What the transition changed. */
export const TransitionSchema = z.object({
  task: z.string(),
  from: z.string(),
  to: z.literal('done'),
  completedAt: z.string(),
  /** graph.jsonl line (1-based) of the task. */
  line: z.number(),
  /** How long the write waited for another holder of graph.lock. */
  waitedMs: z.number(),
});
export type Transition = z.infer<typeof TransitionSchema>;

/**
 * Why a task in `status` cannot go to done, or null when it can. Decision: any non-terminal status may go to
 * done (wg's `wg done` is also used by humans on open tasks); done (and legacy pending-review), abandoned and
 * failed are refused — a failed task is reopened with `wg retry` first.
 */
export function doneRefusal(id: string, status: string | undefined): string | null {
  switch (status ?? 'open') {
    case 'done':
    case 'pending-review':
      return `task \`${id}\` is already done`;
    case 'abandoned':
      return `task \`${id}\` is abandoned; reopen it before marking it done`;
    case 'failed':
      return `task \`${id}\` has failed; run \`wg retry ${id}\` before marking it done`;
    default:
      return null;
  }
}

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
 * Marks one task line done by editing its text: `status` set, `completed_at` set, one entry appended to `log`.
 * Every other byte of the line (field order, number forms, escapes, unknown fields) is kept.
 */
export function editTaskLineDone(line: string, completedAt: string, entry: Record<string, string>): string {
  const { list, close } = members(line);
  const last = (k: string) => [...list].reverse().find((m) => m.key === k);
  const edits: Array<{ at: number; end: number; text: string }> = [];
  const appended: string[] = [];
  const set = (k: string, json: string) => {
    const m = last(k);
    if (m) edits.push({ at: m.start, end: m.end, text: json });
    else appended.push(`${JSON.stringify(k)}:${json}`);
  };
  set('status', '"done"');
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

/** Options for {@link markDone}; `now` is injectable. */
export interface MarkDoneOptions {
  wgDir: string;
  taskId: string;
  message: string;
  actor?: string;
  now?: () => Date;
  /** Called when graph.lock is held by someone else and the write has to wait. */
  onWait?: () => void;
}

/**
 * Marks a task done in `<wgdir>/graph.jsonl` under wg's lock: re-reads the file under the lock, changes only the
 * task's line (the last one with its id, as wg reads it), writes `.graph.tmp.<pid>`, fsyncs, renames over.
 * Throws `task-status` when the task's status cannot go to done; `graph-line`, `task-not-found` or `file-unreadable` for a bad graph.
 */
export async function markDone(opts: MarkDoneOptions): Promise<Transition> {
  const graph = path.join(opts.wgDir, 'graph.jsonl');
  const shownAs = path.join(path.basename(opts.wgDir), 'graph.jsonl');
  const started = performance.now();
  return withFileLock(
    path.join(opts.wgDir, 'graph.lock'),
    () => {
      const waitedMs = Math.round(performance.now() - started);
      const text = readTextFile(graph, { shownAs, what: 'graph' });
      const found = findTaskLine(text, shownAs, opts.taskId);
      if (!found) throw new PolicyError('task-not-found', `task \`${opts.taskId}\` is not in ${shownAs}`, { file: shownAs, key: opts.taskId });
      const status = typeof found.record.status === 'string' ? found.record.status : undefined;
      const refusal = doneRefusal(opts.taskId, status);
      if (refusal) throw new PolicyError('task-status', refusal, { file: shownAs, line: found.index + 1 });
      const completedAt = wgTimestamp((opts.now ?? (() => new Date()))());
      const entry = { timestamp: completedAt, ...(opts.actor ? { actor: opts.actor } : {}), message: opts.message };
      const lines = text.split('\n');
      const raw = lines[found.index];
      const cr = raw.endsWith('\r') ? '\r' : '';
      const edited = editTaskLineDone(cr ? raw.slice(0, -1) : raw, completedAt, entry) + cr;
      JSON.parse(edited); // INVARIANT: the edited line is still one JSON object
      lines[found.index] = edited;
      writeAtomically(graph, path.join(opts.wgDir, `.graph.tmp.${process.pid}`), lines.join('\n'));
      return { task: opts.taskId, from: status ?? 'open', to: 'done' as const, completedAt, line: found.index + 1, waitedMs };
    },
    { onWait: opts.onWait, what: shownAs },
  );
}

/** Writes `tmp`, fsyncs it, renames it over `target` (keeping the target's mode), then fsyncs the folder. */
export function writeAtomically(target: string, tmp: string, text: string): void {
  let mode = 0o644;
  try {
    mode = statSync(target).mode & 0o7777;
  } catch {
    // a new file
  }
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, mode);
  try {
    const buf = Buffer.from(text, 'utf8');
    for (let off = 0; off < buf.length;) off += writeSync(fd, buf, off, buf.length - off);
    fchmodSync(fd, mode);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(tmp);
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, target);
  try {
    const dir = openSync(path.dirname(target), constants.O_RDONLY);
    fsyncSync(dir);
    closeSync(dir);
  } catch {
    // some file systems cannot fsync a folder; the rename itself is atomic
  }
}
