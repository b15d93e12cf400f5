// The record of a spawn decision (what the decision log keeps) and its explanation (what `explain` shows).
import type { Decision } from '../audit/event.js';
import type { DecideResult } from '../engine/decide.js';
import { compactStages, explainStages, type CompactExplanation } from '../engine/explain.js';
import type { PolicyError } from '../shared/errors.js';
import { dedupeSources } from '../shared/source.js';
import type { SpawnPlan } from './plan-schema.js';

/** Every rule with every condition's actual value (what `explain --json` prints). */
export function spawnExplanation(taskId: string, policyRevision: string, result: DecideResult, plan: SpawnPlan | null, error: PolicyError | null) {
  return { task: taskId, policyRevision, plan, error: error?.toJSON() ?? null, stages: explainStages(result.trace, result.provenance) };
}
export type SpawnExplanation = ReturnType<typeof spawnExplanation>;

/** The part of an explanation a decision record keeps. */
export function compactExplanation(x: SpawnExplanation): CompactExplanation {
  return { task: x.task, policyRevision: x.policyRevision, error: x.error, stages: compactStages(x.stages) };
}

/** A spawn decision: the plan (or the refusal), the rule that decided each stage, the config values they read. */
export function spawnDecision(x: SpawnExplanation, result: DecideResult, error: PolicyError | null, facts?: Record<string, unknown>): Decision {
  return {
    kind: 'spawn',
    taskId: x.task,
    policyRevision: x.policyRevision,
    inputs: dedupeSources(Object.values(result.provenance).flatMap((p) => p.sources.filter((s) => !s.via))).map(({ layer, file, key, value }) => ({
      layer,
      file,
      key,
      value,
    })),
    result: x.plan,
    rules: result.determining.map((d) => ({ field: d.stage, rule: d.rule, policy: d.policy })),
    error: error ? { code: error.code, message: error.message, ...(error.rule ? { rule: error.rule } : {}) } : undefined,
    explanation: compactExplanation(x),
    ...(facts ? { facts } : {}),
  };
}
