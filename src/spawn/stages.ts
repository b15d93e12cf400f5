// The spawn pipeline as a named table of stages; each stage decides one plan field from policy rules.
import * as z from 'zod/mini';
import { SpawnPlanSchema } from './plan-schema.js';

const Executor = SpawnPlanSchema.shape.executor;
const Text = z.string().check(z.minLength(1));

/** Stages in evaluation order. A later stage sees earlier results as the fact `plan`. */
export const SPAWN_STAGES = [
  // The model spec comes first: the executor's last-resort rules read its provider prefix.
  // `value` is what a winning rule must produce; anything else is an error naming the rule.
  { stage: 'model', field: 'model', does: 'picks the model spec, verbatim', value: Text },
  { stage: 'executor', field: 'executor', does: 'picks the executor; explicit settings outrank the model prefix', value: Executor },
  { stage: 'compat', field: 'executor', does: 'checks (or, opted in, reroutes) an executor that cannot run the model', value: Executor },
  { stage: 'model-id', field: 'modelId', does: 'derives the model id the executor receives', value: Text },
  {
    stage: 'endpoint',
    field: 'endpoint',
    does: 'picks the endpoint; only native gets one',
    value: z.nullable(z.object({ name: Text, provider: Text, url: z.string() })),
  },
  { stage: 'env', field: 'env', does: 'builds the environment', value: z.record(z.string().check(z.regex(/^[A-Z_][A-Z0-9_]*$/)), z.string()) },
  { stage: 'argv', field: 'argv', does: 'builds the command line', value: z.array(z.string()).check(z.minLength(1)) },
] as const;

export type SpawnStage = (typeof SPAWN_STAGES)[number];
export type PlanField = SpawnStage['field'];

/** Stage names, as policy files name them in `field:`. */
export const SPAWN_FIELDS: readonly string[] = SPAWN_STAGES.map((s) => s.stage);
