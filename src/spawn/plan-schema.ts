// The SpawnPlan contract wg reads, as a zod schema; the TypeScript types are inferred from it.
import * as z from 'zod/mini';
import { EndpointSchema } from '../config/endpoint.js';
import { ProvenanceEntrySchema } from '../engine/decision.js';
import { ExecutorSchema, LaunchSchema } from '../stages/spawn.js';

export { ProvenanceEntrySchema, type ProvenanceEntry } from '../engine/decision.js';

export const SpawnPlanSchema = z.object({
  task: z.string(),
  /** How wg launches it: `agent` (run.sh), `inline-shell` (the dispatcher's `wg exec --shell`), `chat-handler`, `chat-supervisor`. */
  launch: LaunchSchema,
  executor: ExecutorSchema,
  execMode: z.string(),
  model: z.object({ spec: z.string(), provider: z.nullable(z.string()), id: z.string() }),
  /** The provider label (WG_LLM_PROVIDER, native --provider). */
  provider: z.string(),
  endpoint: z.nullable(EndpointSchema),
  /** The agent id (`agent-N`): given by the caller, else predicted from wg's agent registry. */
  agentId: z.string(),
  promptFile: z.string(),
  /** Hard timeout in seconds, or null for none. */
  timeout: z.nullable(z.number()),
  env: z.record(z.string(), z.string()),
  argv: z.array(z.string()),
  provenance: z.object({
    launch: ProvenanceEntrySchema,
    execMode: ProvenanceEntrySchema,
    model: ProvenanceEntrySchema,
    executor: ProvenanceEntrySchema,
    executorConfig: ProvenanceEntrySchema,
    modelId: ProvenanceEntrySchema,
    provider: ProvenanceEntrySchema,
    endpoint: ProvenanceEntrySchema,
    agentId: ProvenanceEntrySchema,
    promptFile: ProvenanceEntrySchema,
    timeout: ProvenanceEntrySchema,
    env: ProvenanceEntrySchema,
    argv: ProvenanceEntrySchema,
  }),
  policyRevision: z.string(),
});
/** What `wg-policy plan` prints and wg executes: `argv` with `env`. */
export type SpawnPlan = z.infer<typeof SpawnPlanSchema>;

/** The plan without its provenance: checked field by field on every plan (the provenance entries are built by decide in their schema's shape). */
export const PlanFieldsSchema = z.omit(SpawnPlanSchema, { provenance: true });
/** The plan's keys and its provenance's keys, in the schema's order (the order a parse with SpawnPlanSchema gives). */
export const PLAN_KEYS = Object.keys(SpawnPlanSchema.shape) as Array<keyof SpawnPlan>;
export const PROVENANCE_KEYS = Object.keys(SpawnPlanSchema.shape.provenance.shape) as Array<keyof SpawnPlan['provenance']>;
