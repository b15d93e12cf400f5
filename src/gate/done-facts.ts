// wg's done preconditions as facts: the task's verify/validation fields, its blockers, its `.evaluate-<id>` task and its cycle.
import { analyzeCycles } from '../graph/cycles.js';
import { statusDebugName, TERMINAL_STATUSES, type GraphTask } from '../graph/graph.js';
import type { BlockersFactSchema, CycleFactSchema, DoneConfigFactSchema, EvaluationFactSchema, GateTaskFactSchema } from '../stages/gate.js';
import type * as z from 'zod/mini';

type TaskFact = z.infer<typeof GateTaskFactSchema>;
type BlockersFact = z.infer<typeof BlockersFactSchema>;
type EvaluationFact = z.infer<typeof EvaluationFactSchema>;
type CycleFact = z.infer<typeof CycleFactSchema>;
type DoneConfigFact = z.infer<typeof DoneConfigFactSchema>;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** One line for messages: control characters and line breaks (from hostile titles) become spaces. */
const oneLine = (s: string) => s.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ');

/** The `task` fact. */
export function taskFact(t: { id: string; priority: number }, record: Record<string, unknown>, status: string, after: string[]): TaskFact {
  const log = Array.isArray(record.log) ? record.log : [];
  return {
    id: t.id,
    title: str(record.title),
    status,
    priority: t.priority,
    tags: strs(record.tags),
    assigned: str(record.assigned),
    system: t.id.startsWith('.'),
    verify: str(record.verify),
    validation: str(record.validation),
    validationCommands: strs(record.validation_commands),
    validationLogged: log.some((e) => !!e && typeof e === 'object' && /validat/i.test(String((e as Record<string, unknown>).message ?? ''))),
    after,
  };
}

/**
 * wg's blocker set (`done.rs` step 3): each `after` entry that is a task not done or abandoned, unless it is failed,
 * in the task's own cycle, or pending-eval while the task is a system task. Repeats are kept, as wg keeps them.
 */
export function blockersFact(task: GraphTask, tasks: ReadonlyMap<string, GraphTask>, cycleOf: ReadonlyMap<string, number>): BlockersFact {
  const out: BlockersFact = { unresolved: [], count: 0, detail: '', failed: [], sameCycle: [], pendingEval: [], missing: [] };
  const mine = cycleOf.get(task.id);
  const lines: string[] = [];
  for (const id of task.after) {
    const b = tasks.get(id);
    if (!b) {
      out.missing.push(id);
      continue;
    }
    if (b.status === 'done' || b.status === 'abandoned') continue;
    if (mine !== undefined && cycleOf.get(id) === mine) out.sameCycle.push(id);
    else if (task.id.startsWith('.') && b.status === 'pending-eval') out.pendingEval.push(id);
    else if (b.status === 'failed') out.failed.push(id);
    else {
      out.unresolved.push(id);
      lines.push(`${oneLine(id)} (${oneLine(b.title)}): ${statusDebugName(b.status)}`);
    }
  }
  out.count = out.unresolved.length;
  out.detail = lines.join('; ');
  return out;
}

/** The `.evaluate-<id>` task (wg's pick_done_target_status reads only its existence and status). */
export function evaluationFact(id: string, tasks: ReadonlyMap<string, GraphTask>): EvaluationFact {
  const evalId = `.evaluate-${id}`;
  const e = tasks.get(evalId);
  return { id: evalId, exists: !!e, status: e?.status ?? null, open: !!e && !TERMINAL_STATUSES.includes(e.status) };
}

const cycleConfig = (t: GraphTask | undefined) => {
  const c = t?.record.cycle_config;
  return c && typeof c === 'object' && !Array.isArray(c) ? (c as Record<string, unknown>) : null;
};

/**
 * The task's cycle: its strongly connected component, or (wg's implicit cycle) its `after` list plus itself when only
 * the task has a `cycle_config`. The config owner is the first member, in id order, that has one.
 */
export function cycleFact(task: GraphTask, tasks: ReadonlyMap<string, GraphTask>, analysis = analyzeCycles(tasks)): CycleFact {
  const index = analysis.cycleOf.get(task.id);
  const scc = index === undefined ? [] : analysis.cycles[index];
  const members = scc.length ? scc : cycleConfig(task) ? [...task.after.filter((id) => tasks.has(id)), task.id] : [];
  const owner = members.map((m) => tasks.get(m)).find((m) => cycleConfig(m));
  const config = cycleConfig(owner);
  const max = typeof config?.max_iterations === 'number' ? config.max_iterations : 0;
  const iteration = typeof owner?.record.loop_iteration === 'number' ? owner.record.loop_iteration : 0;
  const closed = (id: string) => ['done', 'abandoned'].includes(tasks.get(id)?.status ?? '');
  return {
    member: scc.length > 0,
    members,
    configured: !!config,
    othersClosed: members.filter((m) => m !== task.id).every(closed),
    exhausted: max > 0 && iteration + 1 >= max,
  };
}

/** The `config` fact from the merged `[dispatcher]` table (the local file's keys win, as wg merges them). */
export function doneConfigFact(dispatcher: { local?: Record<string, unknown>; global?: Record<string, unknown> }): DoneConfigFact {
  const pick = (k: string) => (dispatcher.local && Object.hasOwn(dispatcher.local, k) ? dispatcher.local[k] : dispatcher.global?.[k]);
  const mode = pick('verify_mode');
  return { verifyMode: typeof mode === 'string' ? mode : 'inline', verifyAutospawn: pick('verify_autospawn_enabled') === true };
}
