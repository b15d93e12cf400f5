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

const optStr = z.optional(z.nullable(z.string()));
const strList = z.optional(z.array(z.string()));
const u32 = z.optional(z.int().check(z.nonnegative(), z.maximum(4294967295)));
const optU32 = z.optional(z.nullable(z.int().check(z.nonnegative(), z.maximum(4294967295))));
const bool = z.optional(z.boolean());
const of = (keys: readonly string[], schema: z.ZodMiniType) => Object.fromEntries(keys.map((k) => [k, schema])) as Record<never, never>;

/** wg's `TaskHelper`: `id` and `title` required, every other field typed when present; unknown fields ignored. */
export const TaskNodeSchema = z.looseObject({
  kind: z.literal('task'),
  id: z.string(),
  title: z.string(),
  status: z.optional(z.enum(STATUSES)),
  ...of(
    [
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
    ],
    optStr,
  ),
  ...of(
    [
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
    ],
    strList,
  ),
  ...of(
    [
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
    ],
    u32,
  ),
  ...of(['max_retries', 'max_rejections'], optU32),
  ...of(['paused', 'test_required', 'rescued', 'no_tier_escalation', 'unplaced', 'cron_enabled'], bool),
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
