// completeTask: the gate, then (when allowed) the done transition in graph.jsonl; a denied gate writes nothing.
import { locateWgDir } from '../config/locate.js';
import { doneRefusal, markDone, type Transition } from '../graph/transition.js';
import { PolicyError } from '../shared/errors.js';
import { decideGate, type DoneHooks, type DoneRequest, type Verdict } from './decide.js';

/** The verdict and, when it allowed, what changed in graph.jsonl. */
export interface DoneOutcome {
  verdict: Verdict;
  transition: Transition | null;
}

export interface CompleteHooks extends DoneHooks {
  /** graph.lock is held by another process; the write waits. */
  onWait?: () => void;
  /** Sees the verdict (recorded by now, when asked) before graph.jsonl is touched; a throw stops the transition. */
  afterVerdict?: (verdict: Verdict) => void | Promise<void>;
  now?: () => Date;
}

/** The log message wg-policy leaves on the task. */
export function doneLogMessage(v: Verdict): string {
  const s = v.summary;
  const how = !s.ran
    ? 'bypassed with --skip-smoke'
    : s.selected === 0
      ? 'no owned scenarios'
      : `${s.passed} passed, ${s.skippedCount} skipped of ${s.selected} scenario(s)`;
  return `Task marked done via wg-policy (smoke gate: ${how}; policy ${v.policyRevision})`;
}

/**
 * Runs the done gate for a task and, when it allows, marks the task done under wg's lock. A task whose status
 * cannot go to done is refused (`task-status`) before any scenario runs, and again under the lock.
 */
export async function completeTask(req: DoneRequest, hooks: CompleteHooks = {}): Promise<DoneOutcome> {
  const env = req.env ?? process.env;
  const { wgDir } = locateWgDir({ dir: req.dir, env, cwd: req.cwd ?? process.cwd() });
  const { verdict } = await decideGate(
    { ...req, dir: wgDir },
    {
      ...hooks,
      beforeRun: (task) => {
        const refusal = doneRefusal(task.id, task.status ?? undefined);
        if (refusal) throw new PolicyError('task-status', refusal);
        hooks.beforeRun?.(task);
      },
    },
  );
  await hooks.afterVerdict?.(verdict);
  if (!verdict.allowed) return { verdict, transition: null };
  const transition = await markDone({
    wgDir,
    taskId: verdict.task,
    message: doneLogMessage(verdict),
    actor: env.WG_AGENT_ID || undefined,
    now: hooks.now,
    onWait: hooks.onWait,
  });
  return { verdict, transition };
}
