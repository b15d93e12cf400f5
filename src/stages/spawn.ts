// The spawn stage table: each stage decides one plan field from policy rules, in this order.
import * as z from 'zod/mini';
import { EndpointSchema, PublicEndpointSchema } from '../config/endpoint.js';
import { deprecationWarning, parseModelSpec } from '../config/model-spec.js';
import { TaskSchema } from '../graph/read-tasks.js';
import type { StageSpec, StageTable } from '../policy/stage.js';

const Text = z.string().check(z.minLength(1));

/** The executors wg can launch. */
export const ExecutorSchema = z.enum(['claude', 'native', 'codex', 'shell']);

/** A model spec as later stages see it: verbatim, its provider prefix (null when bare) and the name after it. */
export const ModelSpecSchema = z.object({ spec: z.string(), provider: z.nullable(z.string()), name: z.string() });

/** `cli`: what the caller of planSpawn passed (wg's agency executor, the dispatcher's default model). */
export const CliFactSchema = z.object({ agentExecutor: z.optional(z.string()), defaultModel: z.optional(z.string()) });

/** `local` / `global`: the keys of one config file policies may read (never key material). */
export const ConfigFactSchema = z.object({
  file: z.string(),
  agent: z.object({ model: z.optional(z.string()), executor: z.optional(z.string()) }),
  dispatcher: z.object({ model: z.optional(z.string()), executor: z.optional(z.string()) }),
  llm_endpoints: z.object({ inherit_global: z.optional(z.boolean()), endpoints: z.optional(z.array(PublicEndpointSchema)) }),
});

/** `endpoints`: the effective endpoint list for native spawns, and why it is what it is. */
export const EndpointsFactSchema = z.object({
  list: z.array(PublicEndpointSchema),
  names: z.array(z.string()),
  defaults: z.array(z.string()),
  count: z.number(),
  origin: z.nullable(z.string()),
  looked: z.string(),
});

/** `spawn`: how the agent is started (prompt file, exec mode). */
export const SpawnFactSchema = z.object({ promptFile: z.string(), execMode: z.string() });

/** `plan`: the fields earlier stages decided. */
export const PlanFactSchema = z.object({
  executor: ExecutorSchema,
  model: ModelSpecSchema,
  modelId: z.string(),
  endpoint: z.nullable(EndpointSchema),
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
  plan: PlanFactSchema,
  provenance: ProvenanceFactSchema,
} as const;

/** A model spec from the task or the caller with a deprecated prefix warns (config files warn when they load). */
function modelWarnings(value: unknown, sources: readonly { layer: string; key: string }[], facts: Readonly<Record<string, unknown>>): string[] {
  const src = sources.find((s) => s.layer === 'task' || s.layer === 'cli');
  const taskId = (facts.task as { id?: string } | undefined)?.id;
  const w = src && deprecationWarning(src.layer === 'task' ? `task ${taskId} model` : src.key, String(value));
  return w ? [w] : [];
}

const stage = (s: Omit<StageSpec, 'combine' | 'facts'>): StageSpec => ({ ...s, combine: 'first-match', facts: SPAWN_FACTS });

/** Stages in evaluation order. A later stage sees earlier results as the fact `plan`. */
export const SPAWN_TABLE: StageTable = {
  kind: 'spawn',
  fileKey: 'field',
  resultsFact: 'plan',
  provenanceFact: 'provenance',
  stages: [
    // The model spec comes first: the executor's last-resort rules read its provider prefix.
    stage({
      name: 'model',
      field: 'model',
      does: 'picks the model spec, verbatim',
      value: Text,
      toFact: (v) => parseModelSpec(String(v)),
      warnings: modelWarnings,
    }),
    stage({ name: 'executor', field: 'executor', does: 'picks the executor; explicit settings outrank the model prefix', value: ExecutorSchema }),
    stage({ name: 'compat', field: 'executor', does: 'checks (or, opted in, reroutes) an executor that cannot run the model', value: ExecutorSchema }),
    stage({ name: 'model-id', field: 'modelId', does: 'derives the model id the executor receives', value: Text }),
    stage({ name: 'endpoint', field: 'endpoint', does: 'picks the endpoint; only native gets one', value: z.nullable(EndpointSchema) }),
    stage({ name: 'env', field: 'env', does: 'builds the environment', value: z.record(z.string().check(z.regex(/^[A-Z_][A-Z0-9_]*$/)), z.string()) }),
    stage({ name: 'argv', field: 'argv', does: 'builds the command line', value: z.array(z.string()).check(z.minLength(1)) }),
  ],
};
