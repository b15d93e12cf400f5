// A graph.jsonl line as wg's load_graph deserializes it: a task or a resource node; any line it cannot read fails the whole load.
import * as z from 'zod/mini';

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
export const LEGACY_STATUSES: Readonly<Record<string, string>> = { 'pending-review': 'done' };

/** Every status spelling wg's loader accepts. */
export const STATUSES = [...Object.keys(WG_STATUSES), ...Object.keys(LEGACY_STATUSES)] as [string, ...string[]];

/** A task's status as wg reads it: a task without one is `open`. */
export function statusOf(task: { status?: unknown }): string {
  return task.status === undefined || task.status === null ? 'open' : String(task.status);
}

const optStr = z.optional(z.nullable(z.string()));
const strList = z.optional(z.array(z.string()));
const u32 = z.optional(z.int().check(z.nonnegative(), z.maximum(4294967295)));
const optU32 = z.optional(z.nullable(z.int().check(z.nonnegative(), z.maximum(4294967295))));
const bool = z.optional(z.boolean());
const of = (keys: readonly string[], schema: z.ZodMiniType) => Object.fromEntries(keys.map((k) => [k, schema])) as Record<never, never>;

const OPT_TEXT_KEYS = [
  'description',
  'assigned',
  'exec',
  'timeout',
  'not_before',
  'created_at',
  'started_at',
  'completed_at',
  'last_interaction_at',
  'failure_reason',
  'model',
  'provider',
  'endpoint',
  'working_dir',
  'executor_preset_name',
  'verify',
  'verify_timeout',
  'agent',
  'last_iteration_completed_at',
  'ready_after',
  'context_scope',
  'exec_mode',
  'session_id',
  'checkpoint',
  'last_resurrected_at',
  'validation',
  'validator_agent',
  'validator_model',
  'tier',
  'supersedes',
  'cron_schedule',
  'last_cron_fire',
  'next_cron_fire',
] as const;
const TEXT_LIST_KEYS = [
  'before',
  'blocks',
  'after',
  'blocked_by',
  'requires',
  'tags',
  'skills',
  'inputs',
  'deliverables',
  'artifacts',
  'command_argv',
  'validation_commands',
  'tried_models',
  'superseded_by',
  'place_near',
  'place_before',
] as const;
const U32_KEYS = [
  'retry_count',
  'loop_iteration',
  'cycle_failure_restarts',
  'triage_count',
  'resurrection_count',
  'gate_attempts',
  'rejection_count',
  'verify_failures',
  'rescue_count',
  'meta_eval_attempts',
  'spawn_failures',
  'dispatch_count',
] as const;
const OPT_U32_KEYS = ['max_retries', 'max_rejections'] as const;
const BOOL_KEYS = ['paused', 'test_required', 'rescued', 'no_tier_escalation', 'unplaced', 'cron_enabled'] as const;

/** wg's `TaskHelper`: `id` and `title` required, every other field typed when present; unknown fields ignored. */
export const TaskNodeSchema = z.looseObject({
  kind: z.literal('task'),
  id: z.string(),
  title: z.string(),
  status: z.optional(z.enum(STATUSES)),
  ...of(OPT_TEXT_KEYS, optStr),
  ...of(TEXT_LIST_KEYS, strList),
  ...of(U32_KEYS, u32),
  ...of(OPT_U32_KEYS, optU32),
  ...of(BOOL_KEYS, bool),
  visibility: z.optional(z.string()),
  failure_class: z.optional(
    z.nullable(
      z.enum(['api-error-400-document', 'api-error-429-rate-limit', 'api-error-5xx-transient', 'agent-hard-timeout', 'agent-exit-nonzero', 'wrapper-internal']),
    ),
  ),
  log: z.optional(z.array(z.looseObject({ timestamp: z.string(), message: z.string(), actor: optStr, user: optStr }))),
  estimate: z.optional(z.nullable(z.looseObject({ hours: z.optional(z.nullable(z.number())), cost: z.optional(z.nullable(z.number())) }))),
  identity: z.optional(z.nullable(z.looseObject({ role_id: z.string(), motivation_id: z.string() }))),
});

/** wg's `Resource` node. */
export const ResourceNodeSchema = z.looseObject({
  kind: z.literal('resource'),
  id: z.string(),
  name: optStr,
  type: optStr,
  available: z.optional(z.nullable(z.number())),
  unit: optStr,
});

const isU32 = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 4294967295;
/** Per simple field of TaskNodeSchema: the same test by hand (the rest of the fields go through their own zod schema). */
const SIMPLE_CHECKS = new Map<string, (v: unknown) => boolean>([
  ...OPT_TEXT_KEYS.map((k) => [k, (v: unknown) => v === undefined || v === null || typeof v === 'string'] as const),
  ...TEXT_LIST_KEYS.map((k) => [k, (v: unknown) => v === undefined || (Array.isArray(v) && v.every((s) => typeof s === 'string'))] as const),
  ...U32_KEYS.map((k) => [k, (v: unknown) => v === undefined || isU32(v)] as const),
  ...OPT_U32_KEYS.map((k) => [k, (v: unknown) => v === undefined || v === null || isU32(v)] as const),
  ...BOOL_KEYS.map((k) => [k, (v: unknown) => v === undefined || typeof v === 'boolean'] as const),
]);

/**
 * True when TaskNodeSchema accepts a record parsed from JSON, checked field by field (simple fields by hand, the others
 * by their own schema); false means "ask TaskNodeSchema", which then names the problem.
 */
export function taskNodeFits(record: Record<string, unknown>): boolean {
  if (record.kind !== 'task' || typeof record.id !== 'string' || typeof record.title !== 'string') return false;
  const shape = TaskNodeSchema.shape as Record<string, z.ZodMiniType>;
  for (const k of Object.keys(record)) {
    if (k === 'kind' || k === 'id' || k === 'title') continue;
    if (k === '__proto__') return false;
    const simple = SIMPLE_CHECKS.get(k);
    if (simple) {
      if (!simple(record[k])) return false;
    } else if (Object.prototype.hasOwnProperty.call(shape, k) && !shape[k].safeParse(record[k]).success) return false;
  }
  return true;
}
