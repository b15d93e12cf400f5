// The facts spawn policies read, as zod schemas: `check` derives every fact path from them.
import * as z from 'zod/mini';
import { EndpointSchema, PublicEndpointSchema } from '../config/endpoint.js';
import { ROLES, TierNameSchema } from '../config/schema.js';
import { TaskSchema } from '../graph/read-tasks.js';

const optText = z.optional(z.string());
const Source = z.object({ layer: z.string(), file: z.nullable(z.string()), key: z.string() });

/** The executors wg can launch. */
export const ExecutorSchema = z.enum(['claude', 'native', 'codex', 'shell']);

/** The spawn sites wg has: the dispatcher tick, IPC spawn, `wg spawn`, `wg spawn-task`, the chat supervisor. */
export const SiteSchema = z.enum(['dispatcher', 'ipc', 'spawn', 'spawn-task', 'chat']);

/** How the task is launched: an agent process (run.sh), the dispatcher's inline shell, a chat handler, the chat supervisor. */
export const LaunchSchema = z.enum(['agent', 'inline-shell', 'chat-handler', 'chat-supervisor']);

/** A registry entry (wg's built-ins, then `[[model_registry]]`), with its index in the effective list. */
export const RegistryModelSchema = z.object({
  index: z.number(),
  id: z.string(),
  provider: z.string(),
  model: z.string(),
  tier: TierNameSchema,
  endpoint: z.nullable(z.string()),
});

/**
 * A model spec as later stages see it: verbatim, its provider prefix (null when bare), the name after it; for a bare
 * spec its registry entry (by id, then by model); for a bare unregistered name without `/` the model cache's answer
 * (`suggestions` as one text, each `openrouter:`-prefixed); for a spec with `/`, whether the model cache lists it.
 */
export const ModelSpecSchema = z.object({
  spec: z.string(),
  provider: z.nullable(z.string()),
  name: z.string(),
  registry: z.nullable(RegistryModelSchema),
  cache: z.nullable(z.object({ resolved: z.nullable(z.string()), suggestions: z.string() })),
  listed: z.nullable(z.boolean()),
});

/** An executor configuration: a `<wgdir>/executors/<name>.toml`, or wg's built-in of that name. */
export const ExecutorConfigSchema = z.object({
  name: z.string(),
  type: z.string(),
  command: z.string(),
  args: z.array(z.string()),
  env: z.record(z.string(), z.string()),
  working_dir: z.nullable(z.string()),
  timeout: z.nullable(z.number()),
  model: z.nullable(z.string()),
  modelProvider: z.nullable(z.string()),
  file: z.string(),
  builtin: z.boolean(),
  runtimeVars: z.string(),
  runtimeArgVars: z.string(),
});

/** `cli`: what the caller of planSpawn passed; `site` is always set (default `dispatcher`). */
export const CliFactSchema = z.object({
  site: SiteSchema,
  agentExecutor: optText,
  defaultModel: optText,
  agent: optText,
  agentId: optText,
  promptFile: optText,
  timeout: optText,
  role: optText,
});

const RoleModel = z.object({ model: optText, tier: optText, endpoint: optText });

/** `local` / `global`: the keys of one config file policies may read (never key material), and model-spec prefixes. */
export const ConfigFactSchema = z.object({
  file: z.string(),
  agent: z.object({ model: optText, executor: optText }),
  dispatcher: z.object({ model: optText, executor: optText, agent_timeout: optText }),
  models: z.object(Object.fromEntries(ROLES.map((r) => [r, z.optional(RoleModel)])) as Record<(typeof ROLES)[number], z.ZodMiniOptional<typeof RoleModel>>),
  tiers: z.object({ fast: optText, standard: optText, premium: optText }),
  profile: optText,
  llm_endpoints: z.object({ inherit_global: z.optional(z.boolean()), endpoints: z.optional(z.array(PublicEndpointSchema)) }),
  /** The provider prefix of `agent.model` and `dispatcher.model` (wg's role provider reads them). */
  prefix: z.object({ agent: z.object({ model: optText }), dispatcher: z.object({ model: optText }) }),
});

/** `endpoints`: the effective endpoint list for native spawns, and why it is what it is. */
export const EndpointsFactSchema = z.object({
  list: z.array(PublicEndpointSchema),
  names: z.array(z.string()),
  defaults: z.array(z.string()),
  count: z.number(),
  origin: z.nullable(z.string()),
  /** The active named profile when it is what made the global list count. */
  viaProfile: z.nullable(z.string()),
  looked: z.string(),
});

/** `spawn`: where wg keeps the agent's files, the id it would give the next agent, and the chat handler's inputs. */
export const SpawnFactSchema = z.object({
  wgDir: z.string(),
  workingDir: z.string(),
  nextAgentId: z.number(),
  chatRef: z.string(),
  chatRole: z.nullable(z.string()),
  chatJournal: z.boolean(),
});

/** `agency`: the task's agent (from `--agent`, else task.agent), matched by id prefix as wg does, and its role. */
export const AgencyFactSchema = z.object({
  asked: z.nullable(z.string()),
  match: z.enum(['none', 'found', 'no-match', 'ambiguous']),
  agent: z.nullable(
    z.object({
      id: z.string(),
      file: z.string(),
      executor: z.string(),
      preferred_model: z.nullable(z.string()),
      preferred_provider: z.nullable(z.string()),
      role_id: z.string(),
    }),
  ),
  role: z.nullable(z.object({ id: z.string(), file: z.string(), default_exec_mode: z.nullable(z.string()) })),
});

/** `tiers`: the effective spec of each tier, and of the task's own tier (task.tier, case-insensitive) when it names one. */
export const TiersFactSchema = z.object({
  list: z.array(z.object({ tier: TierNameSchema, spec: z.string(), source: Source })),
  task: z.nullable(z.string()),
  taskTier: z.nullable(TierNameSchema),
});

/** `tagRouting`: the first `[[tag_routing]]` rule whose tag the task carries. */
export const TagRoutingFactSchema = z.object({ match: z.nullable(z.object({ tag: z.string(), model: z.string() })) });

/** `registry`: wg's effective model registry. */
export const RegistryFactSchema = z.object({ list: z.array(RegistryModelSchema) });

/** `modelCache`: `<wgdir>/model_cache.json` (`present` false: wg has no usable cache). */
export const ModelCacheFactSchema = z.object({ file: z.string(), present: z.boolean(), ids: z.array(z.string()) });

/** `executors`: the executor configuration for every executor a plan can pick. */
export const ExecutorsFactSchema = z.object({ list: z.array(ExecutorConfigSchema) });

const Duration = z.optional(z.object({ raw: z.string(), secs: z.nullable(z.number()) }));

/** `timeouts`: each timeout string, parsed as wg parses it (`secs` null: the empty string, which disables the timeout). */
export const TimeoutsFactSchema = z.object({ caller: Duration, task: Duration, local: Duration, global: Duration });

/** `profile`: the active named profile (`<global dir>/active-profile`). */
export const ProfileFactSchema = z.object({ active: z.nullable(z.string()), file: z.nullable(z.string()) });

/** `plan`: the fields earlier stages decided (`timeout` as text: what argv and env carry). */
export const PlanFactSchema = z.object({
  launch: LaunchSchema,
  execMode: z.string(),
  model: ModelSpecSchema,
  executor: ExecutorSchema,
  executorConfig: ExecutorConfigSchema,
  modelId: z.string(),
  provider: z.string(),
  endpoint: z.nullable(EndpointSchema),
  agentId: z.string(),
  promptFile: z.string(),
  timeout: z.nullable(z.string()),
  env: z.record(z.string(), z.string()),
  argv: z.array(z.string()),
});

/** `provenance`: per decided field, the rule and a phrase naming its sources (for messages). */
export const ProvenanceFactSchema = z.record(z.string(), z.object({ rule: z.string(), from: z.string() }));

/** The facts every spawn stage may read. */
export const SPAWN_FACTS = {
  task: TaskSchema,
  cli: CliFactSchema,
  local: ConfigFactSchema,
  global: ConfigFactSchema,
  endpoints: EndpointsFactSchema,
  spawn: SpawnFactSchema,
  agency: AgencyFactSchema,
  tiers: TiersFactSchema,
  tagRouting: TagRoutingFactSchema,
  registry: RegistryFactSchema,
  modelCache: ModelCacheFactSchema,
  executors: ExecutorsFactSchema,
  timeouts: TimeoutsFactSchema,
  profile: ProfileFactSchema,
  plan: PlanFactSchema,
  provenance: ProvenanceFactSchema,
} as const;
