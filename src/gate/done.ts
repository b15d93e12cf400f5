// completeTask: the gate, then (when allowed) the decided transition in graph.jsonl; a denied gate writes nothing.
import { locateWgDir } from '../config/locate.js';
import { applyTransition, type Transition } from '../graph/transition.js';
import { decideGate, type DoneHooks, type DoneRequest, type Verdict } from './decide.js';

/** The verdict, what changed in graph.jsonl (null when nothing was written), and the line wg would print on stdout. */
export interface DoneOutcome {
  verdict: Verdict;
  transition: Transition | null;
  /** wg's stdout line: `Marked 't1' as done`, `Task 't1' is already done`, … (null when denied). */
  say: string | null;
}

export interface CompleteHooks extends DoneHooks {
  /** graph.lock is held by another process; the write waits. */
  onWait?: () => void;
  /** Sees the verdict (recorded by now, when asked) before graph.jsonl is touched; a throw stops the transition. */
  afterVerdict?: (verdict: Verdict) => void | Promise<void>;
  now?: () => Date;
}

/** wg's `current_user()`: `$WG_USER`, else `$USER`, else `unknown` (set but empty counts as set). */
export const currentUser = (env: NodeJS.ProcessEnv): string => env.WG_USER ?? env.USER ?? 'unknown';

/**
 * Runs the done gate for a task and, when it allows, writes the transition its `transition` rule decided (status,
 * `completed_at`, wg's log entry) under wg's lock. `unchanged` writes nothing. Under the lock the statuses the
 * decision read are checked again: a task done meanwhile is wg's no-op; any other change is `task-status`.
 */
export async function completeTask(req: DoneRequest, hooks: CompleteHooks = {}): Promise<DoneOutcome> {
  const env = req.env ?? process.env;
  const { wgDir } = locateWgDir({ dir: req.dir, env, cwd: req.cwd ?? process.cwd() });
  const { verdict } = await decideGate({ ...req, dir: wgDir }, hooks);
  await hooks.afterVerdict?.(verdict);
  if (!verdict.allowed) return { verdict, transition: null, say: null };
  const t = verdict.transition;
  if (t.status === 'unchanged' || !t.log) return { verdict, transition: null, say: t.say };
  const result = await applyTransition({
    wgDir,
    taskId: verdict.task,
    to: t.status,
    message: t.log,
    user: currentUser(env),
    expect: { [verdict.task]: verdict.taskStatus, [verdict.evaluation.id]: verdict.evaluation.status },
    now: hooks.now,
    onWait: hooks.onWait,
  });
  if (!result.written) return { verdict, transition: null, say: `Task '${verdict.task}' is already done` };
  return { verdict, transition: result.transition, say: t.say };
}
