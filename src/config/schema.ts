// wg's config.toml as wg deserializes it: the typed keys that make wg's loader fail when wrong; other keys pass untouched.
import * as z from 'zod/mini';

/** What wg does with a config its loader refuses, as the end of every such message. */
export const WG_IGNORES_FILE = 'wg refuses such a config and would ignore the whole file, spawning with its built-in defaults';

const str = z.optional(z.string());
const bool = z.optional(z.boolean());
const num = z.optional(z.number());
const u32 = z.optional(z.int().check(z.nonnegative(), z.maximum(4294967295)));
const u64 = z.optional(z.int().check(z.nonnegative()));

/** wg's tier names as TOML values (serde: lowercase only). */
export const TierNameSchema = z.enum(['fast', 'standard', 'premium']);

const EndpointSchema = z.looseObject({
  name: z.string().check(z.minLength(1)),
  provider: str,
  url: str,
  model: str,
  is_default: bool,
  api_key: str,
  api_key_file: str,
  api_key_env: str,
  api_key_ref: str,
  context_window: u64,
});

/** `[models.<role>]`: a model spec, a tier, an endpoint name (a `provider` key makes wg's validation fail). */
export const RoleModelSchema = z.looseObject({ model: str, tier: z.optional(TierNameSchema), endpoint: str, provider: str });

/** wg's dispatch roles, in wg's `DispatchRole::ALL` order, with `default` first (the order of its validation messages). */
export const ROLES = [
  'default',
  'task_agent',
  'evaluator',
  'flip_inference',
  'flip_comparison',
  'assigner',
  'evolver',
  'verification',
  'triage',
  'creator',
  'compactor',
  'placer',
  'chat_compactor',
] as const;

const ModelsSchema = z.looseObject(
  Object.fromEntries(ROLES.map((r) => [r, z.optional(RoleModelSchema)])) as Record<(typeof ROLES)[number], z.ZodMiniOptional<typeof RoleModelSchema>>,
);

/** One `[[model_registry]]` entry: `id`, `provider`, `model` and `tier` are required. */
export const RegistryEntrySchema = z.looseObject({
  id: z.string(),
  provider: z.string(),
  model: z.string(),
  tier: TierNameSchema,
  endpoint: str,
  context_window: u64,
  max_output_tokens: u64,
  cost_per_input_mtok: num,
  cost_per_output_mtok: num,
  prompt_caching: bool,
  cache_read_discount: num,
  cache_write_premium: num,
  descriptors: z.optional(z.array(z.string())),
});

/** One `[[tag_routing]]` rule: `tag` and `model` are required. */
export const TagRoutingEntrySchema = z.looseObject({ tag: z.string(), model: z.string(), executor: str });

const AgentSchema = z.looseObject({ model: str, executor: str, interval: u64, max_tasks: u32, heartbeat_timeout: u64, reaper_grace_seconds: u64 });

/** Keys typed for wg but never read by policies: validated at run time, kept out of the inferred type. */
const typed = (keys: readonly string[], schema: z.ZodMiniType) => Object.fromEntries(keys.map((k) => [k, schema])) as Record<never, never>;

const DispatcherSchema = z.looseObject({
  model: str,
  executor: str,
  provider: str,
  agent_timeout: str,
  ...typed(
    [
      'max_agents',
      'interval',
      'poll_interval',
      'safety_interval',
      'graph_watch_debounce_ms',
      'settling_delay_ms',
      'compactor_ops_threshold',
      'compaction_token_threshold',
      'max_coordinators',
      'max_chats',
      'archive_retention_days',
      'registry_refresh_interval',
    ],
    u64,
  ),
  ...typed(
    [
      'compactor_interval',
      'max_verify_failures',
      'max_eval_rescues',
      'max_concurrent_verifies',
      'max_spawn_failures',
      'max_escalation_depth',
      'provider_failure_threshold',
      'max_incomplete_retries',
    ],
    u32,
  ),
  ...typed(
    [
      'graph_watch_enabled',
      'coordinator_agent',
      'chat_agent',
      'worktree_isolation',
      'verify_autospawn_enabled',
      'verify_triage_enabled',
      'auto_test_discovery',
      'scoped_verify_enabled',
      'escalate_on_retry',
    ],
    bool,
  ),
  ...typed(
    [
      'default_context_scope',
      'eval_frequency',
      'verify_mode',
      'verify_default_timeout',
      'verify_progress_timeout',
      'on_provider_failure',
      'provider_failure_cooldown',
      'incomplete_retry_delay',
    ],
    str,
  ),
  compaction_threshold_ratio: num,
});

const AgencySchema = z.looseObject({
  ...typed(
    ['auto_evaluate', 'auto_assign', 'auto_place', 'auto_create', 'auto_triage', 'eval_gate_all', 'auto_rescue_on_eval_fail', 'flip_enabled', 'auto_evolve'],
    bool,
  ),
  ...typed(['auto_create_threshold', 'exploration_interval', 'bizarre_ideation_interval', 'evolution_threshold', 'evolution_budget', 'gate_max_attempts'], u32),
  ...typed(['triage_timeout', 'triage_max_log_bytes', 'auto_assign_grace_seconds', 'evolution_interval'], u64),
  ...typed(
    [
      'cache_population_threshold',
      'ucb_exploration_constant',
      'novelty_bonus_multiplier',
      'evolution_reactive_threshold',
      'eval_gate_threshold',
      'flip_verification_threshold',
      'gate_confidence_threshold',
    ],
    num,
  ),
  ...typed(
    [
      'assigner_agent',
      'evaluator_agent',
      'evolver_agent',
      'creator_agent',
      'placer_agent',
      'retention_heuristics',
      'flip_inference_model',
      'flip_comparison_model',
      'agency_server_url',
      'agency_token_path',
      'assignment_source',
      'agency_project_id',
      'upstream_url',
      'evaluator_model',
      'default_validation_mode',
      'gate_uncertain_policy',
    ],
    str,
  ),
});

/** wg's config: the typed keys (a wrong type, a missing required field or a tier outside fast|standard|premium fails wg's load). */
export const ConfigSchema = z.looseObject({
  agent: z.optional(AgentSchema),
  dispatcher: z.optional(DispatcherSchema),
  agency: z.optional(AgencySchema),
  models: z.optional(ModelsSchema),
  tiers: z.optional(z.looseObject({ fast: str, standard: str, premium: str })),
  profile: str,
  model_registry: z.optional(z.array(RegistryEntrySchema)),
  tag_routing: z.optional(z.array(TagRoutingEntrySchema)),
  llm_endpoints: z.optional(z.looseObject({ inherit_global: bool, endpoints: z.optional(z.array(EndpointSchema)) })),
  /** wg-policy's own table (wg ignores it as an unknown key). */
  policy: z.optional(z.looseObject({})),
});
export type WgConfig = z.infer<typeof ConfigSchema>;
export type RoleModel = z.infer<typeof RoleModelSchema>;
export type RegistryEntry = z.infer<typeof RegistryEntrySchema>;
export type TagRoutingEntry = z.infer<typeof TagRoutingEntrySchema>;
