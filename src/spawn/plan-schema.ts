// The SpawnPlan contract wg reads, as a zod schema; the TypeScript types are inferred from it.
import * as z from 'zod/mini';
import { EndpointSchema } from '../config/endpoint.js';
import { ProvenanceEntrySchema } from '../engine/decision.js';
import { ExecutorSchema } from '../stages/spawn.js';

export { ProvenanceEntrySchema, type ProvenanceEntry } from '../engine/decision.js';

export const SpawnPlanSchema = z.object({
  task: z.string(),
  executor: ExecutorSchema,
  model: z.object({ spec: z.string(), provider: z.nullable(z.string()), id: z.string() }),
  endpoint: z.nullable(EndpointSchema),
  env: z.record(z.string(), z.string()),
  argv: z.array(z.string()),
  provenance: z.object({
    executor: ProvenanceEntrySchema,
    model: ProvenanceEntrySchema,
    modelId: ProvenanceEntrySchema,
    endpoint: ProvenanceEntrySchema,
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
