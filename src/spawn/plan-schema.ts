// The SpawnPlan contract wg reads, as a zod schema; the TypeScript types are inferred from it.
import * as z from 'zod/mini';

export const SourceSchema = z.object({
  layer: z.enum(['task', 'cli', 'local', 'global', 'default']),
  file: z.nullable(z.string()),
  key: z.string(),
  value: z.unknown(),
  via: z.optional(z.string()),
});

export const ProvenanceEntrySchema = z.object({
  value: z.unknown(),
  rule: z.string(),
  policy: z.string(),
  sources: z.array(SourceSchema),
  shadowed: z.array(z.object({ rule: z.string(), value: z.unknown(), policy: z.string() })),
});
export type ProvenanceEntry = z.infer<typeof ProvenanceEntrySchema>;

export const SpawnPlanSchema = z.object({
  task: z.string(),
  executor: z.enum(['claude', 'native', 'codex', 'shell']),
  model: z.object({ spec: z.string(), provider: z.nullable(z.string()), id: z.string() }),
  endpoint: z.nullable(z.object({ name: z.string(), provider: z.string(), url: z.string() })),
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
